package dev.replens.views.graph;

import dev.replens.engine.model.Problem;
import dev.replens.views.graph.GraphModel.Lane;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/**
 * The background of one branch: a rounded band with the branch id in its top-left corner. The label
 * is the handle for dragging the lane to another position.
 */
final class LaneView extends Region {

  private final GraphElement key;
  private final Label label = new Label();
  private final ProblemBadge badge = new ProblemBadge();
  private Lane lane;
  private Tooltip tooltip;
  private String problemText;

  LaneView(Lane lane) {
    this.key = lane.key();
    getStyleClass().add("graph-lane");
    label.getStyleClass().add("lane-label");
    label.setManaged(false);
    label.setMinWidth(Region.USE_PREF_SIZE);
    getChildren().addAll(label, badge);
    update(lane);
  }

  GraphElement key() {
    return key;
  }

  GraphElement ref() {
    return lane.ref();
  }

  Lane lane() {
    return lane;
  }

  /** The lane's label, the drag handle for reordering lanes. */
  Label label() {
    return label;
  }

  String problemText() {
    return problemText;
  }

  void update(Lane newLane) {
    this.lane = newLane;
    label.setText(newLane.branchId());
  }

  void setProblems(List<Problem> problems) {
    boolean error = problems.stream().anyMatch(Problem::isError);
    pseudoClassStateChanged(NodeView.INVALID, error);
    pseudoClassStateChanged(NodeView.WARNING, !error && !problems.isEmpty());
    badge.setVisible(!problems.isEmpty());
    String msg =
        problems.isEmpty()
            ? null
            : problems.stream().map(Problem::message).collect(Collectors.joining("\n"));
    if (Objects.equals(msg, problemText)) {
      return;
    }
    problemText = msg;
    if (tooltip != null) {
      Tooltip.uninstall(label, tooltip);
      tooltip = null;
    }
    if (msg != null) {
      tooltip = new Tooltip(msg);
      tooltip.getStyleClass().add("graph-problem-tooltip");
      tooltip.setShowDelay(Duration.millis(250));
      tooltip.setWrapText(true);
      tooltip.setMaxWidth(420);
      Tooltip.install(label, tooltip);
    }
  }

  @Override
  protected void layoutChildren() {
    double lw = label.prefWidth(-1);
    double lh = label.prefHeight(-1);
    label.resizeRelocate(10, 4, lw, lh);
    double s = ProblemBadge.SIZE;
    badge.resizeRelocate(10 + lw + 4, 4 + (lh - s) / 2, s, s);
  }
}
