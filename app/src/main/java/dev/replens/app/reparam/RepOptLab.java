package dev.replens.app.reparam;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.repopt.RepOptComparison;
import dev.replens.engine.train.repopt.ScaleSearch;
import dev.replens.engine.train.run.TrainingJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The RepOptimizer lab's model: trains a small classifier of CSLA blocks and its single-conv RepOpt
 * twin side by side ({@link RepOptComparison}) on the built-in shapes, as a job of the lab's runner
 * (off the FX thread), and hands each snapshot's points to the view on the FX thread.
 *
 * <p>The network: a 3x3 stem of 8 channels, then two CSLA blocks (3x3, 1x1 and identity, each with
 * a scale, then BN and ReLU) of 8 channels, 28×28 gray shapes, batch 16.
 */
public final class RepOptLab extends ReparamLab<RepOptLab.Event, RepOptLab.Point> {

  /** What a job of the lab publishes. */
  sealed interface Event permits Point, MultiplierBuilt, ScalesFound {}

  /** The run's block-0 multiplier, once both models are built. */
  record MultiplierBuilt(KernelSnapshot multiplier) implements Event {}

  /** The hyper-search's scales. */
  record ScalesFound(List<RepOptForm> forms, int steps) implements Event {}

  /** Blocks of the lab's network. */
  static final int DEPTH = 2;

  /** Channels of every block. */
  static final int WIDTH = 8;

  /**
   * What to run.
   *
   * @param sKxK s_c for every channel (hand-set)
   * @param s1x1 s_1 for every channel
   * @param sIdentity s_id for every channel
   * @param searched per-channel scales from a hyper-search, used instead of the hand-set ones if
   *     not null
   * @param kind SGD (lr 0.05, momentum 0.9, weight decay 1e-4) or AdamW (lr 0.01, weight decay
   *     1e-2)
   * @param dtype float32 or float64
   * @param steps steps to train
   * @param clip clip both models' gradients to a global norm of {@code clipNorm}
   * @param clipNorm the norm
   * @param mismatch give the RepOpt model a KxK-only multiplier
   */
  public record Settings(
      double sKxK,
      double s1x1,
      double sIdentity,
      List<RepOptForm> searched,
      OptimizerConfig.Kind kind,
      DataType dtype,
      int steps,
      boolean clip,
      double clipNorm,
      boolean mismatch) {

    public Settings {
      searched = searched == null ? null : List.copyOf(searched);
    }

    /** s_c 1, s_1 0.5, s_id 1, SGD, float64, 100 steps, nothing that breaks the equivalence. */
    public static Settings defaults() {
      return new Settings(
          1.0, 0.5, 1.0, null, OptimizerConfig.Kind.SGD, DataType.DOUBLE, 100, false, 0.2, false);
    }

    public Settings withSteps(int s) {
      return new Settings(
          sKxK, s1x1, sIdentity, searched, kind, dtype, s, clip, clipNorm, mismatch);
    }

    public Settings withKind(OptimizerConfig.Kind k) {
      return new Settings(
          sKxK, s1x1, sIdentity, searched, k, dtype, steps, clip, clipNorm, mismatch);
    }

    public Settings withClip(boolean c) {
      return new Settings(
          sKxK, s1x1, sIdentity, searched, kind, dtype, steps, c, clipNorm, mismatch);
    }

    public Settings withSearched(List<RepOptForm> forms) {
      return new Settings(
          sKxK, s1x1, sIdentity, forms, kind, dtype, steps, clip, clipNorm, mismatch);
    }

    public Settings withMismatch(boolean m) {
      return new Settings(sKxK, s1x1, sIdentity, searched, kind, dtype, steps, clip, clipNorm, m);
    }

    /** The optimizer of {@link #kind}. */
    public OptimizerConfig optimizer() {
      return kind == OptimizerConfig.Kind.SGD
          ? OptimizerConfig.sgd(0.05, 0.9, 1e-4)
          : OptimizerConfig.adamw(0.01, 1e-2);
    }
  }

  /** One step's figures, as the view shows them. */
  public record Point(
      int step, int totalSteps, double maxDifference, double cslaLoss, double repoptLoss)
      implements Event {}

  private final NetworkSpec net;
  private final ReadOnlyObjectWrapper<KernelSnapshot> multiplier =
      new ReadOnlyObjectWrapper<>(this, "multiplier");
  private final ReadOnlyObjectWrapper<List<RepOptForm>> searched =
      new ReadOnlyObjectWrapper<>(this, "searched");
  private Consumer<List<RepOptForm>> searchDone = f -> {};

  /** A lab on the built-in shapes with the bundled CSLA design. */
  public RepOptLab(BlockSpec csla) {
    this(csla, DEPTH, WIDTH);
  }

  /** A lab of {@code depth} CSLA blocks of {@code width} channels (tests use tiny ones). */
  RepOptLab(BlockSpec csla, int depth, int width) {
    super("replens-repopt");
    this.net = new NetworkSpec(csla, depth, width, width, 1, 28, 28, 10);
  }

  /** The network both models are. */
  public NetworkSpec network() {
    return net;
  }

  /** Block 0's gradient multiplier of the current run (the mismatched one if asked). */
  public ReadOnlyObjectProperty<KernelSnapshot> multiplierProperty() {
    return multiplier.getReadOnlyProperty();
  }

  /** The scales of the last hyper-search, or null. */
  public ReadOnlyObjectProperty<List<RepOptForm>> searchedProperty() {
    return searched.getReadOnlyProperty();
  }

  /** The forms (scales) of {@code s}, one per block. */
  List<RepOptForm> forms(Settings s) {
    if (s.searched() != null) {
      return s.searched();
    }
    List<RepOptForm> out = new ArrayList<>();
    for (int i = 0; i < net.depth(); i++) {
      out.add(RepOptForm.of(net.layerBlock(i), s.sKxK(), s.s1x1(), s.sIdentity()));
    }
    return out;
  }

  private TrainConfig config(Settings s) {
    return TrainConfig.defaults(TrainMode.CSLA, s.steps(), 1)
        .withBatchSize(16)
        .withOptimizer(s.optimizer())
        .withMetricsEvery(0)
        .withValidation(0, 16)
        .withDtype(s.dtype());
  }

  /**
   * Block 0's multiplier for {@code s}, computed on a background thread (the first ND4J call loads
   * the native libraries).
   */
  java.util.concurrent.CompletableFuture<KernelSnapshot> previewMultiplier(Settings s) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          RepOptForm f = forms(s).get(0);
          RepOptForm used = s.mismatch() ? f.kxkOnly() : f;
          return KernelSnapshot.of(
              dev.replens.engine.kernel.Kernel.of(
                  used.multipliers(s.kind(), DataType.DOUBLE), used.groups()));
        });
  }

  /** Starts a run (replacing the current one); its points go to the view's update handler. */
  public void start(Settings s) {
    Objects.requireNonNull(s, "settings");
    List<RepOptForm> forms = forms(s);
    RepOptComparison.Options o = RepOptComparison.Options.exact().withMismatch(s.mismatch());
    if (s.clip()) {
      o = o.withClip(s.clipNorm());
    }
    RepOptComparison.Options options = o;
    TrainConfig config = config(s);
    run(
        new TrainingJob<>() {
          private RepOptComparison c;

          @Override
          public void open(Consumer<Event> out) {
            c = RepOptComparison.create(net, config, shapes(), forms, options);
            out.accept(new MultiplierBuilt(c.multiplier(0)));
            RepOptComparison.StepResult r0 = c.measure();
            out.accept(new Point(0, s.steps(), r0.maxKernelDifference(), Double.NaN, Double.NaN));
          }

          @Override
          public void step(Consumer<Event> out) {
            RepOptComparison.StepResult r = c.step();
            out.accept(
                new Point(
                    r.step(), s.steps(), r.maxKernelDifference(), r.cslaLoss(), r.repoptLoss()));
          }

          @Override
          public int stepsDone() {
            return c == null ? 0 : c.steps();
          }

          @Override
          public int totalSteps() {
            return s.steps();
          }

          @Override
          public void close() {
            if (c != null) {
              c.close();
            }
          }
        });
  }

  /**
   * Runs RepOptimizer's hyper-search ({@link ScaleSearch}) for {@code steps} as the lab's job
   * (replacing any run); the result arrives in {@link #searchedProperty} and {@code done}.
   */
  public void search(Settings s, int steps, Consumer<List<RepOptForm>> done) {
    searchDone = Objects.requireNonNull(done, "done");
    List<RepOptForm> start = forms(s.withSearched(null));
    TrainConfig config = config(s);
    run(
        TrainingJob.once(
            p ->
                new ScalesFound(
                    ScaleSearch.run(
                        net,
                        config,
                        shapes(),
                        start,
                        steps,
                        step -> {
                          // Replaced or closed: end the search at its next step.
                          if (Thread.currentThread().isInterrupted()) {
                            throw new CancellationException("the hyper-search was replaced");
                          }
                        }),
                    steps)));
  }

  @Override
  protected List<Point> received(List<Event> events) {
    List<Point> points = new ArrayList<>();
    for (Event e : events) {
      if (e instanceof Point p) {
        points.add(p);
      } else if (e instanceof MultiplierBuilt m) {
        multiplier.set(m.multiplier());
      } else if (e instanceof ScalesFound f) {
        searched.set(f.forms());
        setMessage(
            "Hyper-search: "
                + f.steps()
                + " steps with learnable scales; the scales are now frozen per channel.");
        searchDone.accept(f.forms());
      }
    }
    return points;
  }

  /** Forgets the searched scales (back to hand-set ones). */
  public void clearSearch() {
    searched.set(null);
  }
}
