package dev.replens.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.CheckpointFormat;
import dev.replens.engine.io.checkpoint.Checkpoints;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The diagnoses of a network: strict key check, BN never trained, INT8 sensitivity. */
class NetworkFindingsTest {

  @ParameterizedTest
  @ValueSource(strings = {"mixed.pth", "mixed.safetensors", "mixed.npz"})
  void theMixedFileSaysWhatIsWrong(String file) throws Exception {
    Checkpoint ckpt = Checkpoints.read(NetworkGoldenTest.dir().resolve(file), Progress.NONE);
    NetworkReport r = NetworkInspector.inspect(ckpt, Progress.NONE);

    assertThat(r.block("stage0").orElseThrow().deployForm()).isTrue();
    assertThat(r.block("stage0").orElseThrow().int8()).isNotNull();
    assertThat(r.block("stage0").orElseThrow().block())
        .hasValueSatisfying(
            b -> {
              assertThat(b.spec().branches()).singleElement();
              assertThat(b.spec().inChannels()).isEqualTo(3);
              assertThat(b.spec().outChannels()).isEqualTo(8);
            });
    assertThat(r.block("stage1.2").orElseThrow().block()).isEmpty();

    List<Finding> partial = r.findings(Finding.PARTIAL_CONVERSION);
    assertThat(partial)
        .anySatisfy(
            f -> {
              assertThat(f.prefix()).isEqualTo("stage2.1");
              assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
              assertThat(f.message()).contains("rbr_reparam").contains("rbr_dense");
            });
    assertThat(partial)
        .anySatisfy(
            f -> {
              assertThat(f.prefix()).isEmpty();
              assertThat(f.message()).contains("partly converted");
            });

    assertThat(r.findings(Finding.MISSING_KEY))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.prefix()).isEqualTo("stage1.2");
              assertThat(f.message()).contains("'stage1.2.rbr_1x1.bn.running_var'");
            });
    assertThat(r.findings(Finding.UNEXPECTED_KEY))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("'stage1.2.rbr_dense.conv.bias'"));

    assertThat(r.findings(Finding.BN_NEVER_TRAINED))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.prefix()).isEqualTo("stage1.1");
              assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
              assertThat(f.message())
                  .contains("rbr_dense.bn", "rbr_1x1.bn", "rbr_identity")
                  .contains("the fused model will only match once the statistics are real");
            });
    // trained blocks are not flagged
    assertThat(r.block("stage1.0").orElseThrow().findings()).noneMatch(Finding::isProblem);
    assertThat(r.problems()).allMatch(Finding::isProblem);
    assertThat(r.findings().get(0).severity()).isEqualTo(Finding.Severity.ERROR);

    assertThatThrownBy(() -> NetworkConverter.convert(ckpt, r, Progress.NONE))
        .isInstanceOf(NetworkConversionException.class)
        .hasMessageStartingWith("the network can't be converted: ");
  }

  @Test
  void anIdentityBranchThatInflatesOneChannelIsNamedAndPerChannelIsBetter() throws Exception {
    int c = 16;
    Random rnd = new Random(3);
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put("blk.rbr_dense.conv.weight", randn(rnd, 0.2, c, c, 3, 3));
    putBn(t, "blk.rbr_dense.bn", c, rnd);
    t.put("blk.rbr_1x1.conv.weight", randn(rnd, 0.2, c, c, 1, 1));
    putBn(t, "blk.rbr_1x1.bn", c, rnd);
    putBn(t, "blk.rbr_identity", c, rnd);
    // channel 5 of the identity: a tiny running variance makes γ/σ about 300
    INDArray var = t.get("blk.rbr_identity.running_var");
    var.putScalar(5, 1e-5);
    t.put("head.weight", randn(rnd, 1, 10, c));
    Checkpoint ckpt =
        new Checkpoint(
            Path.of("inflated.pth"),
            CheckpointFormat.TORCH_ZIP,
            t,
            Map.of("blk.rbr_dense.bn.num_batches_tracked", 10L),
            Map.of(),
            List.of());
    NetworkReport r = NetworkInspector.inspect(ckpt, Progress.NONE);
    BlockReport b = r.block("blk").orElseThrow();
    assertThat(b.verdict().withinRoundOff()).isTrue();
    Int8Report q = b.int8();
    assertThat(q.inflatingBranch()).isEqualTo("rbr_identity");
    assertThat(q.widestChannel()).isEqualTo(5);
    assertThat(q.perChannelError()).isLessThan(q.perTensorError());
    assertThat(q.perChannelError()).isLessThan(0.03);
    assertThat(q.perTensorPenalty()).isGreaterThan(5);
    assertThat(q.perTensorError()).isGreaterThan(0.1);
    assertThat(q.dynamicRange()).isGreaterThan(50);
    assertThat(q.channelMax()[5]).isGreaterThan(100);
    assertThat(r.findings(Finding.INT8))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("rbr_identity", "channel 5"));
    assertThat(r.findings(Finding.INT8_RANKING))
        .singleElement()
        .satisfies(
            f -> assertThat(f.message()).startsWith("Worst layers under per-tensor INT8: blk"));
    assertThat(r.passThroughKeys()).isEqualTo(1);
  }

  @Test
  void int8ErrorsMatchAHandComputedKernel() {
    // channel 0: {1, -0.5}, channel 1: {0.01, 0.02}; per-tensor scale 1/127
    INDArray w = Nd4j.create(new double[] {1, -0.5, 0.01, 0.02}, new long[] {2, 2, 1, 1});
    Int8Report q = Int8Analysis.of(w.castTo(DataType.FLOAT), Map.of());
    double s = 1.0 / 127;
    double e1 = 0.01 - Math.rint(0.01 / s) * s;
    double e2 = 0.02 - Math.rint(0.02 / s) * s;
    double e0 = -0.5 - Math.rint(-0.5 / s) * s;
    double ch0 = Math.abs(e0) / Math.sqrt(1 + 0.25);
    double ch1 = Math.sqrt(e1 * e1 + e2 * e2) / Math.sqrt(1e-4 + 4e-4);
    assertThat(q.perTensorError())
        .isCloseTo((ch0 + ch1) / 2, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(q.perChannelError()).isLessThan(q.perTensorError());
    assertThat(q.dynamicRange()).isCloseTo(1 / 0.51, org.assertj.core.data.Offset.offset(1e-6));
  }

  private static INDArray randn(Random rnd, double scale, long... shape) {
    int n = 1;
    for (long s : shape) {
      n *= (int) s;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (scale * rnd.nextGaussian());
    }
    return Nd4j.create(v, shape, 'c');
  }

  private static void putBn(Map<String, INDArray> t, String p, int c, Random rnd) {
    float[] g = new float[c];
    float[] b = new float[c];
    float[] m = new float[c];
    float[] v = new float[c];
    for (int i = 0; i < c; i++) {
      g[i] = (float) (0.5 + rnd.nextDouble());
      b[i] = (float) (0.1 * rnd.nextGaussian());
      m[i] = (float) (0.1 * rnd.nextGaussian());
      v[i] = (float) (0.5 + rnd.nextDouble());
    }
    t.put(p + ".weight", Nd4j.create(g));
    t.put(p + ".bias", Nd4j.create(b));
    t.put(p + ".running_mean", Nd4j.create(m));
    t.put(p + ".running_var", Nd4j.create(v));
  }
}
