package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
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

  /** The losses of {@code steps} steps, then every state value at the end, in key order. */
  private static double[] trajectory(TrainMode mode, DataType type, GraphTuning tuning, int steps) {
    TrainConfig cfg =
        TrainerTest.config(mode, OptimizerConfig.sgd(0.05, 0.9, 1e-4)).withDtype(type);
    try (Trainer t = Trainer.create(TrainerTest.net(), cfg, TrainerTest.DATA, tuning)) {
      java.util.List<Double> out = new java.util.ArrayList<>();
      for (int i = 0; i < steps; i++) {
        out.add(t.step(false).loss());
      }
      new java.util.TreeMap<>(t.state().flatten())
          .values()
          .forEach(
              a -> Arrays.stream(a.castTo(DataType.DOUBLE).data().asDouble()).forEach(out::add));
      return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  private static double maxError(double[] got, double[] exact) {
    assertThat(got).hasSameSizeAs(exact);
    double e = 0;
    for (int i = 0; i < got.length; i++) {
      e = Math.max(e, Math.abs(got[i] - exact[i]) / (1 + Math.abs(exact[i])));
    }
    return e;
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
   * held to the float64 trajectory over 3 steps: its error (losses and every final weight and
   * statistic, relative) may be at most 4 times the graph's own float32 error, plus 1e-6.
   */
  @Test
  void float32StaysAsCloseToFloat64AsTheGraphsFloat32() {
    for (TrainMode m : new TrainMode[] {TrainMode.OFFLINE, TrainMode.ONLINE, TrainMode.PLAIN}) {
      double[] exact = trajectory(m, DataType.DOUBLE, GraphTuning.GRAPH, 3);
      double lean = maxError(trajectory(m, DataType.FLOAT, GraphTuning.DEFAULT, 3), exact);
      double graph = maxError(trajectory(m, DataType.FLOAT, GraphTuning.GRAPH, 3), exact);
      assertThat(lean)
          .as("%s: lean float32 error %.3g, graph float32 error %.3g", m, lean, graph)
          .isLessThanOrEqualTo(4 * graph + 1e-6);
    }
  }
}
