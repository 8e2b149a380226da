package dev.replens.engine.train;

import dev.replens.engine.data.DatasetSplit;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training run a UI can drive: start, pause, resume, single-step, stop and reset, from any
 * thread. The training itself runs on one dedicated trainer thread (SameDiff keeps a session per
 * thread, and one thread leaves the other core to the UI); the control methods only post a command
 * and return at once. Measurements reach {@link TrainingListener}s on the trainer thread as
 * immutable values.
 *
 * <p>States: {@code IDLE} (built, no step yet) → {@code RUNNING} ⇄ {@code PAUSED} → {@code
 * FINISHED} (all steps done), {@code STOPPED} (by {@link #stop}) or {@code FAILED} (divergence or
 * error). {@link #reset} returns to {@code IDLE} with fresh weights from the same seed. {@link
 * #close} ends the thread.
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

  private enum Kind {
    START,
    PAUSE,
    STEP,
    STOP,
    RESET,
    TASK,
    CLOSE
  }

  private record Command(Kind kind, Runnable task, TrainConfig config) {}

  private final TrainerFactory factory;
  private final BlockingQueue<Command> queue = new LinkedBlockingQueue<>();
  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final Object monitor = new Object();

  private volatile Status status;
  private TrainConfig config;
  private Trainer trainer;
  private double stepsPerSecond;
  private long lastStepEnd;

  /** A run of {@code net} on {@code data}; nothing is built until the first start or step. */
  public TrainingRun(NetworkSpec net, TrainConfig config, DatasetSplit data) {
    this(c -> Trainer.create(net, c, data), config);
  }

  /** A run whose trainer {@code factory} builds (on the trainer thread). */
  public TrainingRun(TrainerFactory factory, TrainConfig config) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.config = Objects.requireNonNull(config, "config");
    this.status = new Status(State.IDLE, 0, config.steps(), 0, null, null);
    this.thread = new Thread(this::loop, "replens-trainer");
    thread.setDaemon(true);
    thread.start();
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
    queue.add(new Command(Kind.START, null, null));
  }

  /** Same as {@link #start}. */
  public void resume() {
    start();
  }

  /** Pauses after the current step. Returns at once. */
  public void pause() {
    queue.add(new Command(Kind.PAUSE, null, null));
  }

  /** Takes exactly one step if the run is idle or paused, then pauses. Returns at once. */
  public void step() {
    queue.add(new Command(Kind.STEP, null, null));
  }

  /** Stops after the current step; the weights stay available. Returns at once. */
  public void stop() {
    queue.add(new Command(Kind.STOP, null, null));
  }

  /** Discards the weights and returns to step 0 (same seed, same configuration). */
  public void reset() {
    queue.add(new Command(Kind.RESET, null, null));
  }

  /** Discards the weights and returns to step 0 with another configuration (mode, optimizer...). */
  public void reset(TrainConfig newConfig) {
    queue.add(new Command(Kind.RESET, null, Objects.requireNonNull(newConfig)));
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
    CompletableFuture<T> result = new CompletableFuture<>();
    queue.add(
        new Command(
            Kind.TASK,
            () -> {
              try {
                result.complete(f.apply(ensureTrainer()));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            },
            null));
    return result;
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
    queue.add(new Command(Kind.CLOSE, null, null));
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    try {
      while (true) {
        Command c = status.state() == State.RUNNING ? queue.poll() : queue.take();
        if (c != null) {
          if (c.kind() == Kind.CLOSE) {
            closeTrainer();
            return;
          }
          handle(c);
          continue;
        }
        if (status.state() == State.RUNNING) {
          doStep(false);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeTrainer();
    }
  }

  private void handle(Command c) {
    State s = status.state();
    switch (c.kind()) {
      case START -> {
        if (s == State.IDLE || s == State.PAUSED) {
          if (build()) {
            lastStepEnd = 0;
            publish(State.RUNNING, null);
          }
        }
      }
      case PAUSE -> {
        if (s == State.RUNNING) {
          publish(State.PAUSED, null);
        }
      }
      case STEP -> {
        if ((s == State.IDLE || s == State.PAUSED) && build()) {
          lastStepEnd = 0;
          doStep(true);
        }
      }
      case STOP -> {
        if (!s.ended()) {
          publish(State.STOPPED, "stopped at step " + steps());
        }
      }
      case RESET -> {
        closeTrainer();
        if (c.config() != null) {
          config = c.config();
        }
        stepsPerSecond = 0;
        status = new Status(State.IDLE, 0, config.steps(), 0, null, null);
        notifyStatus();
      }
      case TASK -> c.task().run();
      case CLOSE -> {}
    }
  }

  private boolean build() {
    try {
      ensureTrainer();
      return true;
    } catch (RuntimeException e) {
      LOG.warn("could not build the trainer", e);
      publish(State.FAILED, e.getMessage());
      return false;
    }
  }

  private Trainer ensureTrainer() {
    if (trainer == null) {
      trainer = factory.create(config);
    }
    return trainer;
  }

  private void doStep(boolean single) {
    if (trainer.steps() >= config.steps()) {
      publish(State.FINISHED, "finished " + trainer.steps() + " steps");
      return;
    }
    try {
      StepMetrics m = trainer.step();
      long now = System.nanoTime();
      if (lastStepEnd != 0) {
        double sps = 1e9 / (now - lastStepEnd);
        stepsPerSecond = stepsPerSecond == 0 ? sps : 0.8 * stepsPerSecond + 0.2 * sps;
      }
      lastStepEnd = now;
      for (TrainingListener l : listeners) {
        safely(() -> l.onStep(m));
      }
      int every = config.validateEvery();
      if ((every > 0 && m.step() % every == 0) || m.step() == config.steps()) {
        ValidationMetrics v = trainer.validate();
        for (TrainingListener l : listeners) {
          safely(() -> l.onValidation(v));
        }
      }
      if (trainer.steps() >= config.steps()) {
        publish(State.FINISHED, "finished " + trainer.steps() + " steps");
      } else {
        publish(single ? State.PAUSED : status.state(), null);
      }
    } catch (TrainingDivergedException e) {
      for (TrainingListener l : listeners) {
        safely(() -> l.onDiverged(e));
      }
      publish(State.FAILED, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("training failed at step {}", steps() + 1, e);
      publish(State.FAILED, "step " + (steps() + 1) + " failed: " + e.getMessage());
    }
  }

  private int steps() {
    return trainer == null ? 0 : trainer.steps();
  }

  private void publish(State s, String message) {
    int step = steps();
    Duration eta =
        stepsPerSecond > 0 && !s.ended()
            ? Duration.ofMillis((long) (1000 * (config.steps() - step) / stepsPerSecond))
            : null;
    status =
        new Status(
            s,
            step,
            config.steps(),
            stepsPerSecond,
            eta,
            message == null ? status.message() : message);
    notifyStatus();
  }

  private void notifyStatus() {
    synchronized (monitor) {
      monitor.notifyAll();
    }
    Status s = status;
    for (TrainingListener l : listeners) {
      safely(() -> l.onStatus(s));
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("a training listener failed", e);
    }
  }

  private void closeTrainer() {
    if (trainer != null) {
      trainer.close();
      trainer = null;
    }
  }
}
