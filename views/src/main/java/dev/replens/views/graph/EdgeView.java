package dev.replens.views.graph;

import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.Group;
import javafx.scene.control.Label;
import javafx.scene.shape.CubicCurveTo;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.scene.shape.Polygon;

/**
 * An arrow between two nodes: horizontal-tangent cubic segments through its points, an arrowhead at
 * the end and, where the channel count changes, a small label near its start.
 */
final class EdgeView extends Group {

  private static final double ARROW_LENGTH = 8;
  private static final double ARROW_HALF_WIDTH = 4.5;

  private final String id;
  private final Path line = new Path();
  private final Polygon arrow = new Polygon();
  private final Label label;
  private Point2D labelAnchor;

  /** Whether the arrowhead is drawn (not where the edge only passes through a hidden node). */
  void setArrowVisible(boolean visible) {
    arrow.setVisible(visible);
  }

  EdgeView(String id, String labelText) {
    this.id = id;
    getStyleClass().add("graph-edge");
    line.getStyleClass().add("edge-line");
    arrow.getStyleClass().add("edge-arrow");
    getChildren().addAll(line, arrow);
    if (labelText != null) {
      label = new Label(labelText);
      label.getStyleClass().add("edge-label");
      getChildren().add(label);
    } else {
      label = null;
    }
    setMouseTransparent(true);
    setAutoSizeChildren(false);
  }

  String edgeId() {
    return id;
  }

  /** The channel label's text, or null. */
  String labelText() {
    return label == null ? null : label.getText();
  }

  /**
   * Routes the edge through {@code points} (at least two); the arrowhead ends at the last one.
   *
   * @param labelOffset how far after the first point the label is centred
   */
  void route(List<Point2D> points, double labelOffset) {
    Point2D end = points.get(points.size() - 1);
    Point2D tip = end;
    Point2D lineEnd = new Point2D(end.getX() - ARROW_LENGTH + 1, end.getY());
    line.getElements().clear();
    Point2D p = points.get(0);
    line.getElements().add(new MoveTo(p.getX(), p.getY()));
    for (int i = 1; i < points.size(); i++) {
      Point2D q = i == points.size() - 1 ? lineEnd : points.get(i);
      if (Math.abs(q.getY() - p.getY()) < 0.5) {
        line.getElements().add(new LineTo(q.getX(), q.getY()));
      } else {
        double d = Math.max(24, Math.abs(q.getX() - p.getX()) / 2);
        line.getElements()
            .add(
                new CubicCurveTo(
                    p.getX() + d, p.getY(), q.getX() - d, q.getY(), q.getX(), q.getY()));
      }
      p = q;
    }
    arrow
        .getPoints()
        .setAll(
            tip.getX(),
            tip.getY(),
            tip.getX() - ARROW_LENGTH,
            tip.getY() - ARROW_HALF_WIDTH,
            tip.getX() - ARROW_LENGTH,
            tip.getY() + ARROW_HALF_WIDTH);
    if (label != null) {
      Point2D start = points.get(0);
      labelAnchor = new Point2D(start.getX() + labelOffset, start.getY());
      placeLabel();
      requestLayout();
    }
  }

  @Override
  protected void layoutChildren() {
    placeLabel();
  }

  /** Centres the label above the anchor; its size is known only once CSS gave it a skin. */
  private void placeLabel() {
    if (label == null || labelAnchor == null) {
      return;
    }
    double w = label.prefWidth(-1);
    double h = label.prefHeight(-1);
    label.resizeRelocate(labelAnchor.getX() - w / 2, labelAnchor.getY() - h - 3, w, h);
  }
}
