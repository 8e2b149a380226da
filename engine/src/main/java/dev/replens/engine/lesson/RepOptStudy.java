package dev.replens.engine.lesson;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.repopt.RepOptComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The RepOptimizer lesson's run: a network of two CSLA blocks and its single-conv RepOpt twin
 * trained side by side from the same seed on the same batches ({@link RepOptComparison}), in
 * float64, SGD with momentum and weight decay. After every step it records the largest difference
 * between the CSLA branches' equivalent kernel and the RepOpt kernel, and both losses
 * [RepOptimizer: Ding et al., "Re-parameterizing Your Optimizers rather than Architectures", ICLR
 * 2023, Sec. 3].
 *
 * <p>With the right gradient multipliers the difference stays at float64 round-off; with the
 * multipliers of a KxK-only block ({@code mismatch}) the trajectories part at the first step.
 *
 * <p>Runs on the calling thread (the two trainers are confined to it): call it from a background
 * thread.
 */
public final class RepOptStudy {

  /** The constant scales of every block: {@code s_c}, {@code s_1}, {@code s_id}. */
  public static final double S_KXK = 0.8;

  public static final double S_1X1 = 0.45;
  public static final double S_IDENTITY = 1.0;

  /**
   * What to run.
   *
   * @param steps optimizer steps
   * @param mismatch give the RepOpt model the multipliers of a KxK-only block
   * @param seed weights, batches and data
   */
  public record Settings(int steps, boolean mismatch, long seed) {
    public Settings {
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be positive, not " + steps);
      }
    }

    /** 30 steps, the right multipliers, seed 11. */
    public static Settings defaults() {
      return new Settings(30, false, 11);
    }

    public Settings withMismatch(boolean m) {
      return new Settings(steps, m, seed);
    }
  }

  /**
   * What was measured so far.
   *
   * @param settings the settings
   * @param steps step 0 (the start) and every step since
   * @param done whether the run finished
   */
  public record Result(Settings settings, List<RepOptComparison.StepResult> steps, boolean done) {
    public Result {
      Objects.requireNonNull(settings, "settings");
      steps = List.copyOf(steps);
    }

    /** The largest kernel difference over the run so far, step 0 included; NaN before it. */
    public double maxDifference() {
      return steps.stream()
          .mapToDouble(RepOptComparison.StepResult::maxKernelDifference)
          .max()
          .orElse(Double.NaN);
    }

    /** The last step, or null before the first measurement. */
    public RepOptComparison.StepResult last() {
      return steps.isEmpty() ? null : steps.get(steps.size() - 1);
    }
  }

  private RepOptStudy() {}

  /** The network the lesson trains: two copies of {@code csla}, 8 channels wide. */
  public static NetworkSpec network(BlockSpec csla) {
    return LessonTraining.network(csla, 8, 2);
  }

  /** The forms (scales) of every block of {@code net}. */
  public static List<RepOptForm> forms(NetworkSpec net) {
    List<RepOptForm> out = new ArrayList<>();
    for (int i = 0; i < net.depth(); i++) {
      out.add(RepOptForm.of(net.layerBlock(i), S_KXK, S_1X1, S_IDENTITY));
    }
    return out;
  }

  /**
   * Trains both models.
   *
   * @param csla the CSLA design (a KxK conv, optionally a 1x1 conv and an identity)
   * @param progress told the result so far after every step (on this thread)
   */
  public static Result run(BlockSpec csla, Settings s, Consumer<Result> progress) {
    NetworkSpec net = network(csla);
    DatasetSplit data = LessonTraining.shapes(160, 16, 5);
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.CSLA, s.steps(), s.seed())
            .withBatchSize(8)
            .withOptimizer(OptimizerConfig.sgd(0.05, 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 16)
            .withDtype(DataType.DOUBLE)
            .withGcEvery(0);
    List<RepOptComparison.StepResult> steps = new ArrayList<>();
    RepOptComparison.Options o = RepOptComparison.Options.exact().withMismatch(s.mismatch());
    try (RepOptComparison c = RepOptComparison.create(net, cfg, data, forms(net), o)) {
      steps.add(c.measure());
      progress.accept(new Result(s, steps, false));
      for (int i = 0; i < s.steps(); i++) {
        if (Thread.currentThread().isInterrupted()) {
          return new Result(s, steps, false);
        }
        steps.add(c.step());
        progress.accept(new Result(s, steps, i == s.steps() - 1));
      }
    }
    return new Result(s, steps, true);
  }
}
