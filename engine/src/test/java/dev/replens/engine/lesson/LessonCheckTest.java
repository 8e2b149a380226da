package dev.replens.engine.lesson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.samples.SampleCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Task checks are pure conditions on a {@link LessonState}: each one passes and fails. */
class LessonCheckTest {

  private static BlockSpec repvgg;

  @BeforeAll
  static void load() throws Exception {
    repvgg = SampleCatalog.load("repvgg").block();
  }

  private static LessonState state(BlockSpec now, BlockSpec before) {
    return new LessonState(
        now, before, StageKind.TRAINING, 1e-7, 1e-5, null, null, null, null, Map.of());
  }

  private static BlockSpec without(BlockSpec s, String branch) {
    return s.withBranches(s.branches().stream().filter(b -> !b.id().equals(branch)).toList());
  }

  @Test
  void noBranchWithIdentityPassesOnceTheIdentityBranchIsGone() {
    LessonCheck c = new LessonCheck.NoBranchWithOp("identity");
    assertThat(c.passes(state(repvgg, repvgg))).isFalse();
    assertThat(c.passes(state(without(repvgg, "rbr_identity"), repvgg))).isTrue();
    assertThat(c.describe()).isEqualTo("the design has no branch with an identity op");
  }

  @Test
  void branchDeletedLooksForTheId() {
    LessonCheck c = new LessonCheck.BranchDeleted("rbr_1x1");
    assertThat(c.passes(state(repvgg, repvgg))).isFalse();
    assertThat(c.passes(state(without(repvgg, "rbr_1x1"), repvgg))).isTrue();
  }

  @Test
  void bnEpsChangedComparesWithTheDesignAtTheStepStart() {
    var b = repvgg.branch("rbr_dense").orElseThrow();
    BlockSpec edited = repvgg.withBranch(b.withOp(b.indexOf("bn"), new BatchNorm("bn", 0.1)));
    LessonCheck c = new LessonCheck.BnEpsChanged("rbr_dense", "bn");
    assertThat(c.passes(state(repvgg, repvgg))).isFalse();
    assertThat(c.passes(state(edited, repvgg))).isTrue();
    // Changed back: no longer counts.
    assertThat(c.passes(state(repvgg, repvgg))).isFalse();
    // The branch is gone: nothing to compare.
    assertThat(c.passes(state(without(repvgg, "rbr_dense"), repvgg))).isFalse();
  }

  @Test
  void paddingModeAndFusionExact() {
    var b = repvgg.branch("rbr_1x1").orElseThrow();
    BlockSpec perOp = repvgg.withBranch(b.withPaddingMode(PaddingMode.PER_OP));
    LessonCheck mode = new LessonCheck.PaddingModeIs("rbr_1x1", PaddingMode.PER_OP);
    assertThat(mode.passes(state(repvgg, repvgg))).isFalse();
    assertThat(mode.passes(state(perOp, repvgg))).isTrue();
    LessonState exact = state(repvgg, repvgg);
    LessonState diverged =
        new LessonState(
            repvgg, repvgg, StageKind.FUSED, 0.3, 1e-5, null, null, null, null, Map.of());
    LessonState notFusable =
        new LessonState(
            repvgg, repvgg, StageKind.TRAINING, Double.NaN, 1e-5, null, null, null, null, Map.of());
    assertThat(new LessonCheck.FusionExact(true).passes(exact)).isTrue();
    assertThat(new LessonCheck.FusionExact(true).passes(diverged)).isFalse();
    assertThat(new LessonCheck.FusionExact(false).passes(diverged)).isTrue();
    assertThat(new LessonCheck.FusionExact(false).passes(notFusable)).isTrue();
  }

  @Test
  void tapSelectedKnowsTheCentreOfTheKernelShown() {
    LessonCheck centre = new LessonCheck.TapSelected(true, null, null, null, null);
    LessonState none = state(repvgg, repvgg);
    assertThat(centre.passes(none)).isFalse();
    LessonState mid = withTap(new Tap(2, 3, 1, 1), 3, 3);
    LessonState corner = withTap(new Tap(2, 3, 0, 0), 3, 3);
    LessonState fiveMid = withTap(new Tap(0, 0, 2, 2), 5, 5);
    assertThat(centre.passes(mid)).isTrue();
    assertThat(centre.passes(corner)).isFalse();
    assertThat(centre.passes(fiveMid)).isTrue();
    LessonCheck exact = new LessonCheck.TapSelected(false, 2, 3, 0, null);
    assertThat(exact.passes(corner)).isTrue();
    assertThat(exact.passes(mid)).isFalse();
  }

  private static LessonState withTap(Tap t, int kh, int kw) {
    return new LessonState(
        repvgg,
        repvgg,
        StageKind.SQUEEZED,
        0,
        1e-5,
        new LessonState.SelectedTap(t, kh, kw),
        null,
        null,
        null,
        Map.of());
  }

  @Test
  void stageSelectionDemoParameterAndAllOf() {
    LessonState s =
        new LessonState(
            repvgg,
            repvgg,
            StageKind.FUSED,
            0,
            1e-5,
            null,
            "rbr_dense",
            "bn",
            "explorerTab",
            Map.of("sigma", 1.6));
    assertThat(new LessonCheck.AtStage(StageKind.FUSED).passes(s)).isTrue();
    assertThat(new LessonCheck.AtStage(StageKind.SQUEEZED).passes(s)).isFalse();
    assertThat(new LessonCheck.Selected("rbr_dense", "bn").passes(s)).isTrue();
    assertThat(new LessonCheck.Selected("rbr_dense", null).passes(s)).isFalse();
    assertThat(new LessonCheck.DemoParameter("sigma", 1.5, null).passes(s)).isTrue();
    assertThat(new LessonCheck.DemoParameter("sigma", null, 1.5).passes(s)).isFalse();
    assertThat(new LessonCheck.DemoParameter("mu", 0.0, null).passes(s)).isFalse();
    LessonCheck both =
        new LessonCheck.AllOf(
            List.of(
                new LessonCheck.AtStage(StageKind.FUSED),
                new LessonCheck.DemoParameter("sigma", 2.0, null)));
    assertThat(both.passes(s)).isFalse();
    assertThat(both.describe())
        .isEqualTo("the stepper is at the Fused stage and sigma is at least 2.0");
  }
}
