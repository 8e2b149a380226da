package dev.replens.views.graph;

import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;

/**
 * The warning sign drawn on an element that has validation problems: a triangle with an exclamation
 * mark, red for errors and amber for warnings (colored by its parent's {@code :invalid} / {@code
 * :warning} pseudo-class). Drawn with shapes, so it needs no icon font.
 */
final class ProblemBadge extends StackPane {

  static final double SIZE = 18;

  ProblemBadge() {
    getStyleClass().add("problem-badge");
    Region triangle = new Region();
    triangle.getStyleClass().add("problem-badge-shape");
    Label mark = new Label("!");
    mark.getStyleClass().add("problem-badge-mark");
    getChildren().addAll(triangle, mark);
    setMinSize(SIZE, SIZE);
    setPrefSize(SIZE, SIZE);
    setMaxSize(SIZE, SIZE);
    setVisible(false);
    setManaged(false);
    setMouseTransparent(true);
  }
}
