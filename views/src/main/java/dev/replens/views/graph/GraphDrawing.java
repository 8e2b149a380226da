package dev.replens.views.graph;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.views.graph.GraphLayout.DropTarget;
import dev.replens.views.graph.GraphLayout.Metrics;
import dev.replens.views.graph.GraphModel.Edge;
import dev.replens.views.graph.GraphModel.Lane;
import dev.replens.views.graph.GraphModel.NodeInfo;
import dev.replens.views.graph.GraphModel.Role;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.animation.Interpolator;
import javafx.animation.KeyFrame;
import javafx.animation.KeyValue;
import javafx.animation.Timeline;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Point2D;
import javafx.geometry.Rectangle2D;
import javafx.scene.Group;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/**
 * The drawn graph in world coordinates: lane bands, arrows and nodes, kept by key so that a new
 * block state can be matched against the shown one.
 *
 * <p>When the block changes, every node and lane moves from where it is shown to its new place.
 * Nodes and lanes that disappear slide into what they merged into (the op before them in the same
 * branch, the branch that replaced theirs, or Σ) and fade; new ones fade in. Arrows are re-routed
 * every frame from the moving boxes, so lanes visibly converge when branches are added up.
 */
final class GraphDrawing extends Group {

  private static final double MIN_NODE_WIDTH = 112;
  private static final double MAX_NODE_WIDTH = 240;

  private final Group laneLayer = new Group();
  private final Group edgeLayer = new Group();
  private final Group nodeLayer = new Group();
  private final Group overlay = new Group();
  private final Region marker = new Region();

  private final Map<GraphElement, NodeView> nodeViews = new LinkedHashMap<>();
  private final Map<GraphElement, LaneView> laneViews = new LinkedHashMap<>();
  private final Map<String, EdgeView> edgeViews = new LinkedHashMap<>();
  private final Map<String, Edge> edgeInfos = new HashMap<>();

  private GraphModel model = GraphModel.empty();
  private GraphLayout layout = GraphLayout.compute(GraphModel.empty(), Metrics.DEFAULT, Map.of());

  // Animation state: where things are shown, where they come from and go to.
  private final Map<GraphElement, Rectangle2D> shownBoxes = new HashMap<>();
  private final Map<GraphElement, Rectangle2D> shownLanes = new HashMap<>();
  private final Map<GraphElement, Rectangle2D> fromBoxes = new HashMap<>();
  private final Map<GraphElement, Rectangle2D> toBoxes = new HashMap<>();
  private final Map<GraphElement, Rectangle2D> fromLanes = new HashMap<>();
  private final Map<GraphElement, Rectangle2D> toLanes = new HashMap<>();
  private final Set<GraphElement> enteringNodes = new HashSet<>();
  private final Set<GraphElement> leavingNodes = new HashSet<>();
  private final Set<GraphElement> enteringLanes = new HashSet<>();
  private final Set<GraphElement> leavingLanes = new HashSet<>();
  private final Set<String> enteringEdges = new HashSet<>();
  private final Set<String> leavingEdges = new HashSet<>();
  private final Map<GraphElement, Point2D> dragOffsets = new HashMap<>();
  private final DoubleProperty progress = new SimpleDoubleProperty(1);
  private final ReadOnlyBooleanWrapper animating = new ReadOnlyBooleanWrapper(false);
  private Timeline timeline;

  GraphDrawing() {
    getStyleClass().add("graph-drawing");
    for (Group layer : List.of(laneLayer, edgeLayer, nodeLayer, overlay)) {
      layer.setAutoSizeChildren(false);
    }
    setAutoSizeChildren(false);
    marker.getStyleClass().add("insertion-marker");
    marker.setVisible(false);
    marker.setMouseTransparent(true);
    overlay.getChildren().add(marker);
    overlay.setMouseTransparent(true);
    getChildren().addAll(laneLayer, edgeLayer, nodeLayer, overlay);
    progress.addListener((obs, o, n) -> frame(n.doubleValue()));
  }

  GraphModel model() {
    return model;
  }

  GraphLayout graphLayout() {
    return layout;
  }

  /** Whether a transition between two block states is running. */
  ReadOnlyBooleanProperty animatingProperty() {
    return animating.getReadOnlyProperty();
  }

  /** The view of a node by key (including nodes that are fading out), or null. */
  NodeView nodeView(GraphElement key) {
    return nodeViews.get(key);
  }

  /** Every node view, including those fading out. */
  Collection<NodeView> nodeViews() {
    return nodeViews.values();
  }

  /** The view of a lane by key, or null. */
  LaneView laneView(GraphElement key) {
    return laneViews.get(key);
  }

  Collection<LaneView> laneViews() {
    return laneViews.values();
  }

  Collection<EdgeView> edgeViews() {
    return edgeViews.values();
  }

  /** Whether a node is fading out of an animation. */
  boolean isLeaving(GraphElement key) {
    return leavingNodes.contains(key);
  }

  /**
   * Shows a block state.
   *
   * @param newModel the new graph
   * @param offsets node offsets from the automatic layout
   * @param animation how long the transition takes, or null to jump
   */
  void show(GraphModel newModel, Map<GraphElement, Point2D> offsets, Duration animation) {
    stopAnimation();
    GraphModel oldModel = model;
    model = newModel;

    Set<GraphElement> oldNodeKeys = new HashSet<>(nodeViews.keySet());
    for (NodeInfo info : newModel.nodes().values()) {
      NodeView v = nodeViews.get(info.key());
      if (v == null) {
        v = new NodeView(info);
        nodeViews.put(info.key(), v);
        nodeLayer.getChildren().add(v);
      } else {
        v.update(info);
      }
    }
    Set<GraphElement> oldLaneKeys = new HashSet<>(laneViews.keySet());
    for (Lane lane : newModel.lanes()) {
      LaneView v = laneViews.get(lane.key());
      if (v == null) {
        v = new LaneView(lane);
        laneViews.put(lane.key(), v);
        laneLayer.getChildren().add(v);
      } else {
        v.update(lane);
      }
    }
    // Lanes are drawn top to bottom in model order; keep the layer in that order too.
    List<LaneView> ordered = new ArrayList<>();
    for (Lane lane : newModel.lanes()) {
      ordered.add(laneViews.get(lane.key()));
    }
    laneViews.forEach(
        (k, v) -> {
          if (!ordered.contains(v)) {
            ordered.add(0, v);
          }
        });
    laneLayer.getChildren().setAll(ordered);

    layout = GraphLayout.compute(newModel, measure(), offsets);

    enteringNodes.clear();
    leavingNodes.clear();
    enteringLanes.clear();
    leavingLanes.clear();
    for (GraphElement k : nodeViews.keySet()) {
      boolean inNew = newModel.node(k) != null;
      boolean inOld = oldNodeKeys.contains(k);
      if (inNew && !inOld) {
        enteringNodes.add(k);
      } else if (!inNew) {
        leavingNodes.add(k);
      }
    }
    for (GraphElement k : laneViews.keySet()) {
      boolean inNew = newModel.lane(k) != null;
      if (inNew && !oldLaneKeys.contains(k)) {
        enteringLanes.add(k);
      } else if (!inNew) {
        leavingLanes.add(k);
      }
    }

    Map<GraphElement, GraphElement> laneTargets = new HashMap<>();
    for (GraphElement l : leavingLanes) {
      GraphElement t = laneTarget(newModel);
      if (t != null) {
        laneTargets.put(l, t);
      }
    }

    fromLanes.clear();
    toLanes.clear();
    for (GraphElement k : laneViews.keySet()) {
      Rectangle2D now = shownLanes.get(k);
      if (leavingLanes.contains(k)) {
        GraphElement t = laneTargets.get(k);
        fromLanes.put(k, now);
        toLanes.put(k, t == null ? now : layout.lanes().get(t));
      } else if (enteringLanes.contains(k)) {
        List<Rectangle2D> sources = new ArrayList<>();
        laneTargets.forEach(
            (src, t) -> {
              if (t.equals(k) && shownLanes.get(src) != null) {
                sources.add(shownLanes.get(src));
              }
            });
        Rectangle2D to = layout.lanes().get(k);
        fromLanes.put(k, sources.isEmpty() ? to : GraphLayout.union(sources));
        toLanes.put(k, to);
      } else {
        Rectangle2D to = layout.lanes().get(k);
        fromLanes.put(k, now == null ? to : now);
        toLanes.put(k, to);
      }
    }

    fromBoxes.clear();
    toBoxes.clear();
    for (GraphElement k : nodeViews.keySet()) {
      Rectangle2D now = shownBoxes.get(k);
      if (leavingNodes.contains(k)) {
        GraphElement t = mergeTarget(k, oldModel, newModel, laneTargets);
        Rectangle2D target = t == null ? null : layout.box(t);
        fromBoxes.put(k, now);
        toBoxes.put(k, target == null ? now : shrinkInto(now, target));
        NodeView v = nodeViews.get(k);
        v.setMouseTransparent(true);
        v.toBack();
      } else {
        Rectangle2D to = layout.box(k);
        fromBoxes.put(k, now == null || enteringNodes.contains(k) ? to : now);
        toBoxes.put(k, to);
      }
    }

    Set<String> oldEdgeIds = new HashSet<>(edgeViews.keySet());
    Set<String> newEdgeIds = new HashSet<>();
    enteringEdges.clear();
    leavingEdges.clear();
    for (Edge e : newModel.edges()) {
      newEdgeIds.add(e.id());
      EdgeView v = edgeViews.get(e.id());
      Edge old = edgeInfos.get(e.id());
      if (v != null && old != null && !java.util.Objects.equals(old.label(), e.label())) {
        edgeLayer.getChildren().remove(v);
        edgeViews.remove(e.id());
        v = null;
      }
      if (v == null) {
        v = new EdgeView(e.id(), e.label());
        edgeViews.put(e.id(), v);
        edgeLayer.getChildren().add(v);
        if (!oldEdgeIds.isEmpty()) {
          enteringEdges.add(e.id());
        }
      }
      edgeInfos.put(e.id(), e);
    }
    for (String id : oldEdgeIds) {
      if (!newEdgeIds.contains(id)) {
        leavingEdges.add(id);
      }
    }
    // A sum of one branch adds nothing: with a single lane the Σ node is not drawn, and the
    // branch's edge runs on through its place without an arrowhead there.
    boolean oneInput = newModel.lanes().size() == 1;
    NodeView sum = nodeViews.get(GraphElement.SUM);
    if (sum != null) {
      sum.setVisible(!oneInput);
    }
    for (Edge e : newModel.edges()) {
      edgeViews.get(e.id()).setArrowVisible(!(oneInput && GraphElement.SUM.equals(e.to())));
    }

    if (animation == null
        || animation.lessThanOrEqualTo(Duration.ZERO)
        || oldModel.spec() == null) {
      progress.set(1);
      frame(1);
      finish();
      return;
    }
    animating.set(true);
    progress.set(0);
    frame(0);
    timeline =
        new Timeline(new KeyFrame(animation, new KeyValue(progress, 1, Interpolator.EASE_BOTH)));
    timeline.setOnFinished(e -> finish());
    timeline.play();
  }

  /** Ends a running transition at its end state. */
  void stopAnimation() {
    if (timeline != null) {
      timeline.stop();
      timeline = null;
      if (animating.get()) {
        finish();
      }
    }
  }

  private void finish() {
    for (GraphElement k : leavingNodes) {
      NodeView v = nodeViews.remove(k);
      nodeLayer.getChildren().remove(v);
      shownBoxes.remove(k);
    }
    for (GraphElement k : leavingLanes) {
      LaneView v = laneViews.remove(k);
      laneLayer.getChildren().remove(v);
      shownLanes.remove(k);
    }
    for (String id : leavingEdges) {
      EdgeView v = edgeViews.remove(id);
      edgeLayer.getChildren().remove(v);
      edgeInfos.remove(id);
    }
    leavingNodes.clear();
    leavingLanes.clear();
    leavingEdges.clear();
    enteringNodes.clear();
    enteringLanes.clear();
    enteringEdges.clear();
    timeline = null;
    for (LaneView v : laneViews.values()) {
      v.setOpacity(1);
      v.label().setOpacity(1);
    }
    for (NodeView v : nodeViews.values()) {
      v.setOpacity(1);
      v.setScaleX(1);
      v.setScaleY(1);
      v.setMouseTransparent(false);
    }
    animating.set(false);
  }

  /** Moves a node by a transient drag offset (null to clear it) and re-routes its arrows. */
  void setDragOffset(GraphElement key, Point2D offset) {
    if (offset == null) {
      dragOffsets.remove(key);
    } else {
      dragOffsets.put(key, offset);
    }
    frame(progress.get());
  }

  /** The insertion marker shown while something is dragged over a drop target. */
  Region marker() {
    return marker;
  }

  /** Shows the insertion marker of a drop target, or hides it for null. */
  void showMarker(DropTarget target) {
    if (target == null) {
      marker.setVisible(false);
      return;
    }
    Point2D a = target.markerStart();
    Point2D b = target.markerEnd();
    boolean vertical = Math.abs(a.getX() - b.getX()) < 0.5;
    double t = 4;
    if (vertical) {
      marker.resizeRelocate(
          a.getX() - t / 2, Math.min(a.getY(), b.getY()), t, Math.abs(b.getY() - a.getY()));
    } else {
      marker.resizeRelocate(
          Math.min(a.getX(), b.getX()), a.getY() - t / 2, Math.abs(b.getX() - a.getX()), t);
    }
    marker.setVisible(true);
  }

  /**
   * Marks problems, the selection and the highlighted elements.
   *
   * @return the problems no node or lane shows (block-level ones, or ones whose place is gone)
   */
  List<Problem> decorate(
      List<Problem> problems, GraphElement selection, Set<GraphElement> highlight) {
    Map<NodeView, List<Problem>> onNodes = new HashMap<>();
    Map<LaneView, List<Problem>> onLanes = new HashMap<>();
    List<Problem> rest = new ArrayList<>();
    for (Problem p : problems) {
      GraphElement where = GraphElement.of(p);
      List<NodeView> nodes = nodesFor(where);
      if (where.isNode() && !nodes.isEmpty()) {
        nodes.forEach(v -> onNodes.computeIfAbsent(v, x -> new ArrayList<>()).add(p));
        continue;
      }
      if (BlockSpec.POST.equals(where.branchId())) {
        NodeView sum = nodeViews.get(GraphElement.SUM);
        if (sum != null) {
          onNodes.computeIfAbsent(sum, x -> new ArrayList<>()).add(p);
          continue;
        }
      }
      List<LaneView> lanes = lanesFor(where.branchId());
      if (!lanes.isEmpty()) {
        lanes.forEach(v -> onLanes.computeIfAbsent(v, x -> new ArrayList<>()).add(p));
        continue;
      }
      rest.add(p);
    }
    for (NodeView v : nodeViews.values()) {
      if (leavingNodes.contains(v.key())) {
        continue;
      }
      v.setProblems(onNodes.getOrDefault(v, List.of()));
      v.pseudoClassStateChanged(NodeView.SELECTED, v.ref().equals(selection));
      v.pseudoClassStateChanged(NodeView.HIGHLIGHTED, highlight.contains(v.ref()));
    }
    for (LaneView v : laneViews.values()) {
      if (leavingLanes.contains(v.key())) {
        continue;
      }
      v.setProblems(onLanes.getOrDefault(v, List.of()));
      v.pseudoClassStateChanged(NodeView.SELECTED, v.ref().equals(selection));
      v.pseudoClassStateChanged(NodeView.HIGHLIGHTED, highlight.contains(v.ref()));
    }
    return rest;
  }

  /** The live node views standing for an element (several only if a design repeats an id). */
  List<NodeView> nodesFor(GraphElement ref) {
    List<NodeView> out = new ArrayList<>();
    for (NodeView v : nodeViews.values()) {
      if (!leavingNodes.contains(v.key()) && v.ref().equals(ref)) {
        out.add(v);
      }
    }
    return out;
  }

  /** The live lane views of a branch id. */
  List<LaneView> lanesFor(String branchId) {
    List<LaneView> out = new ArrayList<>();
    if (branchId == null) {
      return out;
    }
    for (LaneView v : laneViews.values()) {
      if (!leavingLanes.contains(v.key()) && v.lane().branchId().equals(branchId)) {
        out.add(v);
      }
    }
    return out;
  }

  /** The metrics for the current nodes: op nodes are as wide as the widest label needs. */
  private Metrics measure() {
    if (getScene() != null) {
      nodeLayer.applyCss();
    }
    double w = MIN_NODE_WIDTH;
    for (NodeInfo info : model.nodes().values()) {
      if (info.role() == Role.OP || info.role() == Role.POST_OP) {
        w = Math.max(w, Math.ceil(nodeViews.get(info.key()).prefWidth(-1)));
      }
    }
    return Metrics.DEFAULT.withNodeWidth(Math.min(MAX_NODE_WIDTH, w));
  }

  /** The lane that replaced disappearing lanes: the one new lane, or the only lane left. */
  private GraphElement laneTarget(GraphModel newModel) {
    if (enteringLanes.size() == 1) {
      return enteringLanes.iterator().next();
    }
    if (newModel.lanes().size() == 1) {
      return newModel.lanes().get(0).key();
    }
    return null;
  }

  /** What a disappearing node merged into, or null to fade it where it is. */
  private static GraphElement mergeTarget(
      GraphElement key,
      GraphModel oldModel,
      GraphModel newModel,
      Map<GraphElement, GraphElement> laneTargets) {
    NodeInfo old = oldModel.node(key);
    if (old == null) {
      return null;
    }
    if (old.role() == Role.POST_OP) {
      List<Lane> lanes = newModel.lanes();
      if (lanes.size() == 1 && !lanes.get(0).ops().isEmpty()) {
        List<GraphElement> ops = lanes.get(0).ops();
        return ops.get(ops.size() - 1);
      }
      return GraphElement.SUM;
    }
    if (old.role() != Role.OP) {
      return null;
    }
    Lane newLane = newModel.lane(old.laneKey());
    if (newLane != null) {
      List<GraphElement> oldOps = oldModel.lane(old.laneKey()).ops();
      for (int i = old.index() - 1; i >= 0; i--) {
        if (newModel.node(oldOps.get(i)) != null) {
          return oldOps.get(i);
        }
      }
      for (int i = old.index() + 1; i < oldOps.size(); i++) {
        if (newModel.node(oldOps.get(i)) != null) {
          return oldOps.get(i);
        }
      }
      return newLane.ops().isEmpty() ? GraphElement.SUM : newLane.ops().get(0);
    }
    GraphElement t = laneTargets.get(old.laneKey());
    if (t == null) {
      return GraphElement.SUM;
    }
    Lane target = newModel.lane(t);
    GraphElement same = GraphElement.op(t.branchId(), key.opId());
    if (newModel.node(same) != null) {
      return same;
    }
    return target.ops().isEmpty() ? GraphElement.SUM : target.ops().get(0);
  }

  /** A box the size of {@code from}, centred on {@code into}: a node sliding into another. */
  private static Rectangle2D shrinkInto(Rectangle2D from, Rectangle2D into) {
    double cx = into.getMinX() + into.getWidth() / 2;
    double cy = into.getMinY() + into.getHeight() / 2;
    return new Rectangle2D(
        cx - from.getWidth() / 2, cy - from.getHeight() / 2, from.getWidth(), from.getHeight());
  }

  /** Places everything at transition progress t (0 = old state, 1 = new state). */
  private void frame(double t) {
    for (NodeView v : nodeViews.values()) {
      GraphElement k = v.key();
      Rectangle2D from = fromBoxes.get(k);
      Rectangle2D to = toBoxes.get(k);
      if (from == null || to == null) {
        continue;
      }
      Rectangle2D box = GraphLayout.lerp(from, to, t);
      Point2D drag = dragOffsets.get(k);
      if (drag != null) {
        box = GraphLayout.translate(box, drag.getX(), drag.getY());
      }
      shownBoxes.put(k, box);
      v.resizeRelocate(box.getMinX(), box.getMinY(), box.getWidth(), box.getHeight());
      if (enteringNodes.contains(k)) {
        v.setOpacity(t);
        double s = 0.85 + 0.15 * t;
        v.setScaleX(s);
        v.setScaleY(s);
      } else if (leavingNodes.contains(k)) {
        v.setOpacity(1 - t);
        double s = 1 - 0.3 * t;
        v.setScaleX(s);
        v.setScaleY(s);
      }
    }
    for (LaneView v : laneViews.values()) {
      GraphElement k = v.key();
      Rectangle2D r = GraphLayout.lerp(fromLanes.get(k), toLanes.get(k), t);
      shownLanes.put(k, r);
      v.resizeRelocate(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight());
      v.setOpacity(enteringLanes.contains(k) ? t : leavingLanes.contains(k) ? 1 - t : 1);
      // Labels cross-fade in the two halves, so that merging lanes never show two names at once.
      v.label()
          .setOpacity(
              enteringLanes.contains(k)
                  ? Math.max(0, 2 * t - 1)
                  : leavingLanes.contains(k) ? Math.max(0, 1 - 2 * t) : 1);
    }
    Metrics m = layout.metrics();
    for (EdgeView v : edgeViews.values()) {
      Edge e = edgeInfos.get(v.edgeId());
      Rectangle2D a = shownBoxes.get(e.from());
      Rectangle2D b = shownBoxes.get(e.to());
      if (a == null || b == null) {
        v.setVisible(false);
        continue;
      }
      v.setVisible(true);
      List<Point2D> pts = new ArrayList<>();
      pts.add(new Point2D(a.getMaxX(), a.getMinY() + a.getHeight() / 2));
      Rectangle2D lane = e.via() == null ? null : shownLanes.get(e.via());
      if (lane != null) {
        double cy = lane.getMinY() + lane.getHeight() / 2;
        pts.add(new Point2D(lane.getMinX() + m.laneInset(), cy));
        pts.add(new Point2D(lane.getMaxX() - m.laneInset(), cy));
      }
      pts.add(new Point2D(b.getMinX(), b.getMinY() + b.getHeight() / 2));
      v.route(pts, m.columnGap() / 2);
      v.setOpacity(
          enteringEdges.contains(v.edgeId()) ? t : leavingEdges.contains(v.edgeId()) ? 1 - t : 1);
    }
  }
}
