package dev.replens.engine.train.repopt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.model.Activation;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.RepOptForm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hyper-search on the network of {@link RepOptEquivalenceTest} (two 8-channel CSLA blocks,
 * 14×14 shapes, batch 8, float64): 10 search steps from s_c 0.8, s_1 0.45, s_id 1.0, then 15 steps
 * of the CSLA and RepOpt twins with the searched per-channel scales frozen.
 */
class ScaleSearchTest {

  private static final Logger LOG = LoggerFactory.getLogger(ScaleSearchTest.class);

  @Test
  void searchedScalesDifferPerChannelAndKeepTheEquivalence() {
    NetworkSpec net = RepOptEquivalenceTest.net(Activation.RELU);
    List<RepOptForm> start = RepOptEquivalenceTest.forms(net);
    List<Integer> seen = new ArrayList<>();
    List<RepOptForm> found =
        ScaleSearch.run(
            net,
            RepOptEquivalenceTest.config(RepOptEquivalenceTest.SGD, DataType.DOUBLE, 10),
            RepOptEquivalenceTest.DATA,
            start,
            10,
            seen::add);
    assertThat(seen).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(found).hasSize(2);
    double[] sc = found.get(0).scaleKxK();
    double moved = 0;
    double spread = 0;
    for (double v : sc) {
      moved = Math.max(moved, Math.abs(v - 0.8));
      spread = Math.max(spread, Math.abs(v - sc[0]));
    }
    LOG.info("searched s_c of block0: largest move {}, largest channel spread {}", moved, spread);
    assertThat(moved).isGreaterThan(1e-4);
    assertThat(spread).isGreaterThan(1e-6);
    assertThat(found.get(0).scale1x1()).hasSize(8);
    assertThat(found.get(0).scaleIdentity()).hasSize(8);

    double max = 0;
    try (RepOptComparison c =
        RepOptComparison.create(
            net,
            RepOptEquivalenceTest.config(RepOptEquivalenceTest.SGD, DataType.DOUBLE, 15),
            RepOptEquivalenceTest.DATA,
            found,
            RepOptComparison.Options.exact())) {
      for (int i = 0; i < 15; i++) {
        max = Math.max(max, c.step().maxKernelDifference());
      }
    }
    LOG.info("searched scales, SGD float64, 15 steps: max |ΔW'| {}", max);
    assertThat(max).isLessThan(1e-12);
  }
}
