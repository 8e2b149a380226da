package dev.replens.app.run;

import dev.replens.engine.train.run.Coalescing;
import dev.replens.engine.train.run.JobRunner;
import dev.replens.engine.train.run.RunFailure;
import dev.replens.engine.train.run.RunProgress;
import dev.replens.engine.train.run.RunSnapshot;
import dev.replens.engine.train.run.RunState;
import dev.replens.engine.train.run.TrainingJob;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The FX side of a {@link JobRunner}: runs one job at a time off the FX thread, each on a thread of
 * its own, and delivers its snapshots on the FX thread, at most {@code perSecond} a second and
 * coalesced as its {@link Coalescing} says. The current job's state, progress and failure are
 * read-only properties. Loading a job cancels the one before (nothing of it is delivered any more),
 * and the new job is opened only once the old one's thread has freed it.
 *
 * <p>Order of calls, all on the FX thread: {@link #setOnSnapshot} → {@link #load} (or {@link
 * #start(TrainingJob)}, {@link #step(TrainingJob)}) → {@link #start()}, {@link #pause}, {@link
 * #step()}, {@link #stop}, {@link #cancel}, {@link #submit} as the user asks → {@link #load} the
 * next job, or {@link #close}.
 *
 * <p>On every snapshot, in this order: the handler gets it (with the updates since the one before),
 * then the progress, failure and state properties change, so that a state listener sees every
 * update of the run already handled.
 *
 * @param <U> what the jobs publish
 */
public final class FxRunner<U> implements AutoCloseable {

  private final String threadName;
  private final int perSecond;
  private final Coalescing coalescing;
  private final boolean keepAfterEnd;
  private final ReadOnlyObjectWrapper<RunState> state =
      new ReadOnlyObjectWrapper<>(this, "state", RunState.IDLE);
  private final ReadOnlyObjectWrapper<RunProgress> progress =
      new ReadOnlyObjectWrapper<>(this, "progress");
  private final ReadOnlyObjectWrapper<RunFailure> failure =
      new ReadOnlyObjectWrapper<>(this, "failure");
  private Consumer<? super RunSnapshot<U>> onSnapshot = s -> {};
  private JobRunner<U> runner;
  private Object current;

  /**
   * @param threadName the name of every job's thread
   * @param perSecond snapshots a second at most
   * @param coalescing what a snapshot keeps of the updates since the one before
   * @param keepAfterEnd keep an ended job (and its thread) for {@link #submit}, until the next job
   *     or {@link #close}
   */
  public FxRunner(String threadName, int perSecond, Coalescing coalescing, boolean keepAfterEnd) {
    this.threadName = Objects.requireNonNull(threadName, "threadName");
    this.perSecond = perSecond;
    this.coalescing = Objects.requireNonNull(coalescing, "coalescing");
    this.keepAfterEnd = keepAfterEnd;
  }

  /**
   * A runner for views that show a cumulative result: each snapshot's newest update goes to {@code
   * show}, a failure to {@code failed}, at most {@code perSecond} times a second; the final result
   * always arrives.
   */
  public static <U> FxRunner<U> showingLatest(
      String threadName, int perSecond, Consumer<U> show, Consumer<RunFailure> failed) {
    FxRunner<U> r = new FxRunner<>(threadName, perSecond, Coalescing.LATEST, false);
    r.setOnSnapshot(
        s -> {
          if (s.latest() != null) {
            show.accept(s.latest());
          }
          if (s.failure() != null) {
            failed.accept(s.failure());
          }
        });
    return r;
  }

  /** Where the current job's snapshots go (FX thread). */
  public void setOnSnapshot(Consumer<? super RunSnapshot<U>> handler) {
    this.onSnapshot = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Makes {@code job} the current one, idle: the job before is cancelled (or let go if it has
   * ended) and its thread ends in the background; the new job opens once it has.
   */
  public void load(TrainingJob<U> job) {
    Objects.requireNonNull(job, "job");
    JobRunner<U> previous = runner;
    if (previous != null) {
      previous.close();
    }
    Object token = new Object();
    current = token;
    JobRunner.Builder<U> b =
        JobRunner.of(threadName, job)
            .deliverTo(
                s -> {
                  if (current == token) {
                    apply(s);
                  }
                },
                Platform::runLater)
            .atMost(perSecond)
            .coalescing(coalescing)
            .after(previous);
    runner = keepAfterEnd ? b.keepAfterEnd().build() : b.build();
    failure.set(null);
    progress.set(RunProgress.start(job.totalSteps()));
    state.set(RunState.IDLE);
  }

  /** Loads {@code job} and starts it. */
  public void start(TrainingJob<U> job) {
    load(job);
    start();
  }

  /** Loads {@code job} and takes its first step, then pauses. */
  public void step(TrainingJob<U> job) {
    load(job);
    step();
  }

  /** Starts or resumes the current job. */
  public void start() {
    if (runner != null) {
      runner.start();
    }
  }

  /** Pauses the current job after its step. */
  public void pause() {
    if (runner != null) {
      runner.pause();
    }
  }

  /** Takes one step of the current job if it is idle or paused. */
  public void step() {
    if (runner != null) {
      runner.step();
    }
  }

  /** Stops the current job after its step; its results stay. */
  public void stop() {
    if (runner != null) {
      runner.stop();
    }
  }

  /** Abandons the current job: the state is {@code CANCELLED} at once, nothing more arrives. */
  public void cancel() {
    if (runner != null) {
      runner.cancel();
      if (runner.state() == RunState.CANCELLED) {
        state.set(RunState.CANCELLED);
      }
    }
  }

  /**
   * Runs {@code task} on the current job's thread between steps; the result arrives on the FX
   * thread. Fails if there is no job, or it has ended and isn't kept.
   */
  public <T> CompletableFuture<T> submit(Callable<T> task) {
    CompletableFuture<T> onFx = new CompletableFuture<>();
    if (runner == null) {
      onFx.completeExceptionally(new IllegalStateException("nothing is running"));
      return onFx;
    }
    runner
        .submit(task)
        .whenComplete(
            (v, e) ->
                Platform.runLater(
                    () -> {
                      if (e != null) {
                        onFx.completeExceptionally(e);
                      } else {
                        onFx.complete(v);
                      }
                    }));
    return onFx;
  }

  /** Ends the current job (cancelled if it hasn't ended); its thread ends in the background. */
  @Override
  public void close() {
    current = null;
    if (runner != null) {
      runner.close();
      if (runner.state() == RunState.CANCELLED) {
        state.set(RunState.CANCELLED);
      }
    }
  }

  private void apply(RunSnapshot<U> s) {
    onSnapshot.accept(s);
    progress.set(s.progress());
    if (s.failure() != null) {
      failure.set(s.failure());
    }
    state.set(s.state());
  }

  /** The current job's state, as of its last snapshot (or a cancel). */
  public ReadOnlyObjectProperty<RunState> stateProperty() {
    return state.getReadOnlyProperty();
  }

  public RunState state() {
    return state.get();
  }

  /** The current job's progress, as of its last snapshot. */
  public ReadOnlyObjectProperty<RunProgress> progressProperty() {
    return progress.getReadOnlyProperty();
  }

  /** Why the current job failed, or null. */
  public ReadOnlyObjectProperty<RunFailure> failureProperty() {
    return failure.getReadOnlyProperty();
  }
}
