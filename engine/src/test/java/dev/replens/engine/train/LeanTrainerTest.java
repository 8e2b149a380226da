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
    assertSameTrajectory(mode, opt, DataType.DOUBLE, 6, 1e-9);
  }

  private static void assertSameTrajectory(
      TrainMode mode, OptimizerConfig opt, DataType type, int steps, double tol) {
    TrainConfig cfg = TrainerTest.config(mode, opt).withDtype(type);
    try (Trainer lean =
            Trainer.create(TrainerTest.net(), cfg, TrainerTest.DATA, GraphTuning.DEFAULT);
        Trainer graph =
            Trainer.create(TrainerTest.net(), cfg, TrainerTest.DATA, GraphTuning.GRAPH)) {
      assertThat(lean.stepWorkingSetBytes()).isPositive();
      for (int i = 0; i < steps; i++) {
        double a = lean.step(false).loss();
        double b = graph.step(false).loss();
        assertThat(a).as("%s %s step %d loss", type, mode, i + 1).isCloseTo(b, Offset.offset(tol));
      }
      Map<String, INDArray> x = lean.state().flatten();
      Map<String, INDArray> y = graph.state().flatten();
      assertThat(x.keySet()).isEqualTo(y.keySet());
      for (String k : x.keySet()) {
        double[] u = x.get(k).castTo(DataType.DOUBLE).data().asDouble();
        double[] v = y.get(k).castTo(DataType.DOUBLE).data().asDouble();
        for (int i = 0; i < u.length; i++) {
          assertThat(u[i])
              .as("%s %s %s[%d]", type, mode, k, i)
              .isCloseTo(v[i], Offset.offset(tol * (1 + Math.abs(v[i]))));
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

  /**
   * In float32 the lean step takes other routes than in float64 (oneDNN's conv on a {@code [kH, kW,
   * I, O]} copy of the kernel, the stem as two matrix products, the float32 plane loops), so it is
   * held to the graph's float32 trajectory too, over 3 steps within float32's round-off.
   */
  @Test
  void float32FollowsTheGraphsFloat32Trajectory() {
    for (TrainMode m : new TrainMode[] {TrainMode.OFFLINE, TrainMode.ONLINE, TrainMode.PLAIN}) {
      assertSameTrajectory(m, OptimizerConfig.sgd(0.05, 0.9, 1e-4), DataType.FLOAT, 3, 2e-4);
    }
  }
}
