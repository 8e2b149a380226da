package dev.replens.views.graph;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.views.palette.OpTemplate;
import dev.replens.views.palette.OpTemplates;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.MapProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ObjectPropertyBase;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleMapProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;
import javafx.collections.ObservableSet;
import javafx.event.EventHandler;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;
import javafx.util.Duration;

/**
 * A block drawn as a graph and edited by gestures: the block input on the left, one lane per branch
 * with its chain of ops, all lanes joining a Σ node, then the post ops, the activation and the
 * output. A header shows the block geometry.
 *
 * <p><b>Views bind, models decide.</b> The view never changes its {@link #specProperty() spec}.
 * Gestures fire {@link GraphEditEvent}s ({@link #onEditRequestProperty()}) that the application
 * turns into undoable commands, then sets the new spec:
 *
 * <ul>
 *   <li>dragging a palette template onto a lane's arrow: {@link GraphEdit.AddOp}; onto empty space
 *       between or around the lanes: {@link GraphEdit.AddBranch};
 *   <li>dragging an op onto a slot of its own or another lane (or the post ops): {@link
 *       GraphEdit.MoveOp}; dragging it anywhere else moves it freely ({@link GraphEdit.MoveNode},
 *       kept in {@link #nodeOffsetsProperty()});
 *   <li>dragging a lane by its label: {@link GraphEdit.MoveBranch};
 *   <li>Delete or Backspace on the selection: {@link GraphEdit.DeleteElement};
 *   <li>double-click or Enter: a {@link GraphOpenEvent} ({@link #onOpenRequestProperty()}).
 * </ul>
 *
 * <p>Navigation: Ctrl+wheel, +/- and the header buttons zoom; the wheel or dragging empty space
 * pans; F or {@link #fitToView()} fits the graph; 0 resets to 100 %; arrow keys move the selection.
 *
 * <p>When the spec changes (the fusion stepper stepping through stages), nodes are matched by
 * (branch id, op id) and the change is animated: ops that merged slide into the op that absorbed
 * them, and lanes that were added up slide together into the fused lane. {@link
 * #animatedProperty()} turns this off.
 *
 * <p>Style class {@code block-graph}; see {@code graph.css} for the node style classes and the
 * pseudo-classes {@code :selected}, {@code :invalid}, {@code :warning} and {@code :highlighted}.
 */
public class BlockGraphView extends Control {

  private static final String DEFAULT_STYLE_CLASS = "block-graph";

  /** The smallest zoom factor. */
  public static final double MIN_ZOOM = 0.2;

  /** The largest zoom factor. */
  public static final double MAX_ZOOM = 4;

  private final ObjectProperty<BlockSpec> spec = new SimpleObjectProperty<>(this, "spec");
  private final ObservableList<Problem> problems = FXCollections.observableArrayList();
  private final ObjectProperty<GraphElement> selection =
      new SimpleObjectProperty<>(this, "selection");
  private final ObservableSet<GraphElement> highlight = FXCollections.observableSet();
  private final ReadOnlyDoubleWrapper zoom = new ReadOnlyDoubleWrapper(this, "zoom", 1);
  private final BooleanProperty animated = new SimpleBooleanProperty(this, "animated", true);
  private final ObjectProperty<Duration> animationDuration =
      new SimpleObjectProperty<>(this, "animationDuration", Duration.millis(300));
  private final ReadOnlyBooleanWrapper animating =
      new ReadOnlyBooleanWrapper(this, "animating", false);
  private final MapProperty<GraphElement, Point2D> nodeOffsets =
      new SimpleMapProperty<>(this, "nodeOffsets", FXCollections.observableHashMap());
  private final ObjectProperty<Function<String, Optional<OpTemplate>>> templateResolver =
      new SimpleObjectProperty<>(this, "templateResolver", OpTemplates::find);

  private final ObjectProperty<EventHandler<GraphEditEvent>> onEditRequest =
      new ObjectPropertyBase<>() {
        @Override
        protected void invalidated() {
          setEventHandler(GraphEditEvent.EDIT_REQUEST, get());
        }

        @Override
        public Object getBean() {
          return BlockGraphView.this;
        }

        @Override
        public String getName() {
          return "onEditRequest";
        }
      };

  private final ObjectProperty<EventHandler<GraphOpenEvent>> onOpenRequest =
      new ObjectPropertyBase<>() {
        @Override
        protected void invalidated() {
          setEventHandler(GraphOpenEvent.OPEN_REQUEST, get());
        }

        @Override
        public Object getBean() {
          return BlockGraphView.this;
        }

        @Override
        public String getName() {
          return "onOpenRequest";
        }
      };

  private boolean fitRequested;

  /** An empty view; set a {@link #setSpec spec} to draw a block. */
  public BlockGraphView() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    setFocusTraversable(true);
  }

  /** A view of a block. */
  public BlockGraphView(BlockSpec spec) {
    this();
    setSpec(spec);
  }

  // --- block

  /** The block drawn; null draws nothing. */
  public ObjectProperty<BlockSpec> specProperty() {
    return spec;
  }

  public BlockSpec getSpec() {
    return spec.get();
  }

  public void setSpec(BlockSpec value) {
    spec.set(value);
  }

  /**
   * Validation problems to mark in place (usually {@code Validator.validate(spec)}): an op's
   * problem marks its node, a branch's problem its lane, a block problem the header. Errors are
   * red, warnings amber; the engine's message is the tooltip.
   */
  public ObservableList<Problem> getProblems() {
    return problems;
  }

  // --- selection and emphasis

  /** The selected element, or null. Clicking selects; the application may set it too. */
  public ObjectProperty<GraphElement> selectionProperty() {
    return selection;
  }

  public GraphElement getSelection() {
    return selection.get();
  }

  public void setSelection(GraphElement value) {
    selection.set(value);
  }

  /**
   * Elements drawn emphasized ({@code :highlighted}), e.g. the branch and op a fusion step touched.
   */
  public ObservableSet<GraphElement> getHighlight() {
    return highlight;
  }

  // --- layout

  /**
   * Per-node offsets from the automatic layout, by node key (what {@link GraphElement#op}, {@link
   * GraphElement#postOp} and the fixed-node constants return). Dragging a node freely writes here;
   * the application may save the map with the design and set it back on undo.
   */
  public MapProperty<GraphElement, Point2D> nodeOffsetsProperty() {
    return nodeOffsets;
  }

  public ObservableMap<GraphElement, Point2D> getNodeOffsets() {
    return nodeOffsets.get();
  }

  public void setNodeOffsets(ObservableMap<GraphElement, Point2D> value) {
    nodeOffsets.set(value);
  }

  // --- zoom

  /** The zoom factor: 1 draws the graph at its natural size. */
  public ReadOnlyDoubleProperty zoomProperty() {
    return zoom.getReadOnlyProperty();
  }

  public double getZoom() {
    return zoom.get();
  }

  void updateZoom(double value) {
    zoom.set(value);
  }

  /**
   * Zooms so that the whole graph fits the viewport, centred. (When the structure changes, the view
   * refits by itself only down to a readable 50 %; a larger graph is then a pan away.)
   */
  public void fitToView() {
    if (getSkin() instanceof BlockGraphSkin s) {
      s.fitToView();
    } else {
      fitRequested = true;
    }
  }

  boolean takeFitRequest() {
    boolean r = fitRequested;
    fitRequested = false;
    return r;
  }

  /** Zooms in one step around the viewport centre. */
  public void zoomIn() {
    if (getSkin() instanceof BlockGraphSkin s) {
      s.zoomBy(BlockGraphSkin.ZOOM_STEP);
    }
  }

  /** Zooms out one step around the viewport centre. */
  public void zoomOut() {
    if (getSkin() instanceof BlockGraphSkin s) {
      s.zoomBy(1 / BlockGraphSkin.ZOOM_STEP);
    }
  }

  /**
   * Sets the zoom factor (clamped to [{@value #MIN_ZOOM}, {@value #MAX_ZOOM}]) around the centre.
   */
  public void zoomTo(double factor) {
    if (getSkin() instanceof BlockGraphSkin s) {
      s.zoomBy(factor / getZoom());
    }
  }

  // --- animation

  /** Whether spec changes are animated (default true; tests turn it off). */
  public BooleanProperty animatedProperty() {
    return animated;
  }

  public boolean isAnimated() {
    return animated.get();
  }

  public void setAnimated(boolean value) {
    animated.set(value);
  }

  /** How long a transition between two specs takes (default 300 ms). */
  public ObjectProperty<Duration> animationDurationProperty() {
    return animationDuration;
  }

  public Duration getAnimationDuration() {
    return animationDuration.get();
  }

  public void setAnimationDuration(Duration value) {
    animationDuration.set(value);
  }

  /** Whether a transition between two specs is running. */
  public ReadOnlyBooleanProperty animatingProperty() {
    return animating.getReadOnlyProperty();
  }

  public boolean isAnimating() {
    return animating.get();
  }

  void updateAnimating(boolean value) {
    animating.set(value);
  }

  // --- drops

  /**
   * Finds the template a palette drag names (the drag's {@link OpTemplate#DATA_FORMAT} content); by
   * default the built-in ones.
   */
  public ObjectProperty<Function<String, Optional<OpTemplate>>> templateResolverProperty() {
    return templateResolver;
  }

  public Function<String, Optional<OpTemplate>> getTemplateResolver() {
    return templateResolver.get();
  }

  public void setTemplateResolver(Function<String, Optional<OpTemplate>> value) {
    templateResolver.set(Objects.requireNonNull(value, "templateResolver"));
  }

  // --- requests

  /** Called with every edit the view asks for; see {@link GraphEdit}. */
  public ObjectProperty<EventHandler<GraphEditEvent>> onEditRequestProperty() {
    return onEditRequest;
  }

  public EventHandler<GraphEditEvent> getOnEditRequest() {
    return onEditRequest.get();
  }

  public void setOnEditRequest(EventHandler<GraphEditEvent> handler) {
    onEditRequest.set(handler);
  }

  /** Called when an element is double-clicked or Enter is pressed on the selection. */
  public ObjectProperty<EventHandler<GraphOpenEvent>> onOpenRequestProperty() {
    return onOpenRequest;
  }

  public EventHandler<GraphOpenEvent> getOnOpenRequest() {
    return onOpenRequest.get();
  }

  public void setOnOpenRequest(EventHandler<GraphOpenEvent> handler) {
    onOpenRequest.set(handler);
  }

  /** Fires an edit request, as a gesture does. */
  public void requestEdit(GraphEdit edit) {
    fireEvent(new GraphEditEvent(this, this, edit));
  }

  /** Fires an open request, as a double-click does. */
  public void requestOpen(GraphElement element) {
    fireEvent(new GraphOpenEvent(this, this, element));
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new BlockGraphSkin(this);
  }

  /**
   * The node drawn for an element (an op node, a lane, or a fixed node such as Σ), if the skin has
   * drawn it: for lessons that point at a node, and for tests.
   */
  public Optional<Node> lookupElement(GraphElement element) {
    if (!(getSkin() instanceof BlockGraphSkin skin)) {
      return Optional.empty();
    }
    GraphDrawing d = skin.drawing();
    Node n = d.nodeView(element);
    if (n == null && element.opId() == null) {
      n = d.laneView(element);
    }
    return Optional.ofNullable(n);
  }

  @Override
  public String getUserAgentStylesheet() {
    return Objects.requireNonNull(BlockGraphView.class.getResource("graph.css")).toExternalForm();
  }
}
