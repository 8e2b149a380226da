package dev.replens.views.graph;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.views.graph.GraphLayout.DropKind;
import dev.replens.views.graph.GraphLayout.DropTarget;
import dev.replens.views.graph.GraphModel.Lane;
import dev.replens.views.graph.GraphModel.NodeInfo;
import dev.replens.views.graph.GraphModel.Role;
import dev.replens.views.palette.OpTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.beans.InvalidationListener;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;
import javafx.collections.SetChangeListener;
import javafx.event.EventHandler;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.input.ZoomEvent;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;
import javafx.util.Duration;

/**
 * The skin of {@link BlockGraphView}: a header with the block geometry and zoom buttons above a
 * clipped viewport that pans and zooms a {@link GraphDrawing}. All gestures are handled here and
 * turned into requests on the control.
 */
public class BlockGraphSkin extends SkinBase<BlockGraphView> {

  /** The zoom factor of one zoom step (key, button or wheel notch). */
  static final double ZOOM_STEP = 1.2;

  private static final double DRAG_THRESHOLD = 4;
  private static final double FIT_MARGIN = 24;
  private static final double AUTO_FIT_MAX_ZOOM = 1;
  private static final double FIT_MAX_ZOOM = 2;

  /**
   * The smallest zoom a structure change fits to: below it node labels can't be read, so a larger
   * graph is shown from its top left at this zoom, and the rest is a pan (wheel or drag) away.
   */
  static final double READABLE_ZOOM = 0.5;

  private final GraphDrawing drawing = new GraphDrawing();
  private final Group world = new Group(drawing);
  private final Pane viewport = new Pane(world);
  private final Translate pan = new Translate();
  private final Scale scale = new Scale(1, 1, 0, 0);

  private final HBox header = new HBox();
  // The chips wrap to a second row on a narrow canvas instead of widening the pane.
  private final FlowPane geometry = new FlowPane(6, 4);
  private final ProblemBadge headerBadge = new ProblemBadge();
  private final Label zoomLabel = new Label("100%");
  private Tooltip headerTooltip;
  private String headerProblemText;

  private boolean autoFit = true;
  private boolean fitPending;
  private boolean suppressAnimation;
  private double lastViewportWidth;
  private double lastViewportHeight;

  private enum Gesture {
    NONE,
    PAN,
    NODE,
    LANE
  }

  private Gesture gesture = Gesture.NONE;
  private boolean dragged;
  private Point2D pressScene;
  private Point2D pressWorld;
  private double pressPanX;
  private double pressPanY;
  private NodeView dragNode;
  private LaneView dragLane;
  private DropTarget dragTarget;

  private final InvalidationListener specListener = o -> rebuild(true);
  // A map listener on the property also hears the map being replaced (as per-entry changes).
  private final MapChangeListener<GraphElement, Point2D> offsetsListener = c -> offsetsChanged();
  private final ListChangeListener<Problem> problemsListener = c -> decorate();
  private final InvalidationListener selectionListener = o -> decorate();
  private final SetChangeListener<GraphElement> highlightListener = c -> decorate();
  private final EventHandler<KeyEvent> keyHandler = this::keyPressed;

  /** A skin for the view. */
  public BlockGraphSkin(BlockGraphView view) {
    super(view);
    world.getTransforms().setAll(pan, scale);
    viewport.getStyleClass().add("graph-viewport");
    Rectangle clip = new Rectangle();
    clip.widthProperty().bind(viewport.widthProperty());
    clip.heightProperty().bind(viewport.heightProperty());
    viewport.setClip(clip);
    viewport.setMinSize(0, 0);
    world.setManaged(false);

    buildHeader();
    getChildren().addAll(viewport, header);

    view.specProperty().addListener(specListener);
    view.nodeOffsetsProperty().addListener(offsetsListener);
    view.getProblems().addListener(problemsListener);
    view.selectionProperty().addListener(selectionListener);
    view.getHighlight().addListener(highlightListener);
    drawing.animatingProperty().addListener((o, a, b) -> view.updateAnimating(b));

    installMouseHandlers();
    installDropHandlers();
    view.addEventHandler(KeyEvent.KEY_PRESSED, keyHandler);

    fitPending = view.takeFitRequest();
    rebuild(false);
    applyCamera();
  }

  @Override
  public void dispose() {
    BlockGraphView view = getSkinnable();
    if (view != null) {
      drawing.stopAnimation();
      view.specProperty().removeListener(specListener);
      view.nodeOffsetsProperty().removeListener(offsetsListener);
      view.getProblems().removeListener(problemsListener);
      view.selectionProperty().removeListener(selectionListener);
      view.getHighlight().removeListener(highlightListener);
      view.removeEventHandler(KeyEvent.KEY_PRESSED, keyHandler);
    }
    super.dispose();
  }

  GraphDrawing drawing() {
    return drawing;
  }

  Pane viewport() {
    return viewport;
  }

  // ------------------------------------------------------------------ header

  private void buildHeader() {
    header.getStyleClass().add("graph-header");
    header.setAlignment(Pos.CENTER_LEFT);
    geometry.getStyleClass().add("graph-geometry");
    geometry.setAlignment(Pos.CENTER_LEFT);
    geometry.setMinWidth(120);
    geometry.setPrefWrapLength(600);
    HBox.setHgrow(geometry, Priority.SOMETIMES);
    headerBadge.setManaged(true);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Button out = toolButton("−", "Zoom out (−)", () -> getSkinnable().zoomOut());
    out.setId("graph-zoom-out");
    Button in = toolButton("+", "Zoom in (+)", () -> getSkinnable().zoomIn());
    in.setId("graph-zoom-in");
    Button fit = toolButton("Fit", "Fit to view (F)", () -> getSkinnable().fitToView());
    fit.setId("graph-fit");
    zoomLabel.getStyleClass().add("graph-zoom-label");
    zoomLabel.setMinWidth(Region.USE_PREF_SIZE);
    header.getChildren().addAll(geometry, headerBadge, spacer, out, zoomLabel, in, fit);
    header.setOnMouseClicked(
        e -> {
          if (e.getTarget() instanceof Node n && isInside(n, geometry)) {
            getSkinnable().setSelection(GraphElement.BLOCK);
          }
        });
  }

  private static Button toolButton(String text, String tip, Runnable action) {
    Button b = new Button(text);
    b.getStyleClass().add("graph-tool-button");
    b.setMinWidth(Region.USE_PREF_SIZE);
    b.setFocusTraversable(false);
    b.setTooltip(new Tooltip(tip));
    b.setOnAction(e -> action.run());
    return b;
  }

  private void updateHeader() {
    BlockSpec s = getSkinnable().getSpec();
    geometry.getChildren().clear();
    if (s == null) {
      geometry.getChildren().add(chip("no block", null));
      return;
    }
    geometry.getChildren().add(chip(s.inChannels() + " → " + s.outChannels(), "channels"));
    geometry.getChildren().add(chip("K " + s.kernel() + "×" + s.kernel(), null));
    geometry.getChildren().add(chip("stride " + s.stride(), null));
    geometry.getChildren().add(chip("padding " + s.padding(), null));
    geometry.getChildren().add(chip("groups " + s.groups(), null));
    if (s.activation() != Activation.NONE) {
      geometry.getChildren().add(chip(s.activation().label(), null));
    }
  }

  private static Label chip(String text, String unit) {
    Label l = new Label(unit == null ? text : text + " " + unit);
    l.getStyleClass().add("geometry-chip");
    l.setMinWidth(Region.USE_PREF_SIZE);
    return l;
  }

  /** The geometry chips' texts (for tests and accessibility). */
  String headerText() {
    return geometry.getChildren().stream()
        .map(n -> ((Label) n).getText())
        .collect(Collectors.joining(" · "));
  }

  /** The block-level problems shown in the header, or null. */
  String headerProblemText() {
    return headerProblemText;
  }

  Region header() {
    return header;
  }

  // ------------------------------------------------------------------ state

  private void offsetsChanged() {
    boolean animate = !suppressAnimation;
    suppressAnimation = false;
    rebuild(animate);
  }

  private void rebuild(boolean animate) {
    BlockGraphView view = getSkinnable();
    boolean wasEmpty = drawing.model().spec() == null;
    Duration d = animate && view.isAnimated() ? view.getAnimationDuration() : null;
    Map<GraphElement, Point2D> offsets =
        view.getNodeOffsets() == null ? Map.of() : new HashMap<>(view.getNodeOffsets());
    drawing.show(GraphModel.of(view.getSpec()), offsets, d);
    updateHeader();
    decorate();
    if (!wasEmpty && view.getSpec() != null) {
      refitIfOutOfView();
    }
    if (wasEmpty && view.getSpec() != null && autoFit) {
      fitPending = true;
      view.requestLayout();
    }
  }

  private void decorate() {
    BlockGraphView view = getSkinnable();
    List<Problem> rest =
        drawing.decorate(
            List.copyOf(view.getProblems()), view.getSelection(), Set.copyOf(view.getHighlight()));
    boolean error = rest.stream().anyMatch(Problem::isError);
    header.pseudoClassStateChanged(NodeView.INVALID, error);
    header.pseudoClassStateChanged(NodeView.WARNING, !error && !rest.isEmpty());
    header.pseudoClassStateChanged(
        NodeView.SELECTED, GraphElement.BLOCK.equals(view.getSelection()));
    headerBadge.setVisible(!rest.isEmpty());
    String msg =
        rest.isEmpty()
            ? null
            : rest.stream().map(Problem::message).collect(Collectors.joining("\n"));
    if (!java.util.Objects.equals(msg, headerProblemText)) {
      headerProblemText = msg;
      if (headerTooltip != null) {
        Tooltip.uninstall(headerBadge, headerTooltip);
        Tooltip.uninstall(geometry, headerTooltip);
        headerTooltip = null;
      }
      if (msg != null) {
        headerTooltip = new Tooltip(msg);
        headerTooltip.getStyleClass().add("graph-problem-tooltip");
        headerTooltip.setShowDelay(Duration.millis(250));
        Tooltip.install(geometry, headerTooltip);
      }
    }
  }

  // ------------------------------------------------------------------ layout and camera

  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    double hh = header.prefHeight(w);
    header.resizeRelocate(x, y, w, hh);
    viewport.resizeRelocate(x, y + hh, w, Math.max(0, h - hh));
    double vw = viewport.getWidth();
    double vh = viewport.getHeight();
    boolean resized = vw != lastViewportWidth || vh != lastViewportHeight;
    lastViewportWidth = vw;
    lastViewportHeight = vh;
    if (vw > 0 && vh > 0 && (fitPending || (resized && autoFit))) {
      boolean explicit = fitPending && !autoFit;
      fitPending = false;
      if (explicit) {
        fit(FIT_MAX_ZOOM);
      } else {
        fitReadable();
      }
    }
  }

  @Override
  protected double computePrefWidth(
      double h, double top, double right, double bottom, double left) {
    return 720;
  }

  @Override
  protected double computePrefHeight(
      double w, double top, double right, double bottom, double left) {
    return 480;
  }

  /** Fits the graph into the viewport (at most 200 %). */
  void fitToView() {
    autoFit = false;
    if (viewport.getWidth() <= 0 || viewport.getHeight() <= 0) {
      fitPending = true;
      getSkinnable().requestLayout();
      return;
    }
    fit(FIT_MAX_ZOOM);
  }

  /** Fits the whole graph, at most {@code maxZoom}: the user asked to see all of it. */
  private void fit(double maxZoom) {
    fitBetween(BlockGraphView.MIN_ZOOM, maxZoom);
  }

  /**
   * After a structure change: keeps the camera while the whole graph is in view and fills a fair
   * part of it; otherwise fits the graph, no smaller than {@link #READABLE_ZOOM}.
   */
  private void refitIfOutOfView() {
    Rectangle2D b = drawing.graphLayout().bounds();
    double vw = viewport.getWidth();
    double vh = viewport.getHeight();
    if (b.getWidth() <= 0 || vw <= 0 || vh <= 0) {
      return;
    }
    double s = scale.getX();
    double minX = pan.getX() + s * b.getMinX();
    double minY = pan.getY() + s * b.getMinY();
    double maxX = pan.getX() + s * b.getMaxX();
    double maxY = pan.getY() + s * b.getMaxY();
    boolean inView = minX >= 0 && minY >= 0 && maxX <= vw && maxY <= vh;
    boolean small = s * b.getWidth() < vw / 2 && s * b.getHeight() < vh / 2;
    if (inView && !small) {
      return;
    }
    fitReadable();
  }

  /**
   * Fits the graph (at most 100 %), but no smaller than {@link #READABLE_ZOOM}: a graph too large
   * for that is shown from its top left, centred along an axis where it fits.
   */
  private void fitReadable() {
    fitBetween(READABLE_ZOOM, AUTO_FIT_MAX_ZOOM);
  }

  private void fitBetween(double minZoom, double maxZoom) {
    Rectangle2D b = drawing.graphLayout().bounds();
    double vw = viewport.getWidth();
    double vh = viewport.getHeight();
    if (b.getWidth() <= 0 || vw <= 0 || vh <= 0) {
      return;
    }
    // A short viewport spends less of itself on the margin.
    double m = Math.min(FIT_MARGIN, 0.06 * Math.min(vw, vh));
    double fitS = Math.min((vw - 2 * m) / b.getWidth(), (vh - 2 * m) / b.getHeight());
    double ns = clamp(Math.max(minZoom, Math.min(fitS, maxZoom)));
    scale.setX(ns);
    scale.setY(ns);
    double w = ns * b.getWidth();
    double h = ns * b.getHeight();
    pan.setX(w <= vw ? (vw - w) / 2 - ns * b.getMinX() : m - ns * b.getMinX());
    pan.setY(h <= vh ? (vh - h) / 2 - ns * b.getMinY() : m - ns * b.getMinY());
    applyCamera();
  }

  /** Zooms by a factor around the viewport centre. */
  void zoomBy(double factor) {
    zoomAround(factor, viewport.getWidth() / 2, viewport.getHeight() / 2);
  }

  private void zoomAround(double factor, double px, double py) {
    autoFit = false;
    double s = scale.getX();
    double ns = clamp(s * factor);
    double wx = (px - pan.getX()) / s;
    double wy = (py - pan.getY()) / s;
    scale.setX(ns);
    scale.setY(ns);
    pan.setX(px - ns * wx);
    pan.setY(py - ns * wy);
    applyCamera();
  }

  private static double clamp(double s) {
    return Math.max(BlockGraphView.MIN_ZOOM, Math.min(BlockGraphView.MAX_ZOOM, s));
  }

  private void applyCamera() {
    double s = scale.getX();
    getSkinnable().updateZoom(s);
    zoomLabel.setText(Math.round(s * 100) + "%");
  }

  // ------------------------------------------------------------------ mouse

  private void installMouseHandlers() {
    viewport.addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
    viewport.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::draggedTo);
    viewport.addEventHandler(MouseEvent.MOUSE_RELEASED, this::released);
    viewport.addEventHandler(MouseEvent.MOUSE_CLICKED, this::clicked);
    viewport.addEventHandler(
        ScrollEvent.SCROLL,
        e -> {
          if (e.isControlDown() || e.isShortcutDown()) {
            if (e.getDeltaY() != 0) {
              zoomAround(Math.pow(ZOOM_STEP, e.getDeltaY() / 40), e.getX(), e.getY());
            }
          } else {
            autoFit = false;
            pan.setX(pan.getX() + e.getDeltaX());
            pan.setY(pan.getY() + e.getDeltaY());
          }
          e.consume();
        });
    viewport.addEventHandler(
        ZoomEvent.ZOOM,
        e -> {
          zoomAround(e.getZoomFactor(), e.getX(), e.getY());
          e.consume();
        });
  }

  private void pressed(MouseEvent e) {
    getSkinnable().requestFocus();
    gesture = Gesture.NONE;
    dragged = false;
    pressScene = new Point2D(e.getSceneX(), e.getSceneY());
    pressWorld = drawing.sceneToLocal(pressScene);
    pressPanX = pan.getX();
    pressPanY = pan.getY();
    Node picked = e.getPickResult().getIntersectedNode();
    NodeView node = ancestor(picked, NodeView.class);
    LaneView lane = ancestor(picked, LaneView.class);
    if (node != null && e.getButton() == MouseButton.PRIMARY && !drawing.isLeaving(node.key())) {
      getSkinnable().setSelection(node.ref());
      dragNode = node;
      gesture = Gesture.NODE;
    } else if (lane != null
        && e.getButton() == MouseButton.PRIMARY
        && isInside(picked, lane.label())) {
      getSkinnable().setSelection(lane.ref());
      dragLane = lane;
      gesture = Gesture.LANE;
    } else {
      gesture = Gesture.PAN;
    }
    e.consume();
  }

  private void draggedTo(MouseEvent e) {
    if (gesture == Gesture.NONE || pressScene == null) {
      return;
    }
    Point2D scene = new Point2D(e.getSceneX(), e.getSceneY());
    if (!dragged && scene.distance(pressScene) < DRAG_THRESHOLD) {
      return;
    }
    dragged = true;
    Point2D world = drawing.sceneToLocal(scene);
    Point2D delta = world.subtract(pressWorld);
    switch (gesture) {
      case PAN -> {
        autoFit = false;
        pan.setX(pressPanX + scene.getX() - pressScene.getX());
        pan.setY(pressPanY + scene.getY() - pressScene.getY());
      }
      case NODE -> {
        dragNode.pseudoClassStateChanged(NodeView.DRAGGING, true);
        dragNode.toFront();
        drawing.setDragOffset(dragNode.key(), delta);
        dragTarget = moveTarget(dragNode, world);
        drawing.showMarker(dragTarget);
      }
      case LANE -> {
        dragLane.setTranslateY(delta.getY());
        dragLane.pseudoClassStateChanged(NodeView.DRAGGING, true);
        DropTarget t = drawing.graphLayout().laneMoveTarget(world.getY(), dragLane.key());
        dragTarget = t.index() == dragLane.lane().index() ? null : t;
        drawing.showMarker(dragTarget);
      }
      default -> {}
    }
    e.consume();
  }

  /** Where dropping a dragged op node would move it, or null for a free move. */
  private DropTarget moveTarget(NodeView node, Point2D world) {
    NodeInfo info = node.info();
    if (info.role() != Role.OP && info.role() != Role.POST_OP) {
      return null;
    }
    DropTarget t = drawing.graphLayout().dropTarget(world.getX(), world.getY(), node.key());
    if (t == null || t.kind() != DropKind.INSERT_OP) {
      return null;
    }
    GraphElement ownLane = info.role() == Role.POST_OP ? GraphLayout.POST_LANE : info.laneKey();
    if (t.lane().equals(ownLane) && t.index() == info.index()) {
      return null;
    }
    return t;
  }

  private void released(MouseEvent e) {
    Gesture g = gesture;
    gesture = Gesture.NONE;
    drawing.showMarker(null);
    if (g == Gesture.NODE && dragNode != null) {
      NodeView node = dragNode;
      dragNode = null;
      node.pseudoClassStateChanged(NodeView.DRAGGING, false);
      if (dragged) {
        Point2D world = drawing.sceneToLocal(e.getSceneX(), e.getSceneY());
        finishNodeDrag(node, world.subtract(pressWorld), dragTarget);
      }
    } else if (g == Gesture.LANE && dragLane != null) {
      LaneView lane = dragLane;
      dragLane = null;
      lane.setTranslateY(0);
      lane.pseudoClassStateChanged(NodeView.DRAGGING, false);
      if (dragged && dragTarget != null) {
        getSkinnable()
            .requestEdit(
                new GraphEdit.MoveBranch(
                    lane.lane().branchId(), lane.lane().index(), dragTarget.index()));
      }
    }
    dragTarget = null;
    e.consume();
  }

  private void finishNodeDrag(NodeView node, Point2D delta, DropTarget target) {
    drawing.setDragOffset(node.key(), null);
    NodeInfo info = node.info();
    if (target != null) {
      String from =
          info.role() == Role.POST_OP
              ? BlockSpec.POST
              : drawing.model().lane(info.laneKey()).branchId();
      getSkinnable()
          .requestEdit(
              new GraphEdit.MoveOp(
                  from, info.index(), target.branchId(drawing.model()), target.index()));
      return;
    }
    if (getSkinnable().getNodeOffsets() == null) {
      getSkinnable().setNodeOffsets(javafx.collections.FXCollections.observableHashMap());
    }
    Map<GraphElement, Point2D> offsets = getSkinnable().getNodeOffsets();
    Point2D before = offsets.getOrDefault(node.key(), Point2D.ZERO);
    Point2D after = before.add(delta);
    suppressAnimation = true;
    offsets.put(node.key(), after);
    suppressAnimation = false;
    getSkinnable().requestEdit(new GraphEdit.MoveNode(node.key(), before, after));
  }

  private void clicked(MouseEvent e) {
    if (!e.isStillSincePress() || e.getButton() != MouseButton.PRIMARY) {
      return;
    }
    Node picked = e.getPickResult().getIntersectedNode();
    NodeView node = ancestor(picked, NodeView.class);
    LaneView lane = ancestor(picked, LaneView.class);
    BlockGraphView view = getSkinnable();
    if (node != null) {
      if (e.getClickCount() == 2) {
        view.requestOpen(node.ref());
      }
    } else if (lane != null) {
      view.setSelection(lane.ref());
      if (e.getClickCount() == 2) {
        view.requestOpen(lane.ref());
      }
    } else if (e.getClickCount() == 1) {
      view.setSelection(null);
    }
    e.consume();
  }

  private static <T> T ancestor(Node n, Class<T> type) {
    for (Node p = n; p != null; p = p.getParent()) {
      if (type.isInstance(p)) {
        return type.cast(p);
      }
    }
    return null;
  }

  private static boolean isInside(Node n, Node container) {
    for (Node p = n; p != null; p = p.getParent()) {
      if (p == container) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ drops from the palette

  private void installDropHandlers() {
    viewport.addEventHandler(
        DragEvent.DRAG_OVER,
        e -> {
          DropTarget t = paletteTarget(e);
          if (t != null) {
            e.acceptTransferModes(TransferMode.COPY);
          }
          drawing.showMarker(t);
          e.consume();
        });
    viewport.addEventHandler(DragEvent.DRAG_EXITED, e -> drawing.showMarker(null));
    viewport.addEventHandler(
        DragEvent.DRAG_DROPPED,
        e -> {
          DropTarget t = paletteTarget(e);
          drawing.showMarker(null);
          Optional<OpTemplate> template =
              t == null
                  ? Optional.empty()
                  : getSkinnable()
                      .getTemplateResolver()
                      .apply((String) e.getDragboard().getContent(OpTemplate.DATA_FORMAT));
          if (template.isPresent()) {
            getSkinnable().requestEdit(dropEdit(t, template.get()));
          }
          e.setDropCompleted(template.isPresent());
          e.consume();
        });
  }

  private DropTarget paletteTarget(DragEvent e) {
    Dragboard db = e.getDragboard();
    if (getSkinnable().getSpec() == null || !db.hasContent(OpTemplate.DATA_FORMAT)) {
      return null;
    }
    Point2D w = drawing.sceneToLocal(e.getSceneX(), e.getSceneY());
    return drawing.graphLayout().dropTarget(w.getX(), w.getY(), null);
  }

  private GraphEdit dropEdit(DropTarget t, OpTemplate template) {
    if (t.kind() == DropKind.INSERT_OP) {
      return new GraphEdit.AddOp(t.branchId(drawing.model()), t.index(), template);
    }
    return new GraphEdit.AddBranch(t.index(), template);
  }

  // ------------------------------------------------------------------ keyboard

  private void keyPressed(KeyEvent e) {
    BlockGraphView view = getSkinnable();
    GraphElement sel = view.getSelection();
    KeyCode code = e.getCode();
    boolean plain = !e.isShortcutDown() && !e.isAltDown();
    switch (code) {
      case DELETE, BACK_SPACE -> {
        if (plain && sel != null && deletable(sel)) {
          view.requestEdit(new GraphEdit.DeleteElement(sel));
          e.consume();
        }
      }
      case ENTER -> {
        if (plain && sel != null) {
          view.requestOpen(sel);
          e.consume();
        }
      }
      case ESCAPE -> {
        view.setSelection(null);
        e.consume();
      }
      case PLUS, ADD, EQUALS -> {
        zoomBy(ZOOM_STEP);
        e.consume();
      }
      case MINUS, SUBTRACT -> {
        zoomBy(1 / ZOOM_STEP);
        e.consume();
      }
      case DIGIT0, NUMPAD0 -> {
        if (plain) {
          zoomBy(1 / scale.getX());
          e.consume();
        }
      }
      case F -> {
        if (plain) {
          fitToView();
          e.consume();
        }
      }
      case LEFT, RIGHT, UP, DOWN -> {
        if (plain) {
          GraphElement next = neighbour(sel, code);
          if (next != null) {
            view.setSelection(next);
          }
          e.consume();
        }
      }
      default -> {}
    }
  }

  private static boolean deletable(GraphElement e) {
    return e.isOp() || e.isBranch() || GraphElement.ACTIVATION.equals(e);
  }

  /** The element an arrow key moves the selection to, or null. */
  private GraphElement neighbour(GraphElement sel, KeyCode code) {
    GraphModel m = drawing.model();
    if (m.spec() == null) {
      return null;
    }
    List<GraphElement> main = new ArrayList<>();
    main.add(GraphElement.SUM);
    main.addAll(m.post());
    if (m.node(GraphElement.ACTIVATION) != null) {
      main.add(GraphElement.ACTIVATION);
    }
    main.add(GraphElement.OUTPUT);
    List<Lane> lanes = m.lanes();
    if (sel == null) {
      return GraphElement.INPUT;
    }
    NodeInfo node = nodeFor(sel);
    Lane lane = node == null ? laneFor(sel) : m.lane(node.laneKey());
    if (node != null && node.role() == Role.OP) {
      int i = node.index();
      List<GraphElement> ops = lane.ops();
      int li = lanes.indexOf(lane);
      return switch (code) {
        case LEFT -> i > 0 ? ref(ops.get(i - 1)) : lane.ref();
        case RIGHT -> i + 1 < ops.size() ? ref(ops.get(i + 1)) : GraphElement.SUM;
        case UP -> li > 0 ? inLane(lanes.get(li - 1), i) : null;
        case DOWN -> li + 1 < lanes.size() ? inLane(lanes.get(li + 1), i) : null;
        default -> null;
      };
    }
    if (node == null && lane != null) {
      int li = lanes.indexOf(lane);
      return switch (code) {
        case LEFT -> GraphElement.INPUT;
        case RIGHT -> lane.ops().isEmpty() ? GraphElement.SUM : ref(lane.ops().get(0));
        case UP -> li > 0 ? lanes.get(li - 1).ref() : null;
        case DOWN -> li + 1 < lanes.size() ? lanes.get(li + 1).ref() : null;
        default -> null;
      };
    }
    if (GraphElement.INPUT.equals(sel)) {
      return code == KeyCode.RIGHT && !lanes.isEmpty() ? lanes.get(0).ref() : null;
    }
    GraphElement key = node == null ? null : node.key();
    int i = main.indexOf(key);
    if (i < 0) {
      return GraphElement.INPUT;
    }
    if (code == KeyCode.RIGHT) {
      return i + 1 < main.size() ? ref(main.get(i + 1)) : null;
    }
    if (code == KeyCode.LEFT) {
      if (i > 0) {
        return ref(main.get(i - 1));
      }
      return lanes.isEmpty() ? GraphElement.INPUT : lanes.get(0).ref();
    }
    return null;
  }

  private GraphElement inLane(Lane lane, int index) {
    if (lane.ops().isEmpty()) {
      return lane.ref();
    }
    return ref(lane.ops().get(Math.min(index, lane.ops().size() - 1)));
  }

  private GraphElement ref(GraphElement key) {
    NodeInfo n = drawing.model().node(key);
    return n == null ? key : n.ref();
  }

  private NodeInfo nodeFor(GraphElement ref) {
    for (NodeInfo n : drawing.model().nodes().values()) {
      if (n.ref().equals(ref)) {
        return n;
      }
    }
    return null;
  }

  private Lane laneFor(GraphElement ref) {
    for (Lane l : drawing.model().lanes()) {
      if (l.ref().equals(ref)) {
        return l;
      }
    }
    return null;
  }
}
