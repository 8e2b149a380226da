package dev.replens.views.graph;

import dev.replens.engine.model.BlockSpec;
import dev.replens.views.graph.GraphModel.Lane;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Point2D;
import javafx.geometry.Rectangle2D;

/**
 * Where everything of a {@link GraphModel} goes, in world coordinates (zoom 1, the sum line at y =
 * 0): the input on the left, lanes stacked around the sum line with their ops in evenly spaced
 * columns, Σ, the post ops, the activation and the output on the right. Node offsets (free moves)
 * are added on top of the automatic position.
 *
 * <p>Also answers hit tests for drops: which lane slot or lane gap a world point is over.
 */
final class GraphLayout {

  /**
   * Sizes of the layout, in world units.
   *
   * @param nodeWidth width of op nodes
   * @param nodeHeight height of every node
   * @param fixedWidth width of input, activation and output
   * @param sumDiameter diameter of the Σ node
   * @param laneHeaderHeight room above and below a lane's nodes (the lane label sits in the top)
   * @param laneGap vertical gap between lanes
   * @param columnGap horizontal gap between nodes in a chain
   * @param fanGap horizontal room for the arrows fanning out of the input and into Σ
   * @param laneInset horizontal room between a lane's edge and its first and last node
   */
  record Metrics(
      double nodeWidth,
      double nodeHeight,
      double fixedWidth,
      double sumDiameter,
      double laneHeaderHeight,
      double laneGap,
      double columnGap,
      double fanGap,
      double laneInset) {

    static final Metrics DEFAULT = new Metrics(132, 48, 80, 40, 24, 14, 44, 72, 26);

    Metrics withNodeWidth(double w) {
      return new Metrics(
          w,
          nodeHeight,
          fixedWidth,
          sumDiameter,
          laneHeaderHeight,
          laneGap,
          columnGap,
          fanGap,
          laneInset);
    }

    double laneHeight() {
      return nodeHeight + 2 * laneHeaderHeight;
    }
  }

  /** What a drop at a point would do. */
  enum DropKind {
    /** Insert into a branch (or the post ops) at {@link DropTarget#index()}. */
    INSERT_OP,
    /** Add a new branch at {@link DropTarget#index()}. */
    NEW_BRANCH
  }

  /**
   * A drop target with the insertion marker to draw for it.
   *
   * @param kind what the drop does
   * @param lane the lane dropped into ({@code branch("post")} for the post ops), or null
   * @param index the insertion index
   * @param markerStart one end of the marker line
   * @param markerEnd the other end
   */
  record DropTarget(
      DropKind kind, GraphElement lane, int index, Point2D markerStart, Point2D markerEnd) {

    /** The branch id of an insert (the real id, or {@value BlockSpec#POST}), else null. */
    String branchId(GraphModel model) {
      if (lane == null) {
        return null;
      }
      if (BlockSpec.POST.equals(lane.branchId())) {
        return BlockSpec.POST;
      }
      Lane l = model.lane(lane);
      return l == null ? null : l.branchId();
    }
  }

  /** The pseudo lane key of the post ops. */
  static final GraphElement POST_LANE = GraphElement.branch(BlockSpec.POST);

  private final GraphModel model;
  private final Metrics metrics;
  private final Map<GraphElement, Rectangle2D> base;
  private final Map<GraphElement, Rectangle2D> boxes;
  private final Map<GraphElement, Rectangle2D> lanes;
  private final Rectangle2D bounds;

  private GraphLayout(
      GraphModel model,
      Metrics metrics,
      Map<GraphElement, Rectangle2D> base,
      Map<GraphElement, Rectangle2D> boxes,
      Map<GraphElement, Rectangle2D> lanes) {
    this.model = model;
    this.metrics = metrics;
    this.base = Collections.unmodifiableMap(base);
    this.boxes = Collections.unmodifiableMap(boxes);
    this.lanes = Collections.unmodifiableMap(lanes);
    this.bounds = union(boxes.values(), lanes.values());
  }

  /**
   * Lays a model out.
   *
   * @param offsets per-node offsets from the automatic position (free moves), by node key
   */
  static GraphLayout compute(
      GraphModel model, Metrics m, Map<GraphElement, ? extends Point2D> offsets) {
    Map<GraphElement, Rectangle2D> base = new LinkedHashMap<>();
    Map<GraphElement, Rectangle2D> lanes = new LinkedHashMap<>();
    if (model.spec() == null) {
      return new GraphLayout(model, m, base, new LinkedHashMap<>(), lanes);
    }
    double h = m.nodeHeight();
    base.put(GraphElement.INPUT, new Rectangle2D(0, -h / 2, m.fixedWidth(), h));
    int n = model.lanes().size();
    double laneH = m.laneHeight();
    double lanesH = n * laneH + Math.max(0, n - 1) * m.laneGap();
    double laneX = m.fixedWidth() + m.fanGap();
    int cols = model.columns();
    double laneW = 2 * m.laneInset() + cols * m.nodeWidth() + (cols - 1) * m.columnGap();
    double top = -lanesH / 2;
    for (int i = 0; i < n; i++) {
      Lane lane = model.lanes().get(i);
      double y = top + i * (laneH + m.laneGap());
      lanes.put(lane.key(), new Rectangle2D(laneX, y, laneW, laneH));
      double cy = y + laneH / 2;
      for (int j = 0; j < lane.ops().size(); j++) {
        double x = laneX + m.laneInset() + j * (m.nodeWidth() + m.columnGap());
        base.put(lane.ops().get(j), new Rectangle2D(x, cy - h / 2, m.nodeWidth(), h));
      }
    }
    double sumX = laneX + laneW + m.fanGap();
    double d = m.sumDiameter();
    base.put(GraphElement.SUM, new Rectangle2D(sumX, -d / 2, d, d));
    double x = sumX + d + m.columnGap();
    for (GraphElement p : model.post()) {
      base.put(p, new Rectangle2D(x, -h / 2, m.nodeWidth(), h));
      x += m.nodeWidth() + m.columnGap();
    }
    if (model.node(GraphElement.ACTIVATION) != null) {
      base.put(GraphElement.ACTIVATION, new Rectangle2D(x, -h / 2, m.fixedWidth(), h));
      x += m.fixedWidth() + m.columnGap();
    }
    base.put(GraphElement.OUTPUT, new Rectangle2D(x, -h / 2, m.fixedWidth(), h));

    Map<GraphElement, Rectangle2D> boxes = new LinkedHashMap<>();
    base.forEach(
        (k, r) -> {
          Point2D o = offsets.get(k);
          boxes.put(k, o == null ? r : translate(r, o.getX(), o.getY()));
        });
    return new GraphLayout(model, m, base, boxes, lanes);
  }

  GraphModel model() {
    return model;
  }

  Metrics metrics() {
    return metrics;
  }

  /** Node boxes including offsets, by node key. */
  Map<GraphElement, Rectangle2D> boxes() {
    return boxes;
  }

  /** The box of a node including its offset, or null. */
  Rectangle2D box(GraphElement key) {
    return boxes.get(key);
  }

  /** The automatic box of a node, without its offset, or null. */
  Rectangle2D baseBox(GraphElement key) {
    return base.get(key);
  }

  /** Lane rectangles by lane key. */
  Map<GraphElement, Rectangle2D> lanes() {
    return lanes;
  }

  /** Everything drawn (nodes and lanes); empty for no block. */
  Rectangle2D bounds() {
    return bounds;
  }

  /**
   * What a drop at world point (x, y) would do.
   *
   * @param dragged a node being moved, left out when counting slots (null for a palette drop)
   * @return the target, or null where nothing can be dropped (no block)
   */
  DropTarget dropTarget(double x, double y, GraphElement dragged) {
    if (model.spec() == null) {
      return null;
    }
    for (Lane lane : model.lanes()) {
      Rectangle2D r = lanes.get(lane.key());
      if (r.contains(x, y)) {
        return slot(lane.key(), lane.ops(), r, x, dragged);
      }
    }
    Rectangle2D sum = boxes.get(GraphElement.SUM);
    Rectangle2D out = boxes.get(GraphElement.OUTPUT);
    double h = metrics.nodeHeight();
    if (x > sum.getMaxX() && x < out.getMinX() && Math.abs(y) <= h / 2 + metrics.laneGap()) {
      Rectangle2D band = new Rectangle2D(sum.getMaxX(), -h / 2, out.getMinX() - sum.getMaxX(), h);
      return slot(POST_LANE, model.post(), band, x, dragged);
    }
    return newBranch(y, null);
  }

  /**
   * Where a lane dragged to height y would go: a {@link DropKind#NEW_BRANCH} target whose index is
   * the lane's index after the move.
   */
  DropTarget laneMoveTarget(double y, GraphElement movedLane) {
    return newBranch(y, movedLane);
  }

  private DropTarget newBranch(double y, GraphElement excluded) {
    List<Rectangle2D> others = new ArrayList<>();
    for (Lane lane : model.lanes()) {
      if (!lane.key().equals(excluded)) {
        others.add(lanes.get(lane.key()));
      }
    }
    int index = 0;
    for (Rectangle2D r : others) {
      if (r.getMinY() + r.getHeight() / 2 < y) {
        index++;
      }
    }
    double x0 = boxes.get(GraphElement.INPUT).getMaxX() + metrics.fanGap();
    Rectangle2D sum = boxes.get(GraphElement.SUM);
    double x1 = Math.max(x0 + metrics.nodeWidth(), sum.getMinX() - metrics.fanGap());
    double my;
    if (others.isEmpty()) {
      my = 0;
    } else if (index == 0) {
      my = others.get(0).getMinY() - metrics.laneGap() / 2;
    } else if (index == others.size()) {
      my = others.get(others.size() - 1).getMaxY() + metrics.laneGap() / 2;
    } else {
      my = (others.get(index - 1).getMaxY() + others.get(index).getMinY()) / 2;
    }
    return new DropTarget(
        DropKind.NEW_BRANCH, null, index, new Point2D(x0, my), new Point2D(x1, my));
  }

  private DropTarget slot(
      GraphElement laneKey,
      List<GraphElement> ops,
      Rectangle2D band,
      double x,
      GraphElement dragged) {
    List<Rectangle2D> others = new ArrayList<>();
    for (GraphElement k : ops) {
      if (!k.equals(dragged)) {
        others.add(boxes.get(k));
      }
    }
    int index = 0;
    for (Rectangle2D r : others) {
      if (r.getMinX() + r.getWidth() / 2 < x) {
        index++;
      }
    }
    double left = index == 0 ? band.getMinX() : others.get(index - 1).getMaxX();
    double right = index == others.size() ? band.getMaxX() : others.get(index).getMinX();
    double cy = band.getMinY() + band.getHeight() / 2;
    double half = metrics.nodeHeight() / 2 + 4;
    double mx = (left + right) / 2;
    return new DropTarget(
        DropKind.INSERT_OP, laneKey, index, new Point2D(mx, cy - half), new Point2D(mx, cy + half));
  }

  static Rectangle2D translate(Rectangle2D r, double dx, double dy) {
    return new Rectangle2D(r.getMinX() + dx, r.getMinY() + dy, r.getWidth(), r.getHeight());
  }

  static Rectangle2D lerp(Rectangle2D a, Rectangle2D b, double t) {
    return new Rectangle2D(
        a.getMinX() + (b.getMinX() - a.getMinX()) * t,
        a.getMinY() + (b.getMinY() - a.getMinY()) * t,
        a.getWidth() + (b.getWidth() - a.getWidth()) * t,
        a.getHeight() + (b.getHeight() - a.getHeight()) * t);
  }

  @SafeVarargs
  static Rectangle2D union(java.util.Collection<Rectangle2D>... groups) {
    double x0 = Double.POSITIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (java.util.Collection<Rectangle2D> g : groups) {
      for (Rectangle2D r : g) {
        x0 = Math.min(x0, r.getMinX());
        y0 = Math.min(y0, r.getMinY());
        x1 = Math.max(x1, r.getMaxX());
        y1 = Math.max(y1, r.getMaxY());
      }
    }
    return x0 > x1 ? Rectangle2D.EMPTY : new Rectangle2D(x0, y0, x1 - x0, y1 - y0);
  }
}
