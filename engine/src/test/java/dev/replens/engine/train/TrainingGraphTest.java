package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.PaddingMode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training graphs of every mode, on tiny float64 networks (input {@code [3, 1, 6, 6]}, 4
 * channels, 3 classes):
 *
 * <ul>
 *   <li>gradients agree with central finite differences of the graph's own loss ({@code h = 1e-5}):
 *       {@code |fd − autodiff| ≤ 1e-7 + 1e-5·|autodiff|} on sampled elements of every parameter;
 *   <li>the train-mode forward equals the engine's reference evaluator ({@code BlockForward}) when
 *       each BN's running statistics are set to the batch statistics: logits within 1e-9. This pins
 *       down padding, cropping, strides, groups and online kernel generation.
 * </ul>
 */
class TrainingGraphTest {

  private static final int C = 4;
  private static final int SIZE = 6;
  private static final int BATCH = 3;

  private static void assertGradientsMatchFiniteDifferences(BlockSpec block, TrainMode mode) {
    GraphHarness h = new GraphHarness(block, mode, C, SIZE, BATCH, 11);
    Map<String, INDArray> g = h.gradients();
    Random r = new Random(5);
    double eps = 1e-5;
    int checked = 0;
    for (Map.Entry<String, INDArray> e : g.entrySet()) {
      INDArray p = h.param(e.getKey());
      long n = p.length();
      for (int s = 0; s < Math.min(3, n); s++) {
        long i = n <= 3 ? s : r.nextInt((int) n);
        double orig = p.getDouble(i);
        p.putScalar(i, orig + eps);
        double up = h.loss();
        p.putScalar(i, orig - eps);
        double down = h.loss();
        p.putScalar(i, orig);
        double fd = (up - down) / (2 * eps);
        double ad = e.getValue().getDouble(i);
        assertThat(Math.abs(fd - ad))
            .as("%s %s[%d]: finite difference %.10g vs autodiff %.10g", mode, e.getKey(), i, fd, ad)
            .isLessThanOrEqualTo(1e-7 + 1e-5 * Math.abs(ad));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5);
  }

  private static void assertForwardMatchesReference(BlockSpec block, TrainMode mode) {
    GraphHarness h = new GraphHarness(block, mode, C, SIZE, BATCH, 13);
    Object[] ls = h.logitsAndBatchStatState();
    INDArray logits = (INDArray) ls[0];
    ModelState withBatchStats = (ModelState) ls[1];
    double[][] ref = NetworkForward.logits(withBatchStats, h.batchAsDataset(), BATCH, BATCH);
    for (int i = 0; i < BATCH; i++) {
      for (int c = 0; c < GraphHarness.CLASSES; c++) {
        assertThat(logits.getDouble(i, c))
            .as(
                "%s %s logit [%d,%d]",
                mode, block.branches().stream().map(Branch::id).toList(), i, c)
            .isCloseTo(ref[i][c], org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  private static BlockSpec dbb(int groups) {
    return TestDesigns.dbb(C, C, 3, 1, groups);
  }

  /** A branch chaining two 3x3 convs in a 5x5 block: online needs a full kernel composition. */
  private static BlockSpec largeKernel() {
    return new BlockSpec(
        C,
        C,
        5,
        1,
        2,
        1,
        List.of(
            Branch.of("k5", Conv.square("conv", C, 5, 1), BatchNorm.of("bn")),
            Branch.of(
                "k3k3",
                Conv.square("a", C, 3, 1),
                BatchNorm.of("bna"),
                Conv.square("b", C, 3, 1),
                BatchNorm.of("bnb"))),
        List.of(),
        Activation.RELU);
  }

  @Test
  void offlineDbbGradientsMatchFiniteDifferences() {
    assertGradientsMatchFiniteDifferences(dbb(1), TrainMode.OFFLINE);
  }

  @Test
  void offlineGroupedAndDepthwiseGradientsMatchFiniteDifferences() {
    assertGradientsMatchFiniteDifferences(dbb(2), TrainMode.OFFLINE);
    assertGradientsMatchFiniteDifferences(TestDesigns.repvgg(8, 8), TrainMode.OFFLINE);
  }

  @Test
  void offlineOrepaStyleGradientsMatchFiniteDifferences() {
    assertGradientsMatchFiniteDifferences(TestDesigns.orepa(C, C, 3), TrainMode.OFFLINE);
  }

  @Test
  void onlineGradientsMatchFiniteDifferences() {
    assertGradientsMatchFiniteDifferences(dbb(1), TrainMode.ONLINE);
    assertGradientsMatchFiniteDifferences(TestDesigns.orepa(C, C, 3), TrainMode.ONLINE);
    assertGradientsMatchFiniteDifferences(largeKernel(), TrainMode.ONLINE);
  }

  @Test
  void plainAndRepOptGradientsMatchFiniteDifferences() {
    assertGradientsMatchFiniteDifferences(TestDesigns.repvgg(C, 1), TrainMode.PLAIN);
    assertGradientsMatchFiniteDifferences(TestDesigns.repvgg(C, 1), TrainMode.REPOPT);
  }

  @Test
  void offlineForwardEqualsReferenceEvaluatorWithBatchStatistics() {
    assertForwardMatchesReference(dbb(1), TrainMode.OFFLINE);
    assertForwardMatchesReference(dbb(2), TrainMode.OFFLINE);
    assertForwardMatchesReference(TestDesigns.repvgg(8, 8), TrainMode.OFFLINE);
    assertForwardMatchesReference(TestDesigns.orepa(C, C, 3), TrainMode.OFFLINE);
    assertForwardMatchesReference(TestDesigns.acnet(C, 3, 0), TrainMode.OFFLINE);
  }

  @Test
  void perOpPaddingBranchTrainsWithItsOwnBorder() {
    BlockSpec spec = dbb(1);
    BlockSpec perOp =
        spec.withBranch(
            spec.branch("dbb_1x1_kxk").orElseThrow().withPaddingMode(PaddingMode.PER_OP));
    assertForwardMatchesReference(perOp, TrainMode.OFFLINE);
  }

  @Test
  void onlineForwardEqualsReferenceEvaluatorWithBatchStatistics() {
    assertForwardMatchesReference(dbb(1), TrainMode.ONLINE);
    assertForwardMatchesReference(dbb(2), TrainMode.ONLINE);
    assertForwardMatchesReference(TestDesigns.orepa(C, C, 3), TrainMode.ONLINE);
    assertForwardMatchesReference(largeKernel(), TrainMode.ONLINE);
    assertForwardMatchesReference(TestDesigns.acnet(C, 3, 0), TrainMode.ONLINE);
    assertForwardMatchesReference(TestDesigns.repvgg(C, 1), TrainMode.ONLINE);
  }

  @Test
  void theLossStaysFiniteInFloat32WhenLogitsSpreadWidely() {
    GraphHarness h =
        new GraphHarness(
            TestDesigns.repvgg(C, 1),
            TrainMode.PLAIN,
            C,
            SIZE,
            BATCH,
            17,
            org.nd4j.linalg.api.buffer.DataType.FLOAT);
    INDArray w = h.param("head/fc.weight");
    w.muli(1e4 / w.amaxNumber().doubleValue());
    double loss = h.loss();
    assertThat(loss).isFinite().isGreaterThan(10);
    for (Map.Entry<String, INDArray> e : h.gradients().entrySet()) {
      assertThat(dev.replens.engine.model.WeightCheck.firstNonFinite(e.getValue()))
          .as(e.getKey())
          .isEqualTo(-1);
    }
  }

  @Test
  void plainAndRepOptForwardEqualsReferenceEvaluator() {
    assertForwardMatchesReference(TestDesigns.repvgg(C, 1), TrainMode.PLAIN);
    assertForwardMatchesReference(TestDesigns.repvgg(C, 1), TrainMode.REPOPT);
  }
}
