package dev.replens.views.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Severity;
import dev.replens.engine.model.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Drawing, problems, selection, keys, zoom and fit of {@link BlockGraphView}. */
@ExtendWith(ApplicationExtension.class)
class BlockGraphViewTest {

  private BlockGraphView view;
  private GraphProbe probe;
  private final List<GraphEdit> edits = new ArrayList<>();
  private final List<GraphElement> opened = new ArrayList<>();

  @Start
  void start(Stage stage) {
    view = new BlockGraphView(GraphFixtures.repvgg(16));
    view.setAnimated(false);
    view.setOnEditRequest(e -> edits.add(e.edit()));
    view.setOnOpenRequest(e -> opened.add(e.element()));
    probe = new GraphProbe(view);
    stage.setScene(new Scene(view, 1100, 600));
    stage.show();
  }

  private void show(FxRobot robot, BlockSpec spec) {
    robot.interact(() -> view.setSpec(spec));
  }

  private static boolean has(Node n, String pseudoClass) {
    return n.getPseudoClassStates().contains(PseudoClass.getPseudoClass(pseudoClass));
  }

  // ------------------------------------------------------------------ drawing

  @Test
  void repvggDrawsThreeLanesWithTheirOpLabels() {
    assertThat(probe.laneIds()).containsExactly("rbr_dense", "rbr_1x1", "rbr_identity");
    assertThat(probe.laneTitles("rbr_dense")).containsExactly("conv 3x3", "BN");
    assertThat(probe.laneTitles("rbr_1x1")).containsExactly("conv 1x1", "BN");
    assertThat(probe.laneTitles("rbr_identity")).containsExactly("identity", "BN");
    assertThat(probe.laneOpIds("rbr_identity")).containsExactly("id", "bn");
    assertThat(probe.node(GraphElement.op("rbr_dense", "conv")).getStyleClass())
        .contains("graph-node", "op-conv-kxk");
    assertThat(probe.node(GraphElement.op("rbr_1x1", "conv")).getStyleClass())
        .contains("op-conv-1x1");
    assertThat(probe.node(GraphElement.op("rbr_identity", "id")).getStyleClass())
        .contains("op-identity");
    assertThat(probe.node(GraphElement.op("rbr_identity", "bn")).getStyleClass()).contains("op-bn");
  }

  @Test
  void opNodesSitInsideTheirLaneInChainOrder() {
    for (String lane : List.of("rbr_dense", "rbr_1x1", "rbr_identity")) {
      LaneView l = probe.lane(lane);
      Rectangle2D r = new Rectangle2D(l.getLayoutX(), l.getLayoutY(), l.getWidth(), l.getHeight());
      List<NodeView> nodes = probe.laneNodes(lane);
      for (NodeView n : nodes) {
        Rectangle2D b = probe.box(n.key());
        assertThat(r.contains(b)).as("%s inside lane %s", n.key(), lane).isTrue();
      }
      assertThat(nodes.get(0).getLayoutX() + nodes.get(0).getWidth())
          .isLessThan(nodes.get(1).getLayoutX());
    }
  }

  @Test
  void dbbShowsTheFourOpChain(FxRobot robot) {
    show(robot, GraphFixtures.dbb(8, 16, 3));
    assertThat(probe.laneIds()).containsExactly("dbb_origin", "dbb_1x1", "dbb_avg", "dbb_1x1_kxk");
    assertThat(probe.laneTitles("dbb_1x1_kxk")).containsExactly("conv 1x1", "BN", "conv 3x3", "BN");
    assertThat(probe.laneOpIds("dbb_1x1_kxk")).containsExactly("conv1", "bn1", "conv2", "bn2");
    assertThat(probe.laneTitles("dbb_avg")).containsExactly("conv 1x1", "BN", "avg-pool 3x3", "BN");
  }

  @Test
  void postOpsAndActivationAppearOnlyWhenPresent(FxRobot robot) {
    show(robot, GraphFixtures.orepa(8, 16, 3));
    NodeView postBn = probe.node(GraphElement.postOp("bn"));
    NodeView act = probe.node(GraphElement.ACTIVATION);
    assertThat(postBn.titleText()).isEqualTo("BN");
    assertThat(act.titleText()).isEqualTo("ReLU");
    double sum = probe.box(GraphElement.SUM).getMaxX();
    assertThat(postBn.getLayoutX()).isGreaterThan(sum);
    assertThat(act.getLayoutX()).isGreaterThan(postBn.getLayoutX() + postBn.getWidth());
    assertThat(probe.box(GraphElement.OUTPUT).getMinX())
        .isGreaterThan(act.getLayoutX() + act.getWidth());

    show(robot, GraphFixtures.acnet(16, 3));
    assertThat(probe.drawing().nodeView(GraphElement.ACTIVATION)).isNull();
    assertThat(probe.keys()).noneMatch(GraphElement::isPostOp);
    assertThat(probe.laneTitles("ver")).containsExactly("conv 3x1", "BN");
    assertThat(probe.node(GraphElement.op("ver", "conv")).getStyleClass()).contains("op-conv-kx1");
    assertThat(probe.node(GraphElement.op("hor", "conv")).getStyleClass()).contains("op-conv-1xk");
  }

  @Test
  void channelCountsLabelTheEdgesWhereTheyChange(FxRobot robot) {
    show(robot, GraphFixtures.dbb(8, 16, 3));
    List<String> labels =
        probe.drawing().edgeViews().stream()
            .map(EdgeView::labelText)
            .filter(java.util.Objects::nonNull)
            .toList();
    // 8 → 16 in the first conv of dbb_origin, dbb_1x1 and dbb_avg, and in conv2 of dbb_1x1_kxk.
    assertThat(labels).containsExactly("16 ch", "16 ch", "16 ch", "16 ch");
    assertThat(
            probe.drawing().edgeViews().stream()
                .filter(e -> e.edgeId().startsWith("dbb_1x1_kxk.conv2→"))
                .map(EdgeView::labelText))
        .containsExactly("16 ch");
    assertThat(
            probe.drawing().edgeViews().stream()
                .filter(e -> e.edgeId().startsWith("dbb_1x1_kxk.conv1→"))
                .map(EdgeView::labelText))
        .containsOnlyNulls();
  }

  @Test
  void headerShowsTheBlockGeometry(FxRobot robot) {
    show(robot, GraphFixtures.dbb(8, 16, 3));
    assertThat(probe.skin().headerText())
        .isEqualTo("8 → 16 channels · K 3×3 · stride 1 · padding 1 · groups 1 · ReLU");
  }

  // ------------------------------------------------------------------ problems

  private static BlockSpec identityWithUnequalChannels() {
    BlockSpec dbb = GraphFixtures.dbb(8, 16, 3);
    return dbb.withBranches(
        List.of(dbb.branches().get(0), GraphFixtures.repvgg(8).branches().get(2)));
  }

  @Test
  void problemMarksTheOffendingNodeWithTheEngineMessageAsTooltip(FxRobot robot) {
    BlockSpec bad = identityWithUnequalChannels();
    List<Problem> problems = Validator.validate(bad);
    Problem onIdentity =
        problems.stream()
            .filter(p -> "rbr_identity".equals(p.branchId()) && "id".equals(p.opId()))
            .findFirst()
            .orElseThrow();
    robot.interact(
        () -> {
          view.setSpec(bad);
          view.getProblems().setAll(List.of(onIdentity));
        });
    NodeView id = probe.node(GraphElement.op("rbr_identity", "id"));
    assertThat(has(id, "invalid")).isTrue();
    assertThat(has(id, "warning")).isFalse();
    assertThat(id.problemText()).isEqualTo(onIdentity.message());
    for (NodeView other : probe.drawing().nodeViews()) {
      if (other != id) {
        assertThat(has(other, "invalid")).as(other.key().toString()).isFalse();
      }
    }
    robot.moveTo(id);
    WaitForAsyncUtils.waitForAsyncFx(2000, () -> {});
    assertThat(waitUntil(() -> id.problemTooltip().isShowing())).isTrue();
    assertThat(id.problemTooltip().getText()).isEqualTo(onIdentity.message());
  }

  @Test
  void warningsLaneProblemsAndBlockProblemsAreMarkedInTheirPlace(FxRobot robot) {
    robot.interact(
        () ->
            view.getProblems()
                .setAll(
                    new Problem(Severity.WARNING, "rbr_dense", "conv", "border differs"),
                    new Problem(Severity.ERROR, "rbr_1x1", null, "the branch is empty"),
                    new Problem(Severity.ERROR, null, null, "stride must be at least 1")));
    NodeView conv = probe.node(GraphElement.op("rbr_dense", "conv"));
    assertThat(has(conv, "warning")).isTrue();
    assertThat(has(conv, "invalid")).isFalse();
    assertThat(conv.problemText()).isEqualTo("border differs");
    LaneView lane = probe.lane("rbr_1x1");
    assertThat(has(lane, "invalid")).isTrue();
    assertThat(lane.problemText()).isEqualTo("the branch is empty");
    assertThat(has(probe.lane("rbr_dense"), "invalid")).isFalse();
    assertThat(has(probe.skin().header(), "invalid")).isTrue();
    assertThat(probe.skin().headerProblemText()).isEqualTo("stride must be at least 1");

    robot.interact(() -> view.getProblems().clear());
    assertThat(has(conv, "warning")).isFalse();
    assertThat(has(lane, "invalid")).isFalse();
    assertThat(has(probe.skin().header(), "invalid")).isFalse();
    assertThat(conv.problemTooltip()).isNull();
  }

  @Test
  void invalidNodeOutlineIsRedInASnapshot(FxRobot robot) {
    // A plain conv and the identity, whose own dashed outline must not win over the state.
    for (GraphElement key :
        List.of(GraphElement.op("rbr_1x1", "conv"), GraphElement.op("rbr_identity", "id"))) {
      Color before = outlineColor(key);
      robot.interact(
          () ->
              view.getProblems()
                  .setAll(new Problem(Severity.ERROR, key.branchId(), key.opId(), "bad")));
      Color after = outlineColor(key);
      assertThat(after.getRed()).as("red of %s at %s", after, key).isGreaterThan(0.75);
      assertThat(after.getGreen()).as("green of %s at %s", after, key).isLessThan(0.35);
      assertThat(after.getBlue()).as("blue of %s at %s", after, key).isLessThan(0.35);
      assertThat(before.getRed() - before.getGreen())
          .as("before: %s at %s", before, key)
          .isLessThan(0.2);
      robot.interact(() -> view.getProblems().clear());
    }
  }

  /**
   * The reddest pixel of a node's top edge region (from 6 px above to 2 px below the middle of its
   * top edge), where the outline is drawn.
   */
  private Color outlineColor(GraphElement key) {
    return GraphProbe.call(
        () -> {
          NodeView n = probe.node(key);
          WritableImage img = view.snapshot(null, null);
          Point2D top = view.sceneToLocal(n.localToScene(n.getWidth() / 2, 0));
          PixelReader r = img.getPixelReader();
          int x = (int) Math.round(top.getX());
          Color best = null;
          for (int y = (int) Math.round(top.getY()) - 6; y <= top.getY() + 2; y++) {
            Color c = r.getColor(x, y);
            if (best == null || c.getRed() - c.getGreen() > best.getRed() - best.getGreen()) {
              best = c;
            }
          }
          return best;
        });
  }

  // ------------------------------------------------------------------ selection, keys

  @Test
  void clickingSelectsNodesAndLanesAndEmptySpaceClears(FxRobot robot) {
    NodeView conv = probe.node(GraphElement.op("rbr_1x1", "conv"));
    robot.clickOn(conv);
    assertThat(view.getSelection()).isEqualTo(GraphElement.op("rbr_1x1", "conv"));
    assertThat(has(conv, "selected")).isTrue();

    robot.clickOn(probe.lane("rbr_identity").label());
    assertThat(view.getSelection()).isEqualTo(GraphElement.branch("rbr_identity"));
    assertThat(has(conv, "selected")).isFalse();
    assertThat(has(probe.lane("rbr_identity"), "selected")).isTrue();

    // The viewport's top-left corner is empty canvas.
    robot.clickOn(
        robot
            .point(probe.skin().viewport())
            .atPosition(javafx.geometry.Pos.TOP_LEFT)
            .atOffset(new Point2D(10, 10)));
    assertThat(view.getSelection()).isNull();
  }

  @Test
  void deleteKeyRequestsDeletingTheSelection(FxRobot robot) {
    robot.clickOn(probe.node(GraphElement.op("rbr_1x1", "bn")));
    robot.type(KeyCode.DELETE);
    assertThat(edits)
        .containsExactly(new GraphEdit.DeleteElement(GraphElement.op("rbr_1x1", "bn")));

    edits.clear();
    robot.clickOn(probe.node(GraphElement.SUM));
    robot.type(KeyCode.DELETE);
    assertThat(edits).as("the sum can't be deleted").isEmpty();
  }

  @Test
  void doubleClickAndEnterRequestOpening(FxRobot robot) {
    robot.doubleClickOn(probe.node(GraphElement.op("rbr_dense", "bn")));
    assertThat(opened).containsExactly(GraphElement.op("rbr_dense", "bn"));
    robot.clickOn(probe.node(GraphElement.ACTIVATION));
    robot.type(KeyCode.ENTER);
    assertThat(opened).containsExactly(GraphElement.op("rbr_dense", "bn"), GraphElement.ACTIVATION);
  }

  @Test
  void arrowKeysMoveTheSelectionAlongChainsAndAcrossLanes(FxRobot robot) {
    robot.clickOn(probe.node(GraphElement.op("rbr_dense", "conv")));
    robot.type(KeyCode.RIGHT);
    assertThat(view.getSelection()).isEqualTo(GraphElement.op("rbr_dense", "bn"));
    robot.type(KeyCode.DOWN);
    assertThat(view.getSelection()).isEqualTo(GraphElement.op("rbr_1x1", "bn"));
    robot.type(KeyCode.RIGHT);
    assertThat(view.getSelection()).isEqualTo(GraphElement.SUM);
    robot.type(KeyCode.RIGHT);
    assertThat(view.getSelection()).isEqualTo(GraphElement.ACTIVATION);
  }

  @Test
  void highlightEmphasizesTheTouchedBranchAndOp(FxRobot robot) {
    robot.interact(
        () -> {
          view.getHighlight().add(GraphElement.op("rbr_1x1", "conv"));
          view.getHighlight().add(GraphElement.branch("rbr_dense"));
        });
    assertThat(has(probe.node(GraphElement.op("rbr_1x1", "conv")), "highlighted")).isTrue();
    assertThat(has(probe.node(GraphElement.op("rbr_1x1", "bn")), "highlighted")).isFalse();
    assertThat(has(probe.lane("rbr_dense"), "highlighted")).isTrue();
    assertThat(has(probe.lane("rbr_1x1"), "highlighted")).isFalse();
  }

  // ------------------------------------------------------------------ layout, zoom, fit

  @Test
  void nodeOffsetsMoveNodesAndTheirArrows(FxRobot robot) {
    GraphElement key = GraphElement.op("rbr_dense", "conv");
    Rectangle2D before = probe.box(key);
    robot.interact(() -> view.getNodeOffsets().put(key, new Point2D(30, -12)));
    Rectangle2D after = probe.box(key);
    assertThat(after.getMinX() - before.getMinX()).isCloseTo(30, within(1e-9));
    assertThat(after.getMinY() - before.getMinY()).isCloseTo(-12, within(1e-9));
    robot.interact(() -> view.getNodeOffsets().clear());
    assertThat(probe.box(key)).isEqualTo(before);
    // The application may also replace the whole map, e.g. when it loads a design.
    robot.interact(() -> view.setNodeOffsets(javafx.collections.FXCollections.observableHashMap()));
    robot.interact(
        () -> {
          javafx.collections.ObservableMap<GraphElement, Point2D> loaded =
              javafx.collections.FXCollections.observableHashMap();
          loaded.put(key, new Point2D(-20, 8));
          view.setNodeOffsets(loaded);
        });
    assertThat(probe.box(key).getMinX()).isCloseTo(before.getMinX() - 20, within(1e-9));
    assertThat(probe.box(key).getMinY()).isCloseTo(before.getMinY() + 8, within(1e-9));
  }

  @Test
  void zoomKeysButtonsAndCtrlWheelChangeTheScale(FxRobot robot) {
    robot.clickOn(probe.node(GraphElement.SUM));
    double z0 = view.getZoom();
    double w0 = probe.sceneBounds(probe.node(GraphElement.OUTPUT)).getWidth();
    robot.type(KeyCode.ADD);
    double z1 = view.getZoom();
    assertThat(z1).isCloseTo(z0 * BlockGraphSkin.ZOOM_STEP, within(1e-9));
    double w1 = probe.sceneBounds(probe.node(GraphElement.OUTPUT)).getWidth();
    assertThat(w1 / w0).isCloseTo(BlockGraphSkin.ZOOM_STEP, within(0.02));
    robot.type(KeyCode.SUBTRACT);
    assertThat(view.getZoom()).isCloseTo(z0, within(1e-9));
    robot.clickOn("#graph-zoom-in");
    assertThat(view.getZoom()).isCloseTo(z0 * BlockGraphSkin.ZOOM_STEP, within(1e-9));

    double z2 = view.getZoom();
    robot.moveTo(probe.node(GraphElement.SUM));
    robot.press(KeyCode.CONTROL);
    try {
      robot.scroll(2, javafx.geometry.VerticalDirection.UP);
    } finally {
      robot.release(KeyCode.CONTROL);
    }
    assertThat(view.getZoom()).isNotCloseTo(z2, within(1e-3));
  }

  @Test
  void fitToViewPutsEveryNodeInsideTheViewport(FxRobot robot) {
    robot.interact(
        () -> {
          view.setSpec(GraphFixtures.dbb(8, 16, 3));
          view.zoomTo(4);
        });
    Bounds vp = probe.sceneBounds(probe.skin().viewport());
    assertThat(
            probe.drawing().nodeViews().stream().anyMatch(n -> !vp.contains(probe.sceneBounds(n))))
        .as("zoomed in, some node is outside")
        .isTrue();
    robot.interact(() -> view.requestFocus());
    robot.type(KeyCode.F);
    for (NodeView n : probe.drawing().nodeViews()) {
      assertThat(vp.contains(probe.sceneBounds(n))).as("%s inside the viewport", n.key()).isTrue();
    }
    for (LaneView l : probe.drawing().laneViews()) {
      assertThat(vp.contains(probe.sceneBounds(l))).as("lane inside the viewport").isTrue();
    }
    assertThat(view.getZoom()).isLessThanOrEqualTo(2.0);
  }

  private static boolean waitUntil(java.util.function.BooleanSupplier condition) {
    try {
      WaitForAsyncUtils.waitFor(3, TimeUnit.SECONDS, condition::getAsBoolean);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }
}
