package dev.replens.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round-off bound is not so loose that it hides a real bug: a RepVGG block ({@code [2, 4, 13,
 * 11]} probe) whose pipeline is broken in one transform, each fault planted in the step that
 * transform produces and carried through the rest of the (real) pipeline, is judged a real mismatch
 * well beyond the bound, at that step and at the fused form, naming that transform, in float32 and
 * in float64:
 *
 * <ul>
 *   <li>the 1x1 kernel padded to 3x3 off-centre (in the top-left tap);
 *   <li>a BN folded with ε = 10⁻³ where the block's BN uses 10⁻⁵ (the Keras vs PyTorch default);
 *   <li>the identity branch dropped when the branch kernels are added.
 * </ul>
 */
class BrokenTransformTest {

  private static final Logger LOG = LoggerFactory.getLogger(BrokenTransformTest.class);
  private static final BlockSpec SPEC = TestDesigns.repvgg(4, 1);

  private static Pipeline pipeline(DataType dt) {
    return FusionPipeline.run(SPEC, WeightInit.forAnalysis(SPEC, dt, 42));
  }

  private static int indexOf(Pipeline p, TransformKind kind, String branch) {
    for (int i = 0; i < p.steps().size(); i++) {
      Step s = p.steps().get(i);
      if (s.transform() == kind && (branch == null || branch.equals(s.branchId()))) {
        return i;
      }
    }
    throw new AssertionError("no " + kind + " step in " + branch);
  }

  /**
   * The pipeline with step {@code k}'s result replaced by {@code bad}, followed by what the real
   * pipeline makes of {@code bad}.
   */
  private static Pipeline plant(Pipeline p, int k, BlockState bad) {
    Step s = p.steps().get(k);
    List<Step> steps = new ArrayList<>(p.steps().subList(0, k));
    steps.add(
        new Step(
            s.stage(), s.transform(), s.title(), s.explanation(), s.branchId(), s.opId(), bad));
    steps.addAll(rest(bad));
    return new Pipeline(steps, null);
  }

  /** The real pipeline's steps from a state on, without the steps that leave it as it is. */
  private static List<Step> rest(BlockState from) {
    Pipeline r = FusionPipeline.run(from.spec(), from.weights());
    assertThat(r.complete()).as(r.blockedBy()).isTrue();
    return r.steps().stream().skip(1).filter(s -> s.transform() != TransformKind.DESIGN).toList();
  }

  /** Checks the broken pipeline: the first step past the bound is {@code k}, named, ≫ 1. */
  private static void assertCaught(String what, Pipeline broken, int k, double minRatio) {
    DataType dt = broken.training().weights().dtype();
    List<StepCheck> checks = Evaluator.check(broken, Evaluator.probe(SPEC, dt));
    for (int i = 0; i < k; i++) {
      assertThat(checks.get(i).ok()).as("%s: step %d before the fault", what, i).isTrue();
    }
    StepCheck at = checks.get(k);
    StepCheck fused = checks.get(checks.size() - 1);
    String title = broken.steps().get(k).title();
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s, %s: at the fault max |Δ| %.3g, bound %.3g, ratio %.3g; fused %s",
            what,
            dt,
            at.error().maxAbs(),
            at.bound(),
            at.verdict().ratio(),
            fused.verdict().text()));
    assertThat(at.ok()).as(what).isFalse();
    assertThat(at.verdict().ratio()).as("%s %s ratio", what, dt).isGreaterThan(minRatio);
    assertThat(at.diagnosis()).as(what).startsWith("“" + title + "”");
    assertThat(fused.ok()).isFalse();
    assertThat(fused.verdict().ratio()).isGreaterThan(minRatio);
    assertThat(fused.verdict().text())
        .startsWith("real mismatch, ")
        .endsWith("the bound, in transform “" + title + "”");
  }

  private static double minRatio(DataType dt) {
    return dt == DataType.DOUBLE ? 1e6 : 10;
  }

  @Test
  void aOneByOnePaddedOffCentreIsARealMismatchInThePadStep() {
    for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
      Pipeline p = pipeline(dt);
      int k = indexOf(p, TransformKind.PAD, "rbr_1x1");
      BlockState good = p.steps().get(k).state();
      Branch b = good.spec().branch("rbr_1x1").orElseThrow();
      String key = BlockSpec.key(b.id(), b.ops().get(0).id(), "weight");
      INDArray w = good.weights().get(key);
      INDArray off = Nd4j.zeros(w.dataType(), w.shape());
      for (int o = 0; o < w.size(0); o++) {
        for (int i = 0; i < w.size(1); i++) {
          off.putScalar(new long[] {o, i, 0, 0}, w.getDouble(o, i, 1, 1));
        }
      }
      Pipeline broken = plant(p, k, new BlockState(good.spec(), good.weights().with(key, off)));
      assertCaught("1x1 padded off-centre", broken, k, minRatio(dt));
    }
  }

  @Test
  void aBnFoldedWithTheWrongEpsIsARealMismatchInItsLinearization() {
    for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
      Pipeline p = pipeline(dt);
      int k = indexOf(p, TransformKind.LINEARIZE_BN, "rbr_dense");
      Branch dense = SPEC.branch("rbr_dense").orElseThrow();
      BlockSpec wrongEps =
          SPEC.withBranch(dense.withOp(dense.indexOf("bn"), new BatchNorm("bn", 1e-3)));
      // The same transform reading the wrong ε: its scale γ/σ and shift; the block keeps 1e-5.
      Step s = FusionPipeline.run(wrongEps, p.training().weights()).steps().get(k);
      assertThat(s.transform()).isEqualTo(TransformKind.LINEARIZE_BN);
      assertThat(s.branchId()).isEqualTo("rbr_dense");
      Pipeline broken = plant(p, k, s.state());
      assertCaught("BN folded with ε = 1e-3", broken, k, minRatio(dt));
    }
  }

  @Test
  void aBranchDroppedWhenAddingIsARealMismatchInTheAddStep() {
    for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
      Pipeline p = pipeline(dt);
      int k = indexOf(p, TransformKind.ADD_BRANCHES, null);
      BlockState before = p.steps().get(k - 1).state();
      List<Branch> kept =
          before.spec().branches().stream().filter(b -> !b.id().equals("rbr_identity")).toList();
      assertThat(kept).hasSize(2);
      assertThat(kept.get(0).ops()).allMatch(Conv.class::isInstance);
      Weights w = before.weights().withoutPrefix("rbr_identity.");
      List<Step> rest = rest(new BlockState(before.spec().withBranches(kept), w));
      assertThat(rest.get(0).transform()).isEqualTo(TransformKind.ADD_BRANCHES);
      List<Step> steps = new ArrayList<>(p.steps().subList(0, k));
      steps.addAll(rest);
      assertCaught("identity branch dropped", new Pipeline(steps, null), k, minRatio(dt));
    }
  }
}
