package dev.replens.engine.train;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.train.run.JobRunner;
import dev.replens.engine.train.run.RunProgress;
import dev.replens.engine.train.run.RunSnapshot;
import dev.replens.engine.train.run.TrainerJob;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training run driven from any thread: start, pause, resume, single-step, stop and reset. It is a
 * {@link TrainerJob} on a {@link JobRunner}: the training runs on one dedicated trainer thread
 * (SameDiff keeps a session per thread, and one thread leaves the other core to the UI), the
 * control methods return at once, and {@link TrainingListener}s hear every step, validation,
 * divergence and state change on that thread, as immutable values, unthrottled. A UI that wants
 * throttled snapshots instead runs a {@link TrainerJob} on a {@link JobRunner} of its own.
 *
 * <p>States: {@code IDLE} (built, no step yet) → {@code RUNNING} ⇄ {@code PAUSED} → {@code
 * FINISHED} (all steps done), {@code STOPPED} (by {@link #stop}) or {@code FAILED} (divergence or
 * error). {@link #reset} returns to {@code IDLE} with fresh weights from the same seed, on a new
 * trainer thread once the old one has ended. {@link #close} ends the thread.
 */
public final class TrainingRun implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

  /** The states of a run. */
  public enum State {
    IDLE,
    RUNNING,
    PAUSED,
    FINISHED,
    STOPPED,
    FAILED;

    /** Whether the run has ended and only a reset can continue it. */
    public boolean ended() {
      return this == FINISHED || this == STOPPED || this == FAILED;
    }
  }

  /**
   * A run's progress.
   *
   * @param state the state
   * @param step steps taken
   * @param totalSteps steps the run takes
   * @param stepsPerSecond recent speed (exponential average), 0 before the second step
   * @param eta estimated time to finish, or null if unknown
   * @param message what happened last, in plain words (e.g. why it failed), or null
   */
  public record Status(
      State state, int step, int totalSteps, double stepsPerSecond, Duration eta, String message) {

    /** The fraction done, 0..1. */
    public double progress() {
      return totalSteps == 0 ? 1 : Math.min(1.0, (double) step / totalSteps);
    }
  }

  /** Builds the trainer; called on the trainer thread. */
  @FunctionalInterface
  public interface TrainerFactory {
    Trainer create(TrainConfig config);
  }

  private final TrainerFactory factory;
  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private final Object monitor = new Object();
  private final TrainingListener fanOut =
      new TrainingListener() {
        @Override
        public void onStep(StepMetrics step) {
          for (TrainingListener l : listeners) {
            safely(() -> l.onStep(step));
          }
        }

        @Override
        public void onValidation(ValidationMetrics validation) {
          for (TrainingListener l : listeners) {
            safely(() -> l.onValidation(validation));
          }
        }

        @Override
        public void onDiverged(TrainingDivergedException divergence) {
          for (TrainingListener l : listeners) {
            safely(() -> l.onDiverged(divergence));
          }
        }
      };

  // Guarded by monitor.
  private TrainConfig config;
  private TrainerJob job;
  private JobRunner<TrainerJob.Report> runner;
  private volatile Status status;

  /** A run of {@code net} on {@code data}; nothing is built until the first start or step. */
  public TrainingRun(NetworkSpec net, TrainConfig config, DatasetSplit data) {
    this(c -> Trainer.create(net, c, data), config);
  }

  /** A run whose trainer {@code factory} builds (on the trainer thread). */
  public TrainingRun(TrainerFactory factory, TrainConfig config) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.config = Objects.requireNonNull(config, "config");
    this.status = new Status(State.IDLE, 0, config.steps(), 0, null, null);
    synchronized (monitor) {
      load(null);
    }
  }

  /** Adds a listener (called on the trainer thread). */
  public void addListener(TrainingListener l) {
    listeners.add(l);
  }

  /** Removes a listener. */
  public void removeListener(TrainingListener l) {
    listeners.remove(l);
  }

  /** Starts or resumes training. Returns at once. */
  public void start() {
    runner().start();
  }

  /** Same as {@link #start}. */
  public void resume() {
    start();
  }

  /** Pauses after the current step. Returns at once. */
  public void pause() {
    runner().pause();
  }

  /** Takes exactly one step if the run is idle or paused, then pauses. Returns at once. */
  public void step() {
    runner().step();
  }

  /** Stops after the current step; the weights stay available. Returns at once. */
  public void stop() {
    runner().stop();
  }

  /** Discards the weights and returns to step 0 (same seed, same configuration). */
  public void reset() {
    reset(null);
  }

  /**
   * Discards the weights and returns to step 0 with another configuration (mode, optimizer...), or
   * the same one if null. The {@code IDLE} status reaches listeners on the caller's thread.
   */
  public void reset(TrainConfig newConfig) {
    Status idle;
    synchronized (monitor) {
      if (newConfig != null) {
        config = newConfig;
      }
      JobRunner<TrainerJob.Report> old = runner;
      old.close();
      load(old);
      idle = new Status(State.IDLE, 0, config.steps(), 0, null, null);
      status = idle;
      monitor.notifyAll();
    }
    for (TrainingListener l : listeners) {
      safely(() -> l.onStatus(idle));
    }
  }

  /** The latest status. */
  public Status status() {
    return status;
  }

  /**
   * Runs {@code f} with the trainer on the trainer thread, between steps; the trainer is built
   * first if needed. Use it to read the state, change the learning rate or add a hook.
   */
  public <T> CompletableFuture<T> submit(Function<Trainer, T> f) {
    TrainerJob j;
    JobRunner<TrainerJob.Report> r;
    synchronized (monitor) {
      j = job;
      r = runner;
    }
    return r.submit(() -> f.apply(j.trainer()));
  }

  /**
   * A copy of the current weights: after a divergence, the last good ones. Completes on the trainer
   * thread between steps.
   */
  public CompletableFuture<ModelState> snapshot() {
    return submit(Trainer::state);
  }

  /** Waits until the run has ended or the time is up; returns the status then. */
  public Status awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      while (!status.state().ended()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
      return status;
    }
  }

  /** Ends the trainer thread (after its current step). */
  @Override
  public void close() {
    JobRunner<TrainerJob.Report> r = runner();
    r.close();
    try {
      if (!r.awaitTermination(Duration.ofSeconds(60))) {
        LOG.warn("the trainer thread has not ended after a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JobRunner<TrainerJob.Report> runner() {
    synchronized (monitor) {
      return runner;
    }
  }

  /** A fresh job and its runner, after {@code previous}. Holds the monitor. */
  private void load(JobRunner<?> previous) {
    TrainConfig c = config;
    TrainerJob j = new TrainerJob(() -> factory.create(c), c).addListener(fanOut);
    job = j;
    runner =
        JobRunner.of("replens-trainer", j)
            .deliverTo(s -> report(j, s), Runnable::run)
            .unthrottled()
            .keepAfterEnd()
            .after(previous)
            .build();
  }

  /** Every change of {@code from}'s run, as it happens (on the thread that made it). */
  private void report(TrainerJob from, RunSnapshot<TrainerJob.Report> s) {
    Status next;
    synchronized (monitor) {
      if (from != job) {
        return;
      }
      next = status(s, status);
      status = next;
      monitor.notifyAll();
    }
    for (TrainingListener l : listeners) {
      safely(() -> l.onStatus(next));
    }
  }

  private static Status status(RunSnapshot<?> s, Status before) {
    RunProgress p = s.progress();
    State state =
        switch (s.state()) {
          case IDLE -> State.IDLE;
          case RUNNING -> State.RUNNING;
          case PAUSED -> State.PAUSED;
          case FINISHED -> State.FINISHED;
          case STOPPED, CANCELLED -> State.STOPPED;
          case FAILED -> State.FAILED;
        };
    String message =
        switch (s.state()) {
          case FINISHED -> "finished " + p.step() + " steps";
          case STOPPED -> "stopped at step " + p.step();
          case FAILED -> s.failure().diverged() ? s.failure().message() : s.failure().describe();
          default -> before.message();
        };
    return new Status(state, p.step(), p.totalSteps(), p.stepsPerSecond(), p.eta(), message);
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("a training listener failed", e);
    }
  }
}
