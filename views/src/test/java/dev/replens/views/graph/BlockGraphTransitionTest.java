package dev.replens.views.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Stage display: {@link BlockGraphView} shows a block as the fusion pipeline changes it (chains
 * collapse, branches add up) and matches nodes between states by (branch id, op id).
 */
@ExtendWith(ApplicationExtension.class)
class BlockGraphTransitionTest {

  private static final int C = 16;

  private BlockGraphView view;
  private GraphProbe probe;

  @Start
  void start(Stage stage) {
    view = new BlockGraphView(GraphFixtures.repvggSqueezed(C));
    view.setAnimated(false);
    probe = new GraphProbe(view);
    stage.setScene(new Scene(view, 1100, 600));
    stage.show();
  }

  private static final Set<GraphElement> ADDED_KEYS =
      Set.of(
          GraphElement.INPUT,
          GraphElement.op("fused", "conv"),
          GraphElement.SUM,
          GraphElement.postOp("shift"),
          GraphElement.ACTIVATION,
          GraphElement.OUTPUT);

  private void assertShowsOnly(Set<GraphElement> keys) {
    assertThat(probe.keys()).containsExactlyInAnyOrderElementsOf(keys);
    GraphLayout layout = probe.drawing().graphLayout();
    for (NodeView n : probe.drawing().nodeViews()) {
      assertThat(n.getOpacity()).as("opacity of %s", n.key()).isEqualTo(1.0);
      Rectangle2D want = layout.box(n.key());
      Rectangle2D got = probe.box(n.key());
      assertThat(got.getMinX()).as("x of %s", n.key()).isCloseTo(want.getMinX(), within(1e-6));
      assertThat(got.getMinY()).as("y of %s", n.key()).isCloseTo(want.getMinY(), within(1e-6));
    }
  }

  @Test
  void addedBranchesShowOneLaneWithoutAnimation(FxRobot robot) {
    assertThat(probe.laneIds()).containsExactly("rbr_dense", "rbr_1x1", "rbr_identity");
    robot.interact(() -> view.setSpec(GraphFixtures.repvggAdded(C)));
    assertThat(view.isAnimating()).isFalse();
    assertThat(probe.laneIds()).containsExactly("fused");
    assertShowsOnly(ADDED_KEYS);

    robot.interact(() -> view.setSpec(GraphFixtures.repvggFused(C)));
    assertThat(probe.keys())
        .containsExactlyInAnyOrder(
            GraphElement.INPUT,
            GraphElement.op("fused", "conv"),
            GraphElement.SUM,
            GraphElement.ACTIVATION,
            GraphElement.OUTPUT);
  }

  @Test
  void collapsingChainKeepsTheSurvivingNodeAndDropsTheMergedOnes(FxRobot robot) {
    BlockSpec dbb = GraphFixtures.dbb(8, 16, 3);
    robot.interact(() -> view.setSpec(dbb));
    NodeView conv1 = probe.node(GraphElement.op("dbb_1x1_kxk", "conv1"));
    // 1x1 → BN → 3x3 → BN collapsed into one 3x3 conv that keeps the first op's id.
    List<Branch> branches = new ArrayList<>(dbb.branches());
    branches.set(3, Branch.of("dbb_1x1_kxk", new Conv("conv1", 16, 3, 3, 1, true)));
    robot.interact(() -> view.setSpec(dbb.withBranches(branches)));
    assertThat(probe.node(GraphElement.op("dbb_1x1_kxk", "conv1"))).isSameAs(conv1);
    assertThat(conv1.titleText()).isEqualTo("conv 3x3");
    assertThat(conv1.getStyleClass()).contains("op-conv-kxk").doesNotContain("op-conv-1x1");
    assertThat(probe.laneOpIds("dbb_1x1_kxk")).containsExactly("conv1 · +bias");
    assertThat(probe.laneOpIds("dbb_avg")).containsExactly("conv", "bn", "avg", "avgbn");
  }

  @Test
  void mergeAnimationSlidesLanesTogetherAndEndsWithTheMergedNodes(FxRobot robot) throws Exception {
    GraphElement leaving = GraphElement.op("rbr_dense", "conv");
    double startY = centreY(probe.box(leaving));
    long t0 = System.nanoTime();
    robot.interact(
        () -> {
          view.setAnimated(true);
          view.setAnimationDuration(Duration.millis(1500));
          view.setSpec(GraphFixtures.repvggAdded(C));
        });
    assertThat(view.isAnimating()).isTrue();
    double targetY = centreY(probe.drawing().graphLayout().box(GraphElement.op("fused", "conv")));

    WaitForAsyncUtils.waitFor(
        3,
        TimeUnit.SECONDS,
        () ->
            GraphProbe.call(
                () -> !view.isAnimating() || Math.abs(centreY(probe.box(leaving)) - startY) > 1));
    double midY =
        GraphProbe.call(
            () -> {
              assertThat(view.isAnimating()).as("still animating").isTrue();
              assertThat(probe.drawing().isLeaving(leaving)).isTrue();
              return centreY(probe.box(leaving));
            });
    assertThat(Math.abs(midY - targetY))
        .as("the merged conv slides toward the fused conv")
        .isLessThan(Math.abs(startY - targetY) - 1);

    WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !view.isAnimating());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(seconds).isBetween(1.4, 6.0);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(probe.laneIds()).containsExactly("fused");
    assertShowsOnly(ADDED_KEYS);
  }

  @Test
  void defaultTransitionIsShortAndANewSpecMidwayJumpsToIt(FxRobot robot) throws Exception {
    assertThat(view.getAnimationDuration()).isEqualTo(Duration.millis(300));
    robot.interact(
        () -> {
          view.setAnimated(true);
          view.setSpec(GraphFixtures.repvggAdded(C));
          view.setSpec(GraphFixtures.repvggFused(C));
        });
    WaitForAsyncUtils.waitFor(3, TimeUnit.SECONDS, () -> !view.isAnimating());
    WaitForAsyncUtils.waitForFxEvents();
    assertShowsOnly(
        Set.of(
            GraphElement.INPUT,
            GraphElement.op("fused", "conv"),
            GraphElement.SUM,
            GraphElement.ACTIVATION,
            GraphElement.OUTPUT));
    assertThat(probe.drawing().laneViews()).hasSize(1);
  }

  private static double centreY(Rectangle2D r) {
    return r.getMinY() + r.getHeight() / 2;
  }
}
