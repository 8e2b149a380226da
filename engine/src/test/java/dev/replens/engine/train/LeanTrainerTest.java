package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The trainer with the lean step against the trainer with the SameDiff graph, same network, seed
 * and data (the tiny DBB of {@link TrainerTest}) in float64: over 6 steps of SGD with momentum and
 * weight decay, and of Adam, every loss agrees within 1e-9 and every weight and BN running
 * statistic within 1e-9 at the end, in every mode.
 */
class LeanTrainerTest {

  private static void assertSameTrajectory(TrainMode mode, OptimizerConfig opt) {
    TrainConfig cfg = TrainerTest.config(mode, opt).withDtype(DataType.DOUBLE);
    try (Trainer lean =
            Trainer.create(TrainerTest.net(), cfg, TrainerTest.DATA, GraphTuning.DEFAULT);
        Trainer graph =
            Trainer.create(TrainerTest.net(), cfg, TrainerTest.DATA, GraphTuning.GRAPH)) {
      assertThat(lean.stepWorkingSetBytes()).isPositive();
      for (int i = 0; i < 6; i++) {
        double a = lean.step(false).loss();
        double b = graph.step(false).loss();
        assertThat(a).as("%s step %d loss", mode, i + 1).isCloseTo(b, Offset.offset(1e-9));
      }
      Map<String, INDArray> x = lean.state().flatten();
      Map<String, INDArray> y = graph.state().flatten();
      assertThat(x.keySet()).isEqualTo(y.keySet());
      for (String k : x.keySet()) {
        double[] u = x.get(k).castTo(DataType.DOUBLE).data().asDouble();
        double[] v = y.get(k).castTo(DataType.DOUBLE).data().asDouble();
        for (int i = 0; i < u.length; i++) {
          assertThat(u[i]).as("%s %s[%d]", mode, k, i).isCloseTo(v[i], Offset.offset(1e-9));
        }
      }
    }
  }

  @Test
  void everyModeFollowsTheGraphsTrajectory() {
    for (TrainMode m : new TrainMode[] {TrainMode.OFFLINE, TrainMode.ONLINE, TrainMode.PLAIN}) {
      assertSameTrajectory(m, OptimizerConfig.sgd(0.05, 0.9, 1e-4));
    }
    assertSameTrajectory(TrainMode.CSLA, OptimizerConfig.sgd(0.05, 0.9, 1e-4));
    assertSameTrajectory(TrainMode.ONLINE, OptimizerConfig.adam(0.01, 1e-4));
  }
}
