package dev.replens.engine.lesson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.samples.SampleCatalog;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Train-mode BN on the plain conv + BN sample (8 channels, probe 2x8x13x11, float64): it normalizes
 * with the batch's statistics, so it differs from the fused conv while eval mode matches it.
 */
class TrainModeBatchNormTest {

  @Test
  void trainModeBnGivesEachChannelTheMeanBetaAndVarianceGammaSquared() throws Exception {
    BlockSpec spec = SampleCatalog.load("plain-conv-bn").block();
    Weights w = WeightInit.forAnalysis(spec, DataType.DOUBLE, 1);
    INDArray y = TrainModeBatchNorm.preActivation(spec, w, Evaluator.probe(spec, DataType.DOUBLE));
    INDArray mean = y.mean(0, 2, 3);
    INDArray var = y.var(false, 0, 2, 3);
    INDArray beta = w.get("conv_bn", "bn", "bias");
    INDArray gamma = w.get("conv_bn", "bn", "weight");
    for (int c = 0; c < 8; c++) {
      assertThat(mean.getDouble(c)).isCloseTo(beta.getDouble(c), within(1e-9));
      // var(γ x̂) = γ² · var / (var + ε) ≈ γ² (ε = 1e-5).
      assertThat(var.getDouble(c)).isCloseTo(gamma.getDouble(c) * gamma.getDouble(c), within(1e-4));
    }
  }

  @Test
  void onlyEvalModeMatchesTheFusedConv() throws Exception {
    BlockSpec spec = SampleCatalog.load("plain-conv-bn").block();
    Weights w = WeightInit.forAnalysis(spec, DataType.FLOAT, 1);
    TrainModeBatchNorm.Report r = TrainModeBatchNorm.compare(spec, w, 7);
    assertThat(r.evalVsFused()).isLessThan(1e-5);
    // Eval mode within round-off of the fused conv, train mode thousands of times beyond it.
    assertThat(r.evalVsFused()).isLessThanOrEqualTo(r.roundOffBound());
    assertThat(r.trainVsFused()).isGreaterThan(1000 * r.roundOffBound());
    // Measured 1.06 with seed 1 / probe seed 7.
    assertThat(r.trainVsFused()).isGreaterThan(0.1);
    // Image 0's output depends on the other image in its batch (measured 0.33).
    assertThat(r.batchDependence()).isGreaterThan(0.01);
    assertThat(r.branchId()).isEqualTo("conv_bn");
    assertThat(r.opId()).isEqualTo("bn");
    assertThat(r.runningMean()).isEqualTo(w.get("conv_bn", "bn", "running_mean").getDouble(0));
    assertThat(Math.abs(r.batchMean() - r.runningMean())).isGreaterThan(1e-3);
  }
}
