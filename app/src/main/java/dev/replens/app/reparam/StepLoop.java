package dev.replens.app.reparam;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a training job step by step on one daemon thread of its own, so that the job's trainers
 * (confined to the thread that built them) never meet the FX thread. Control methods may be called
 * from any thread and return at once; the state is reported to a callback on the loop's thread.
 *
 * <p>Order: {@link #start} (the factory builds the job on the loop's thread) → {@link #pause} /
 * {@link #resume} → the job finishes, or {@link #stop}. {@link #start} again replaces the job.
 */
final class StepLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StepLoop.class);

  /** A job: steps until it says it is done. */
  interface Job extends AutoCloseable {
    /** One step; false when the job has finished. */
    boolean step();

    @Override
    void close();
  }

  /** The loop's states. */
  enum State {
    IDLE,
    RUNNING,
    PAUSED,
    FINISHED,
    STOPPED,
    FAILED;

    boolean active() {
      return this == RUNNING || this == PAUSED;
    }
  }

  private final String name;
  private final Consumer<State> onState;
  private final Consumer<String> onFailure;
  private final Object lock = new Object();
  private Thread thread;
  private boolean paused;
  private boolean stopRequested;

  /**
   * @param onState told every state change, on the loop's thread
   * @param onFailure told the message of an exception that ended the job, on the loop's thread
   */
  StepLoop(String name, Consumer<State> onState, Consumer<String> onFailure) {
    this.name = name;
    this.onState = onState;
    this.onFailure = onFailure;
  }

  /** Stops the current job, if any, and starts a new one built by {@code factory}. */
  void start(Supplier<Job> factory) {
    stop();
    synchronized (lock) {
      paused = false;
      stopRequested = false;
      thread = new Thread(() -> loop(factory), name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void loop(Supplier<Job> factory) {
    onState.accept(State.RUNNING);
    State end = State.FINISHED;
    try (Job job = factory.get()) {
      while (true) {
        synchronized (lock) {
          while (paused && !stopRequested) {
            lock.wait();
          }
          if (stopRequested) {
            end = State.STOPPED;
            break;
          }
        }
        if (!job.step()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end = State.STOPPED;
    } catch (RuntimeException e) {
      LOG.warn("{} failed", name, e);
      onFailure.accept(e.getMessage() == null ? e.toString() : e.getMessage());
      end = State.FAILED;
    }
    onState.accept(end);
  }

  /** Pauses after the current step. */
  void pause() {
    synchronized (lock) {
      if (thread != null && thread.isAlive()) {
        paused = true;
        onState.accept(State.PAUSED);
      }
    }
  }

  /** Resumes a paused job. */
  void resume() {
    synchronized (lock) {
      if (paused) {
        paused = false;
        lock.notifyAll();
        onState.accept(State.RUNNING);
      }
    }
  }

  /** Stops the job after its current step and waits for the thread (up to 30 s). */
  void stop() {
    Thread t;
    synchronized (lock) {
      t = thread;
      stopRequested = true;
      paused = false;
      lock.notifyAll();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
