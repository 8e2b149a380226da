package dev.replens.engine.lesson;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingForms;
import dev.replens.engine.train.dyrep.DyRep;
import dev.replens.engine.train.dyrep.DyRepConfig;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.train.dyrep.StructureFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The DyRep lesson's run: a network of two plain KxK conv + BN blocks (the plain form of the
 * lesson's design) trained with {@link DyRep} attached, which every {@code interval} steps grows
 * the most salient plain block into DyRep's multi-branch block and cuts branches whose BN weight
 * fell [DyRep: Huang et al., "DyRep: Bootstrapping Training with Dynamic Re-parameterization", CVPR
 * 2022]. Every grow and cut keeps the block's eval-mode function; the events record by how much the
 * output moved.
 *
 * <p>The cut rule's spread gate is 0.005 instead of the reference's 0.02, which is meant for
 * adjustments epochs apart: after a few steps the new branches' γ have only begun to separate.
 *
 * <p>Runs on the calling thread (the trainer is confined to it): call it from a background thread.
 */
public final class DyRepStudy {

  /**
   * What to run.
   *
   * @param steps optimizer steps
   * @param interval adjust the structure every this many steps
   * @param cutThreshold cut a branch whose weight is below this (and below its block's mean)
   * @param seed weights and batches
   */
  public record Settings(int steps, int interval, double cutThreshold, long seed) {
    public Settings {
      if (steps < 1 || interval < 1 || !(cutThreshold >= 0)) {
        throw new IllegalArgumentException(
            "steps and interval must be positive and the threshold not negative (steps "
                + steps
                + ", interval "
                + interval
                + ", threshold "
                + cutThreshold
                + ")");
      }
    }

    /**
     * 24 steps, an adjustment every 4, threshold 0.1 (the reference's), seed 1: on the lesson
     * shapes both layers grow and then lose branches.
     */
    public static Settings defaults() {
      return new Settings(24, 4, 0.1, 1);
    }

    public Settings withCutThreshold(double t) {
      return new Settings(steps, interval, t, seed);
    }
  }

  /**
   * What happened so far.
   *
   * @param settings the settings
   * @param losses the loss of every step so far
   * @param events every grow and cut so far
   * @param frames the structure at the start and after every change
   * @param note DyRep's note when the saliency cancelled out to round-off, or empty
   * @param done whether the run finished
   */
  public record Result(
      Settings settings,
      List<Double> losses,
      List<DyRepEvent> events,
      List<StructureFrame> frames,
      String note,
      boolean done) {
    public Result {
      Objects.requireNonNull(settings, "settings");
      losses = List.copyOf(losses);
      events = List.copyOf(events);
      frames = List.copyOf(frames);
      note = note == null ? "" : note;
    }

    /** The number of branches of every layer in the last frame. */
    public List<Integer> branchCounts() {
      if (frames.isEmpty()) {
        return List.of();
      }
      return frames.get(frames.size() - 1).blocks().stream().map(b -> b.branches().size()).toList();
    }

    /** The largest output change any event caused, 0 without events. */
    public double maxOutputChange() {
      return events.stream().mapToDouble(DyRepEvent::outputChange).max().orElse(0);
    }
  }

  private DyRepStudy() {}

  /** The network the lesson trains: two plain copies of {@code design}, 8 channels wide. */
  public static NetworkSpec network(BlockSpec design) {
    return LessonTraining.network(TrainingForms.plain(design), 8, 2);
  }

  /**
   * Trains with DyRep attached.
   *
   * @param progress told the result so far after every step (on this thread)
   */
  public static Result run(BlockSpec design, Settings s, Consumer<Result> progress) {
    NetworkSpec net = network(design);
    DatasetSplit data = LessonTraining.shapes(320, 32, 5);
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.OFFLINE, s.steps(), s.seed())
            .withBatchSize(16)
            .withOptimizer(OptimizerConfig.sgd(0.05, 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 32)
            .withGcEvery(0);
    DyRep d = new DyRep(DyRepConfig.defaults(s.interval()).withCut(s.cutThreshold(), 0.005));
    List<Double> losses = new ArrayList<>();
    try (Trainer t = Trainer.create(net, cfg, data)) {
      d.attach(t);
      progress.accept(result(s, losses, d, false));
      for (int i = 0; i < s.steps(); i++) {
        if (Thread.currentThread().isInterrupted()) {
          return result(s, losses, d, false);
        }
        StepMetrics m = t.step(false);
        losses.add(m.loss());
        d.afterStep(t);
        progress.accept(result(s, losses, d, i == s.steps() - 1));
      }
    }
    return result(s, losses, d, true);
  }

  private static Result result(Settings s, List<Double> losses, DyRep d, boolean done) {
    Optional<String> note = d.roundOffNote();
    return new Result(s, losses, d.events(), d.frames(), note.orElse(""), done);
  }
}
