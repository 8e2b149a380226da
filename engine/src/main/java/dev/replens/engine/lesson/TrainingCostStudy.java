package dev.replens.engine.lesson;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.BlockMetrics;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * OREPA's two claims, measured on short real trainings of the lesson's block [OREPA: Hu et al.,
 * "Online Convolutional Re-parameterization", CVPR 2022]:
 *
 * <ol>
 *   <li><b>Training cost.</b> The same block trained offline (every branch computed on the feature
 *       map, {@link TrainMode#OFFLINE}) and online (the branches squeezed into one kernel inside
 *       the graph, one conv per step, {@link TrainMode#ONLINE}): milliseconds per step and the
 *       bytes of arrays one step uses. The two runs compute the same function, so their losses
 *       agree to round-off.
 *   <li><b>Why the scaling layers matter.</b> The branch similarity of {@link BlockMetrics}: the
 *       mean over branch pairs of {@code cos(d_a, d_b)}, where {@code d_b} is branch b's gradient
 *       mapped into the fused kernel's space, for the block as designed and for the block with its
 *       branch-wise scales removed ({@link LessonTraining#withoutScaling}). Without scales a branch
 *       that is one linear layer gets the fused kernel's own gradient, so the branches move alike
 *       (OREPA, Sec. 3: the scaling layers diversify the branches' optimization).
 * </ol>
 *
 * <p>Runs on the calling thread (a trainer is confined to the thread that creates it): call it from
 * a background thread. Three trainers are built one after the other and closed when done.
 */
public final class TrainingCostStudy {

  /** Steps left out of the per-step figures: the first builds SameDiff's session. */
  public static final int WARM_UP = 2;

  /**
   * What to run.
   *
   * @param width every layer's channels
   * @param steps optimizer steps per run
   * @param batchSize images per step
   * @param analyzeEvery compute the branch similarity every this many steps
   * @param seed weights, batches and data
   */
  public record Settings(int width, int steps, int batchSize, int analyzeEvery, long seed) {
    public Settings {
      if (width < 1 || steps <= WARM_UP || batchSize < 1 || analyzeEvery < 1) {
        throw new IllegalArgumentException(
            "width, batch and analysis interval must be positive and steps more than "
                + WARM_UP
                + " (width "
                + width
                + ", steps "
                + steps
                + ", batch "
                + batchSize
                + ", analyze every "
                + analyzeEvery
                + ")");
      }
    }

    /** Width 8, 16 steps, batch 16, similarity every 2 steps, seed 1. */
    public static Settings defaults() {
      return new Settings(8, 16, 16, 2, 1);
    }

    public Settings withWidth(int w) {
      return new Settings(w, steps, batchSize, analyzeEvery, seed);
    }
  }

  /** Which run a step belongs to. */
  public enum Run {
    OFFLINE("offline (multi-branch)"),
    ONLINE("online (squeezed)"),
    ONLINE_UNSCALED("online, no scaling layers");

    private final String title;

    Run(String title) {
      this.title = title;
    }

    /** For charts and tables. */
    public String title() {
      return title;
    }
  }

  /**
   * One measured step.
   *
   * @param run the run
   * @param step the step (1-based)
   * @param millis forward, backward and update
   * @param workingSetBytes the arrays one step of the graph uses
   * @param processBytes the process's resident set after the step
   * @param loss the batch loss before the update
   * @param similarity the mean pairwise branch gradient cosine, NaN on steps without analysis
   */
  public record Point(
      Run run,
      int step,
      double millis,
      long workingSetBytes,
      long processBytes,
      double loss,
      double similarity) {}

  /**
   * What was measured so far.
   *
   * @param settings the settings
   * @param points every step of every run, in the order measured
   * @param done whether all three runs finished
   */
  public record Result(Settings settings, List<Point> points, boolean done) {
    public Result {
      Objects.requireNonNull(settings, "settings");
      points = List.copyOf(points);
    }

    /** The steps of one run. */
    public List<Point> of(Run run) {
      return points.stream().filter(p -> p.run() == run).toList();
    }

    /** The median milliseconds per step of a run, warm-up left out; NaN before it has any. */
    public double medianMillis(Run run) {
      double[] ms =
          of(run).stream().filter(p -> p.step() > WARM_UP).mapToDouble(Point::millis).toArray();
      if (ms.length == 0) {
        return Double.NaN;
      }
      Arrays.sort(ms);
      return ms.length % 2 == 1
          ? ms[ms.length / 2]
          : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }

    /** The bytes of arrays one step of a run uses (its last step's), or 0 before it has any. */
    public long workingSetBytes(Run run) {
      List<Point> p = of(run);
      return p.isEmpty() ? 0 : p.get(p.size() - 1).workingSetBytes();
    }

    /** The mean of a run's branch-similarity samples, NaN if none. */
    public double meanSimilarity(Run run) {
      return of(run).stream()
          .mapToDouble(Point::similarity)
          .filter(Double::isFinite)
          .average()
          .orElse(Double.NaN);
    }

    /** The largest difference between the offline and online losses at the same step. */
    public double maxLossDifference() {
      List<Point> a = of(Run.OFFLINE);
      List<Point> b = of(Run.ONLINE);
      double max = 0;
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        max = Math.max(max, Math.abs(a.get(i).loss() - b.get(i).loss()));
      }
      return max;
    }
  }

  private TrainingCostStudy() {}

  /**
   * Runs the three trainings of a one-block network of {@code design} on the lesson shapes.
   *
   * @param progress told the result so far after every step (on this thread)
   * @throws IllegalArgumentException if the block can't be trained online or without its scales
   */
  public static Result run(BlockSpec design, Settings s, Consumer<Result> progress) {
    DatasetSplit data = LessonTraining.shapes(Math.max(64, s.batchSize() * 4), 16, s.seed());
    List<Point> points = new ArrayList<>();
    BlockSpec unscaled = LessonTraining.withoutScaling(design);
    for (Run run : Run.values()) {
      BlockSpec block = run == Run.ONLINE_UNSCALED ? unscaled : design;
      TrainMode mode = run == Run.OFFLINE ? TrainMode.OFFLINE : TrainMode.ONLINE;
      NetworkSpec net = LessonTraining.network(block, s.width(), 1);
      TrainConfig cfg =
          TrainConfig.defaults(mode, s.steps(), s.seed())
              .withBatchSize(s.batchSize())
              .withMetricsEvery(0)
              .withValidation(0, 16)
              .withGcEvery(0);
      try (Trainer t = Trainer.create(net, cfg, data)) {
        for (int i = 1; i <= s.steps(); i++) {
          if (Thread.currentThread().isInterrupted()) {
            return new Result(s, points, false);
          }
          StepMetrics m = t.step(i % s.analyzeEvery() == 0);
          double sim = m.blocks().isEmpty() ? Double.NaN : meanPairCosine(m.blocks().get(0));
          points.add(
              new Point(
                  run,
                  m.step(),
                  m.stepMillis(),
                  m.memory().stepWorkingSetBytes(),
                  m.memory().processBytes(),
                  m.loss(),
                  sim));
          progress.accept(new Result(s, points, false));
        }
      }
    }
    Result r = new Result(s, points, true);
    progress.accept(r);
    return r;
  }

  /** The mean of {@code cos(d_a, d_b)} over every pair of branches a ≠ b. */
  public static double meanPairCosine(BlockMetrics m) {
    int n = m.branches().size();
    double sum = 0;
    int pairs = 0;
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        double c = m.gradientCosine(a, b);
        if (Double.isFinite(c)) {
          sum += c;
          pairs++;
        }
      }
    }
    return pairs == 0 ? Double.NaN : sum / pairs;
  }
}
