package dev.replens.views.graph;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.Rectangle2D;
import org.testfx.util.WaitForAsyncUtils;

/** Reads what a {@link BlockGraphView} shows, for tests in this package. */
final class GraphProbe {

  private final BlockGraphView view;

  GraphProbe(BlockGraphView view) {
    this.view = view;
  }

  BlockGraphSkin skin() {
    return (BlockGraphSkin) view.getSkin();
  }

  GraphDrawing drawing() {
    return skin().drawing();
  }

  /** The node drawn for a key; fails if there is none. */
  NodeView node(GraphElement key) {
    NodeView v = drawing().nodeView(key);
    if (v == null) {
      throw new AssertionError("no node " + key + "; nodes: " + keys());
    }
    return v;
  }

  List<GraphElement> keys() {
    return drawing().nodeViews().stream().map(NodeView::key).toList();
  }

  /** The branch ids of the lanes, top to bottom as drawn. */
  List<String> laneIds() {
    return drawing().laneViews().stream()
        .sorted(Comparator.comparingDouble(LaneView::getLayoutY))
        .map(l -> l.label().getText())
        .toList();
  }

  LaneView lane(String branchId) {
    return drawing().laneViews().stream()
        .filter(l -> l.label().getText().equals(branchId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no lane " + branchId));
  }

  /** The titles of a lane's op nodes, left to right as drawn. */
  List<String> laneTitles(String branchId) {
    return laneNodes(branchId).stream().map(NodeView::titleText).toList();
  }

  /** The ids (subtitles) of a lane's op nodes, left to right as drawn. */
  List<String> laneOpIds(String branchId) {
    return laneNodes(branchId).stream().map(NodeView::subtitleText).toList();
  }

  List<NodeView> laneNodes(String branchId) {
    return drawing().nodeViews().stream()
        .filter(n -> branchId.equals(n.ref().branchId()))
        .sorted(Comparator.comparingDouble(NodeView::getLayoutX))
        .toList();
  }

  /** A node's box in world coordinates. */
  Rectangle2D box(GraphElement key) {
    NodeView n = node(key);
    return new Rectangle2D(n.getLayoutX(), n.getLayoutY(), n.getWidth(), n.getHeight());
  }

  /** A world point on the screen. */
  Point2D screen(double worldX, double worldY) {
    return call(() -> drawing().localToScreen(worldX, worldY));
  }

  /** The screen point in the middle of the arrow between two nodes' boxes. */
  Point2D between(GraphElement left, GraphElement right) {
    Rectangle2D a = box(left);
    Rectangle2D b = box(right);
    return screen((a.getMaxX() + b.getMinX()) / 2, a.getMinY() + a.getHeight() / 2);
  }

  /** A node's bounds in scene coordinates. */
  Bounds sceneBounds(javafx.scene.Node n) {
    return call(() -> n.localToScene(n.getBoundsInLocal()));
  }

  static <T> T call(Callable<T> c) {
    return WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(c));
  }
}
