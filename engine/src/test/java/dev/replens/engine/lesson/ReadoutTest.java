package dev.replens.engine.lesson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.samples.SampleCatalog;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Live numbers against the engine, on bundled samples with seeded float64 weights (8 channels, 3x3
 * kernels, probe 2x8x13x11).
 */
class ReadoutTest {

  private static LiveContext context(BlockSpec spec, Weights w, int step) {
    Pipeline p = FusionPipeline.run(spec, w);
    return new LiveContext(
        spec,
        w,
        p,
        Evaluator.check(p, Evaluator.probe(spec, w.dtype())),
        Equivalents.of(p.training()),
        step);
  }

  @Test
  void fusedTapIsTheConvWeightTimesTheBnScale() throws Exception {
    BlockSpec spec = SampleCatalog.load("plain-conv-bn").block();
    Weights w = WeightInit.forAnalysis(spec, DataType.DOUBLE, 1);
    LiveContext c = context(spec, w, 0);
    Tap centre = new Tap(3, 5, 1, 1);
    double conv = new Readout.ConvTap(null, "conv_bn", "conv", centre).read(c);
    double scale = new Readout.BnScale(null, "conv_bn", "bn", 3).read(c);
    double fused = new Readout.FusedTap(null, centre).read(c);
    assertThat(fused).isCloseTo(conv * scale, within(1e-12));
    assertThat(fused)
        .isCloseTo(c.pipeline().fusedKernel().weight().getDouble(3, 5, 1, 1), within(0.0));
    double beta = w.get("conv_bn", "bn", "bias").getDouble(3);
    double mu = w.get("conv_bn", "bn", "running_mean").getDouble(3);
    assertThat(new Readout.FusedBias(null, 3).read(c)).isCloseTo(beta - mu * scale, within(1e-12));
  }

  @Test
  void branchTapsAddUpToTheFusedTap() throws Exception {
    BlockSpec spec = SampleCatalog.load("repvgg").block();
    Weights w = WeightInit.forAnalysis(spec, DataType.DOUBLE, 2);
    LiveContext c = context(spec, w, 0);
    Tap centre = new Tap(4, 4, 1, 1);
    double sum = 0;
    for (String b : new String[] {"rbr_dense", "rbr_1x1", "rbr_identity"}) {
      sum += new Readout.BranchTap(null, b, centre).read(c);
    }
    assertThat(new Readout.FusedTap(null, centre).read(c)).isCloseTo(sum, within(1e-12));
    // The identity reaches only the diagonal centre, with its BN's γ/σ.
    assertThat(new Readout.BranchTap(null, "rbr_identity", centre).read(c))
        .isCloseTo(new Readout.BnScale(null, "rbr_identity", "bn", 4).read(c), within(1e-12));
    assertThat(new Readout.BranchTap(null, "rbr_identity", new Tap(4, 5, 1, 1)).read(c))
        .isEqualTo(0.0);
    assertThat(new Readout.BranchTap(null, "rbr_1x1", new Tap(4, 4, 0, 0)).read(c)).isEqualTo(0.0);
    assertThat(new Readout.BranchCount(null).read(c)).isEqualTo(3.0);
    assertThat(new Readout.BranchTap(null, "gone", centre).read(c)).isNaN();
  }

  @Test
  void perOpPaddingMakesTheErrorSitOnlyOnTheBorder() throws Exception {
    BlockSpec dbb = SampleCatalog.load("dbb").block();
    var b = dbb.branch("dbb_1x1_kxk").orElseThrow();
    BlockSpec perOp = dbb.withBranch(b.withPaddingMode(PaddingMode.PER_OP));
    Weights w = WeightInit.forAnalysis(perOp, DataType.FLOAT, 1);
    LiveContext c = context(perOp, w, 0);
    double border = new Readout.FusedError(null, Readout.Region.BORDER).read(c);
    double inside = new Readout.FusedError(null, Readout.Region.INTERIOR).read(c);
    double all = new Readout.FusedError(null, Readout.Region.ALL).read(c);
    assertThat(border).isGreaterThan(1e-2);
    assertThat(inside).isLessThan(1e-5);
    assertThat(all).isEqualTo(border);
    LiveContext exact = context(dbb, WeightInit.forAnalysis(dbb, DataType.FLOAT, 1), 0);
    assertThat(new Readout.FusedError(null, Readout.Region.BORDER).read(exact)).isLessThan(1e-5);
  }

  @Test
  void stepErrorReadsTheCurrentStep() throws Exception {
    BlockSpec spec = SampleCatalog.load("repvgg").block();
    Weights w = WeightInit.forAnalysis(spec, DataType.FLOAT, 1);
    LiveContext c = context(spec, w, 0);
    assertThat(new Readout.StepError(null).read(c)).isEqualTo(0.0);
    LiveContext last = context(spec, w, c.pipeline().steps().size() - 1);
    assertThat(new Readout.StepError(null).read(last))
        .isEqualTo(last.checks().get(last.checks().size() - 1).error().maxAbs());
  }

  @Test
  void numbersOfABlockThatCantBeFusedAreNaN() throws Exception {
    BlockSpec spec = SampleCatalog.load("repvgg").block();
    BlockSpec broken =
        spec.withBranch(
            spec.branch("rbr_1x1")
                .orElseThrow()
                .withOps(
                    java.util.List.of(
                        dev.replens.engine.model.Conv.square("conv", 8, 1, 1),
                        new dev.replens.engine.model.Nonlinearity(
                            "relu", dev.replens.engine.model.Activation.RELU))));
    Weights w = WeightInit.forAnalysis(broken, DataType.FLOAT, 1);
    Pipeline p = FusionPipeline.run(broken, w);
    LiveContext c = new LiveContext(broken, w, p, java.util.List.of(), null, 0);
    assertThat(p.complete()).isFalse();
    assertThat(new Readout.FusedTap(null, new Tap(0, 0, 1, 1)).read(c)).isNaN();
    assertThat(new Readout.FusedError(null, Readout.Region.ALL).read(c)).isNaN();
  }
}
