package dev.replens.engine.train.run;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingDivergedException;
import dev.replens.engine.train.TrainingListener;
import dev.replens.engine.train.ValidationMetrics;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job of training one {@link Trainer}: each step is a trainer step, followed by a validation
 * pass every {@link TrainConfig#validateEvery()} steps and after the last. Each step publishes a
 * {@link Report}; {@link TrainingListener}s also hear every step, validation and divergence, on the
 * runner's thread, as the engine produced them.
 *
 * <p>The trainer is built in {@link #open} (on the runner's thread) and closed in {@link #close};
 * after a divergence it keeps the last good weights, which {@link #state()} copies.
 */
public final class TrainerJob implements TrainingJob<TrainerJob.Report> {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerJob.class);

  /**
   * What one step measured.
   *
   * @param step the step's metrics
   * @param validation the validation pass after it, or null if none was due
   */
  public record Report(StepMetrics step, ValidationMetrics validation) {

    public Report {
      Objects.requireNonNull(step, "step");
    }
  }

  private final Supplier<Trainer> factory;
  private final TrainConfig config;
  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private Trainer trainer;

  /** Trains {@code net} on {@code data} as {@code config} says. */
  public TrainerJob(NetworkSpec net, TrainConfig config, DatasetSplit data) {
    this(() -> Trainer.create(net, config, data), config);
  }

  /** Trains the trainer {@code factory} builds (on the runner's thread) for {@code config}. */
  public TrainerJob(Supplier<Trainer> factory, TrainConfig config) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Also tells {@code l} every step, validation and divergence (on the runner's thread). */
  public TrainerJob addListener(TrainingListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
    return this;
  }

  /** The configuration trained. */
  public TrainConfig config() {
    return config;
  }

  @Override
  public void open(Consumer<Report> out) {
    trainer = factory.get();
  }

  @Override
  public void step(Consumer<Report> out) {
    StepMetrics m;
    try {
      m = trainer.step();
    } catch (TrainingDivergedException e) {
      for (TrainingListener l : listeners) {
        safely(() -> l.onDiverged(e));
      }
      throw e;
    }
    for (TrainingListener l : listeners) {
      safely(() -> l.onStep(m));
    }
    ValidationMetrics v = null;
    int every = config.validateEvery();
    if ((every > 0 && m.step() % every == 0) || m.step() == config.steps()) {
      ValidationMetrics val = trainer.validate();
      for (TrainingListener l : listeners) {
        safely(() -> l.onValidation(val));
      }
      v = val;
    }
    out.accept(new Report(m, v));
  }

  @Override
  public int stepsDone() {
    return trainer == null ? 0 : trainer.steps();
  }

  @Override
  public int totalSteps() {
    return config.steps();
  }

  /** The trainer (runner's thread only), or null before {@link #open}. */
  public Trainer trainer() {
    return trainer;
  }

  /** A copy of the weights now: after a divergence, the last good ones. Runner's thread only. */
  public ModelState state() {
    if (trainer == null) {
      throw new IllegalStateException("the trainer is not built yet");
    }
    return trainer.state();
  }

  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
      trainer = null;
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("a training listener failed", e);
    }
  }
}
