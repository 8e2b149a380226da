package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.PaddingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The lean training step on tiny float64 networks (input {@code [3, 1, 6, 6]}, 4 channels, 3
 * classes), against the SameDiff graph of the same state and against finite differences:
 *
 * <ul>
 *   <li>every gradient equals the graph's within {@code 1e-10 + 1e-8·|g|} (both are exact up to
 *       round-off in float64);
 *   <li>sampled gradient elements agree with central finite differences of the lean loss ({@code h
 *       = 1e-5}) within {@code 1e-7 + 1e-5·|g|};
 *   <li>loss, logits and the BN batch statistics equal the graph's within 1e-10.
 * </ul>
 */
class LeanNetworkTest {

  private static final int C = 4;
  private static final int SIZE = 6;
  private static final int BATCH = 3;

  private static LeanNetwork lean(GraphHarness h) {
    LeanNetwork ln =
        LeanNetwork.build(h.state, Trainer.trainableKeys(h.state), DataType.DOUBLE, BATCH);
    ln.input().assign(h.placeholders.get(NetworkGraph.X));
    return ln;
  }

  private static int[] labels() {
    int[] l = new int[BATCH];
    for (int i = 0; i < BATCH; i++) {
      l[i] = i % GraphHarness.CLASSES;
    }
    return l;
  }

  private static void assertMatchesGraph(BlockSpec block, TrainMode mode) {
    GraphHarness h = new GraphHarness(block, mode, C, SIZE, BATCH, 11);
    Map<String, INDArray> expected = h.gradients();
    try (LeanNetwork ln = lean(h)) {
      double loss = ln.step(labels());
      assertThat(loss).as("%s loss", mode).isCloseTo(h.loss(), Offset.offset(1e-10));
      assertThat(ln.grads().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      for (Map.Entry<String, INDArray> e : expected.entrySet()) {
        double[] want = e.getValue().data().asDouble();
        double[] got = ln.grads().get(e.getKey()).data().asDouble();
        for (int i = 0; i < want.length; i++) {
          assertThat(Math.abs(got[i] - want[i]))
              .as("%s %s[%d]: lean %.12g vs graph %.12g", mode, e.getKey(), i, got[i], want[i])
              .isLessThanOrEqualTo(1e-10 + 1e-8 * Math.abs(want[i]));
        }
      }
      Object[] ls = h.logitsAndBatchStatState();
      INDArray logits = (INDArray) ls[0];
      for (int i = 0; i < BATCH; i++) {
        for (int c = 0; c < GraphHarness.CLASSES; c++) {
          assertThat(ln.logits().getDouble(i, c))
              .as("%s logit [%d,%d]", mode, i, c)
              .isCloseTo(logits.getDouble(i, c), Offset.offset(1e-10));
        }
      }
      Map<String, INDArray> stats = ((ModelState) ls[1]).flatten();
      for (LeanNetwork.BatchStat b : ln.batchStats()) {
        double[] mean = stats.get(b.keyPrefix() + ".running_mean").data().asDouble();
        double[] var = stats.get(b.keyPrefix() + ".running_var").data().asDouble();
        for (int c = 0; c < mean.length; c++) {
          assertThat(b.mean().getDouble(c)).isCloseTo(mean[c], Offset.offset(1e-10));
          assertThat(b.var().getDouble(c)).isCloseTo(var[c], Offset.offset(1e-10));
        }
      }
      // Activations share arrays (planArrays): a second step on the same weights and batch must
      // find nothing the first left behind.
      Map<String, double[]> first = new LinkedHashMap<>();
      ln.grads().forEach((k, v) -> first.put(k, v.data().asDouble()));
      assertThat(ln.step(labels())).as("%s loss of a second step", mode).isEqualTo(loss);
      first.forEach(
          (k, v) ->
              assertThat(ln.grads().get(k).data().asDouble())
                  .as("%s %s in a second step", mode, k)
                  .containsExactly(v));
    }
  }

  private static void assertFiniteDifferences(BlockSpec block, TrainMode mode) {
    GraphHarness h = new GraphHarness(block, mode, C, SIZE, BATCH, 11);
    try (LeanNetwork ln = lean(h)) {
      ln.step(labels());
      Map<String, INDArray> g = new LinkedHashMap<>();
      ln.grads().forEach((k, v) -> g.put(k, v.dup()));
      Random r = new Random(5);
      double eps = 1e-5;
      int checked = 0;
      for (Map.Entry<String, INDArray> e : g.entrySet()) {
        INDArray p = ln.params().get(e.getKey());
        long n = p.length();
        for (int s = 0; s < Math.min(3, n); s++) {
          long i = n <= 3 ? s : r.nextInt((int) n);
          double orig = p.getDouble(i);
          p.putScalar(i, orig + eps);
          double up = ln.loss(labels());
          p.putScalar(i, orig - eps);
          double down = ln.loss(labels());
          p.putScalar(i, orig);
          double fd = (up - down) / (2 * eps);
          double ad = e.getValue().getDouble(i);
          assertThat(Math.abs(fd - ad))
              .as("%s %s[%d]: finite difference %.10g vs lean %.10g", mode, e.getKey(), i, fd, ad)
              .isLessThanOrEqualTo(1e-7 + 1e-5 * Math.abs(ad));
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(5);
    }
  }

  @Test
  void offlineMatchesTheGraphAndFiniteDifferences() {
    BlockSpec dbb = TestDesigns.dbb(C, C, 3, 1, 1);
    assertMatchesGraph(dbb, TrainMode.OFFLINE);
    assertFiniteDifferences(dbb, TrainMode.OFFLINE);
    assertMatchesGraph(TestDesigns.acnet(C, 3, 0), TrainMode.OFFLINE);
    assertMatchesGraph(TestDesigns.repvgg(C, 1), TrainMode.OFFLINE);
    BlockSpec perOp =
        dbb.withBranch(dbb.branch("dbb_1x1_kxk").orElseThrow().withPaddingMode(PaddingMode.PER_OP));
    assertMatchesGraph(perOp, TrainMode.OFFLINE);
  }

  @Test
  void onlineMatchesTheGraphAndFiniteDifferences() {
    BlockSpec dbb = TestDesigns.dbb(C, C, 3, 1, 1);
    assertMatchesGraph(dbb, TrainMode.ONLINE);
    assertFiniteDifferences(dbb, TrainMode.ONLINE);
    assertMatchesGraph(TestDesigns.acnet(C, 3, 0), TrainMode.ONLINE);
    assertMatchesGraph(TestDesigns.repvgg(C, 1), TrainMode.ONLINE);
  }

  @Test
  void plainRepOptAndCslaMatchTheGraphAndFiniteDifferences() {
    BlockSpec repvgg = TestDesigns.repvgg(C, 1);
    assertMatchesGraph(repvgg, TrainMode.PLAIN);
    assertFiniteDifferences(repvgg, TrainMode.PLAIN);
    assertMatchesGraph(repvgg, TrainMode.REPOPT);
    assertMatchesGraph(repvgg, TrainMode.CSLA);
    assertFiniteDifferences(repvgg, TrainMode.CSLA);
  }

  @Test
  void groupedAndFrequencyFilterBlocksAreLeftToTheGraph() {
    GraphHarness f =
        new GraphHarness(TestDesigns.orepa(C, C, 3), TrainMode.ONLINE, C, SIZE, BATCH, 11);
    assertThatThrownBy(() -> lean(f)).isInstanceOf(LeanNetwork.Unsupported.class);
    GraphHarness h =
        new GraphHarness(TestDesigns.dbb(C, C, 3, 1, 2), TrainMode.OFFLINE, C, SIZE, BATCH, 11);
    assertThatThrownBy(() -> lean(h)).isInstanceOf(LeanNetwork.Unsupported.class);
  }

  @Test
  void aStepAllocatesNoNativeMemoryAfterTheFirst() {
    GraphHarness h =
        new GraphHarness(TestDesigns.dbb(C, C, 3, 1, 1), TrainMode.OFFLINE, C, SIZE, BATCH, 11);
    try (LeanNetwork ln = lean(h)) {
      double first = ln.step(labels());
      long before = ln.bytes();
      for (int i = 0; i < 5; i++) {
        assertThat(ln.step(labels())).isEqualTo(first);
      }
      assertThat(ln.bytes()).isEqualTo(before);
    }
  }

  /**
   * Activations share arrays where they are never needed at once (that sharing changes no number is
   * the graph, finite-difference and second-step checks' job). Online (stem conv, BN, block conv,
   * BN, in float64): 3 gradients take 2 arrays, and 4 values and those gradients 5 in all, the
   * block's values holding the stem's gradients once the block's backward has read them. Offline
   * DBB: 16 gradients (4 of them a branch output's, sharing the sum's) take 6 arrays where each
   * owner had its own 12, and 17 values with those gradients 17 in all, where they took 29: the
   * branch BNs' outputs are dead once summed, and gradients live in them during the backward pass.
   */
  @Test
  void activationsShareArraysWhenNeverNeededAtOnce() {
    GraphHarness on =
        new GraphHarness(TestDesigns.dbb(C, C, 3, 1, 1), TrainMode.ONLINE, C, SIZE, BATCH, 11);
    try (LeanNetwork ln = lean(on)) {
      assertThat(ln.arraySharing()).containsExactly(2, 3, 5, 7);
    }
    GraphHarness off =
        new GraphHarness(TestDesigns.dbb(C, C, 3, 1, 1), TrainMode.OFFLINE, C, SIZE, BATCH, 11);
    try (LeanNetwork ln = lean(off)) {
      assertThat(ln.arraySharing()).containsExactly(6, 16, 17, 33);
    }
  }
}
