package dev.replens.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every step of the pipeline is equivalent to the training form on a probe input {@code [2, C, 13,
 * 11]}: within 1e-10 in float64 and 1e-5 in float32.
 */
class FusionPipelineTest {

  private static List<StepCheck> checks(BlockSpec spec, DataType dt) {
    Weights w = WeightInit.forAnalysis(spec, dt, 42);
    Pipeline p = FusionPipeline.run(spec, w);
    assertThat(p.blockedBy()).isNull();
    INDArray x = Evaluator.probe(spec, dt);
    return Evaluator.check(p, x);
  }

  private static void assertExact(BlockSpec spec) {
    for (DataType dt : List.of(DataType.DOUBLE, DataType.FLOAT)) {
      List<StepCheck> c = checks(spec, dt);
      for (StepCheck s : c) {
        assertThat(s.ok())
            .as("%s %s: %s (%s)", dt, s.step().title(), s.error(), s.diagnosis())
            .isTrue();
      }
      assertThat(c.get(c.size() - 1).step().stage()).isEqualTo(StageKind.FUSED);
    }
  }

  @Test
  void repvggFusesExactly() {
    assertExact(TestDesigns.repvgg(8, 1));
  }

  @Test
  void groupedRepvggFusesExactly() {
    assertExact(TestDesigns.repvgg(8, 2));
  }

  @Test
  void depthwiseRepvggFusesExactly() {
    assertExact(TestDesigns.repvgg(4, 4));
  }

  @Test
  void dbbFusesExactlyAtTheBorders() {
    assertExact(TestDesigns.dbb(4, 8, 3, 1, 1));
    assertExact(TestDesigns.dbb(4, 8, 5, 2, 2));
  }

  @Test
  void acnetWithCroppingFusesExactly() {
    assertExact(TestDesigns.acnet(4, 3, 0));
    assertExact(TestDesigns.acnet(4, 5, 1));
  }

  @Test
  void branchConstantsGoBeforeAPostScaleEvenIfAPostShiftIsNamedShift() {
    BlockSpec spec =
        new BlockSpec(
            4,
            4,
            3,
            1,
            1,
            1,
            List.of(
                Branch.of("dense", new Conv("conv", 4, 3, 3, 1, true), BatchNorm.of("bn")),
                Branch.of("avg", new AvgPool("avg", 3), new ChannelBias("shift"))),
            List.of(ChannelScale.of("scale"), new ChannelBias("shift")),
            Activation.NONE);
    assertExact(spec);
  }

  @Test
  void anActivationOfNoneInsideABranchIsTheIdentityAndFusesExactly() {
    BlockSpec spec =
        new BlockSpec(
            4,
            4,
            3,
            1,
            1,
            1,
            List.of(
                Branch.of(
                    "dense",
                    new Conv("conv", 4, 3, 3, 1, true),
                    new Nonlinearity("act", Activation.NONE),
                    BatchNorm.of("bn")),
                Branch.of("plain", new Nonlinearity("none", Activation.NONE), BatchNorm.of("bn"))),
            List.of(),
            Activation.RELU);
    assertExact(spec);
  }

  @Test
  void orepaStyleFusesExactly() {
    assertExact(TestDesigns.orepa(4, 6, 3));
  }

  @Test
  void perOpPaddingDivergesAtTheBorderAndIsExplained() {
    BlockSpec spec = TestDesigns.dbb(4, 8, 3, 1, 1);
    BlockSpec perOp =
        spec.withBranch(
            spec.branch("dbb_1x1_kxk").orElseThrow().withPaddingMode(PaddingMode.PER_OP));
    List<StepCheck> c = checks(perOp, DataType.DOUBLE);
    StepCheck first = c.stream().filter(s -> !s.ok()).findFirst().orElseThrow();
    assertThat(first.diagnosis()).contains("dbb_1x1_kxk").contains("border");
    assertThat(first.error().errorOnlyNearBorder(1, 1e-10)).isTrue();
    assertThat(first.error().maxAbs()).isGreaterThan(1e-3);
  }
}
