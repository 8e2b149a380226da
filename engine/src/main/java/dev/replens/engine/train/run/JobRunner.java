package dev.replens.engine.train.run;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link TrainingJob} on a dedicated thread of its own and hands throttled, immutable
 * {@link RunSnapshot}s to a listener: start, pause, single step, stop and cancel from any thread,
 * each returning at once.
 *
 * <p>Why one thread per job: ND4J and SameDiff keep sessions and buffers per thread, so a job is
 * built, stepped and freed on the same thread, and one trainer thread leaves the other core to the
 * UI. The job's own memory discipline (a trainer's periodic {@code System.gc()}) runs there too.
 *
 * <p>Snapshots: every state change, progress change and update the job publishes marks the runner
 * changed; a snapshot is then handed to the listener's executor, at most {@code maxPerSecond} times
 * a second, each carrying everything since the previous one (or the newest update only, {@link
 * Coalescing#LATEST}). At most one snapshot is in flight; changes made meanwhile go into the next,
 * so the newest state, and the last one (an ended run), is always delivered. A failure arrives
 * exactly once, as the snapshot whose state is {@link RunState#FAILED}. After {@link #cancel} no
 * snapshot is delivered.
 *
 * <p>Order of calls: {@link #of} → {@link Builder#build} → {@link #start} or {@link #step} (the
 * thread starts, waits for the {@link Builder#after predecessor}'s thread to end, then opens the
 * job) → {@link #pause}, {@link #start}, {@link #step}, {@link #submit} as wanted → the job
 * finishes, or {@link #stop}, or fails, or {@link #cancel} → {@link #close} (idempotent). The
 * thread ends when the job has ended (after {@link #close} if the runner {@link
 * Builder#keepAfterEnd keeps the job} for tasks), and frees the job first.
 *
 * @param <U> what the job publishes
 */
public final class JobRunner<U> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** How long a new job's thread waits for its predecessor's thread to end before it goes on. */
  private static final long PREDECESSOR_WAIT_SECONDS = 60;

  /** Settings of a runner; {@link JobRunner#of} starts one. */
  public static final class Builder<U> {
    private final String threadName;
    private final TrainingJob<U> job;
    private Consumer<? super RunSnapshot<U>> listener = s -> {};
    private Executor executor = Runnable::run;
    private int maxPerSecond = 10;
    private Coalescing coalescing = Coalescing.ALL;
    private boolean keepAfterEnd;
    private JobRunner<?> after;

    private Builder(String threadName, TrainingJob<U> job) {
      this.threadName = Objects.requireNonNull(threadName, "threadName");
      this.job = Objects.requireNonNull(job, "job");
    }

    /**
     * Where snapshots go: {@code listener} is called through {@code executor} (the FX thread's
     * {@code Platform::runLater}, say), one call at a time. Without it snapshots are dropped.
     */
    public Builder<U> deliverTo(Consumer<? super RunSnapshot<U>> listener, Executor executor) {
      this.listener = Objects.requireNonNull(listener, "listener");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** At most this many snapshots a second (10 unless set). */
    public Builder<U> atMost(int snapshotsPerSecond) {
      if (snapshotsPerSecond < 1) {
        throw new IllegalArgumentException(
            "snapshots per second must be at least 1, not " + snapshotsPerSecond);
      }
      this.maxPerSecond = snapshotsPerSecond;
      return this;
    }

    /**
     * No throttle: every change is handed to the executor at once. With a direct executor ({@code
     * Runnable::run}) the listener then hears every step and state change on the runner's thread,
     * as it happens: for headless callers that print or record each step.
     */
    public Builder<U> unthrottled() {
      this.maxPerSecond = 0;
      return this;
    }

    /** What a snapshot keeps of the updates ({@link Coalescing#ALL} unless set). */
    public Builder<U> coalescing(Coalescing c) {
      this.coalescing = Objects.requireNonNull(c, "coalescing");
      return this;
    }

    /**
     * Keeps the job, and its thread, after it has ended, for {@link JobRunner#submit tasks} (to
     * read the trained weights), until {@link JobRunner#close}.
     */
    public Builder<U> keepAfterEnd() {
      this.keepAfterEnd = true;
      return this;
    }

    /**
     * Opens the job only once {@code previous}'s thread has ended (or a minute has passed), so that
     * a job that replaces another never trains beside it. Null: no predecessor.
     */
    public Builder<U> after(JobRunner<?> previous) {
      this.after = previous;
      return this;
    }

    /** The runner, idle: no thread runs before {@link JobRunner#start} or a step. */
    public JobRunner<U> build() {
      return new JobRunner<>(this);
    }
  }

  private record Task(Runnable body, CompletableFuture<?> result) {}

  private enum Next {
    TASK,
    STEP,
    CHANGED,
    EXIT
  }

  private final String threadName;
  private final TrainingJob<U> job;
  private final Consumer<? super RunSnapshot<U>> listener;
  private final Executor executor;
  private final long intervalNanos;
  private final Coalescing coalescing;
  private final boolean keepAfterEnd;
  private final JobRunner<?> after;
  private final Consumer<U> out = this::publish;
  private final CountDownLatch terminated = new CountDownLatch(1);

  private final Object lock = new Object();
  // Guarded by lock.
  private RunState state = RunState.IDLE;
  private RunProgress progress;
  private RunFailure failure;
  private boolean runWanted;
  private int stepsWanted;
  private boolean stopWanted;
  private boolean closeWanted;
  private boolean cancelled;
  private final ArrayDeque<Task> tasks = new ArrayDeque<>();
  private Thread thread;
  private boolean threadDone;
  private boolean interruptible;
  private final List<U> pending = new ArrayList<>();
  private boolean dirty;
  private boolean posted;
  private boolean deliveredOnce;
  private long lastDelivery;

  // The runner's thread only.
  private boolean opened;
  private Throwable openFailure;
  private long lastStepEnd;
  private double stepsPerSecond;

  private JobRunner(Builder<U> b) {
    this.threadName = b.threadName;
    this.job = b.job;
    this.listener = b.listener;
    this.executor = b.executor;
    this.intervalNanos = b.maxPerSecond == 0 ? 0 : 1_000_000_000L / b.maxPerSecond;
    this.coalescing = b.coalescing;
    this.keepAfterEnd = b.keepAfterEnd;
    this.after = b.after;
    this.progress = RunProgress.start(job.totalSteps());
  }

  /** A runner of {@code job} on a thread named {@code threadName}, to configure and build. */
  public static <U> Builder<U> of(String threadName, TrainingJob<U> job) {
    return new Builder<>(threadName, job);
  }

  // ---------------------------------------------------------------- control

  /** Starts or resumes stepping. Does nothing once the run has ended. */
  public void start() {
    synchronized (lock) {
      if (state.ended() || closeWanted) {
        return;
      }
      runWanted = true;
      stepsWanted = 0;
      startThread();
      lock.notifyAll();
    }
  }

  /**
   * Pauses after the current step (the state reads {@code PAUSED} once that step is done); single
   * steps asked for and not begun are dropped.
   */
  public void pause() {
    synchronized (lock) {
      runWanted = false;
      stepsWanted = 0;
      lock.notifyAll();
    }
  }

  /**
   * Takes exactly one step if the run is idle or paused, then pauses; each call asks for one more
   * step (two quick calls take two). Does nothing while the run is started.
   */
  public void step() {
    synchronized (lock) {
      if (state.ended() || closeWanted || runWanted) {
        return;
      }
      stepsWanted++;
      startThread();
      lock.notifyAll();
    }
  }

  /** Stops after the current step; the job keeps its results ({@code STOPPED}). */
  public void stop() {
    synchronized (lock) {
      if (state.ended() || closeWanted) {
        return;
      }
      runWanted = false;
      stepsWanted = 0;
      if (thread == null) {
        end(RunState.STOPPED, null);
      } else {
        stopWanted = true;
        lock.notifyAll();
      }
    }
    requestDelivery();
  }

  /**
   * Abandons the run: the state is {@code CANCELLED} at once and nothing more is delivered; a step
   * under way is interrupted and ends at its next update, then the thread frees the job and ends.
   * Does nothing once the run has ended.
   */
  public void cancel() {
    synchronized (lock) {
      if (state.ended()) {
        return;
      }
      cancelled = true;
      state = RunState.CANCELLED;
      runWanted = false;
      stepsWanted = 0;
      pending.clear();
      dirty = false;
      if (thread == null) {
        terminate();
      } else if (interruptible) {
        // Under the lock: the thread leaves the job's code (interruptible false) under it too, and
        // clears the flag before it frees the job, so the interrupt only reaches the job's step.
        thread.interrupt();
      }
      lock.notifyAll();
    }
  }

  /**
   * Runs {@code task} on the runner's thread between steps, with the job open (it is opened first
   * if needed): to read the trained weights, say. Fails with {@link IllegalStateException} once the
   * thread is gone, and with {@link CancellationException} if the run is cancelled first.
   */
  public <T> CompletableFuture<T> submit(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    CompletableFuture<T> result = new CompletableFuture<>();
    synchronized (lock) {
      if (cancelled || closeWanted || threadDone || (state.ended() && !keepAfterEnd)) {
        result.completeExceptionally(
            new IllegalStateException("the run of " + threadName + " has ended"));
        return result;
      }
      tasks.add(
          new Task(
              () -> {
                try {
                  openIfNeeded();
                  result.complete(task.call());
                } catch (Exception | Error e) {
                  result.completeExceptionally(e);
                }
              },
              result));
      startThread();
      lock.notifyAll();
    }
    return result;
  }

  /**
   * Ends the runner: cancels a run that has not ended, lets a kept job go, and lets the thread end
   * (in the background; {@link #awaitTermination} waits for it). Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closeWanted) {
        return;
      }
      closeWanted = true;
      if (thread == null) {
        if (!state.ended()) {
          cancelled = true;
          state = RunState.CANCELLED;
        }
        terminate();
      }
      lock.notifyAll();
    }
    cancel();
  }

  // ---------------------------------------------------------------- reading

  /** The state now (ahead of the snapshots, which are throttled). */
  public RunState state() {
    synchronized (lock) {
      return state;
    }
  }

  /** The progress now. */
  public RunProgress progress() {
    synchronized (lock) {
      return progress;
    }
  }

  /** Why the run failed, or null. */
  public RunFailure failure() {
    synchronized (lock) {
      return failure;
    }
  }

  /** Waits until the run has ended or the time is up; returns the state then. */
  public RunState awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!state.ended()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return state;
    }
  }

  /**
   * Waits until the thread has freed the job and ended (true), or the time is up (false). A runner
   * whose thread never started counts as terminated once closed or cancelled.
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    Thread t;
    synchronized (lock) {
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      long left = Math.max(0, deadline - System.nanoTime());
      TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, left));
      return !t.isAlive();
    }
    return true;
  }

  // ---------------------------------------------------------------- the runner's thread

  private void startThread() {
    if (thread == null && !threadDone) {
      thread = new Thread(this::loop, threadName);
      thread.setDaemon(true);
      interruptible = true;
      thread.start();
    }
  }

  private void loop() {
    try {
      if (!awaitPredecessor()) {
        return;
      }
      while (true) {
        Next n;
        Task task = null;
        boolean single = false;
        synchronized (lock) {
          n = next();
          if (n == Next.TASK) {
            task = tasks.poll();
          } else if (n == Next.STEP) {
            single = !runWanted;
            if (single) {
              stepsWanted--;
            }
            interruptible = true;
          }
        }
        switch (n) {
          case EXIT -> {
            return;
          }
          case TASK -> task.body().run();
          case STEP -> takeStep(single);
          case CHANGED -> requestDelivery();
        }
      }
    } finally {
      finish();
    }
  }

  private boolean awaitPredecessor() {
    try {
      if (after != null && !after.awaitTermination(Duration.ofSeconds(PREDECESSOR_WAIT_SECONDS))) {
        LOG.warn("{}: the previous run's thread has not ended; starting anyway", threadName);
      }
    } catch (InterruptedException e) {
      // Cancelled while waiting.
    }
    synchronized (lock) {
      interruptible = false;
      return !cancelled;
    }
  }

  /** What to do next; waits until there is something. Holds the lock. */
  private Next next() {
    while (true) {
      if (cancelled) {
        return Next.EXIT;
      }
      if (!tasks.isEmpty()) {
        return Next.TASK;
      }
      if (state.ended()) {
        if (closeWanted || !keepAfterEnd) {
          return Next.EXIT;
        }
      } else if (stopWanted) {
        end(RunState.STOPPED, null);
        return Next.CHANGED;
      } else if (runWanted || stepsWanted > 0) {
        if (state != RunState.RUNNING) {
          state = RunState.RUNNING;
          lastStepEnd = 0;
          changed();
        }
        return Next.STEP;
      } else if (state == RunState.RUNNING) {
        state = RunState.PAUSED;
        progress = withoutEta(progress);
        changed();
        return Next.CHANGED;
      }
      try {
        lock.wait();
      } catch (InterruptedException e) {
        // Only cancel interrupts; the loop checks it.
      }
    }
  }

  private void takeStep(boolean single) {
    requestDelivery();
    RunFailure failed = null;
    int attempted = 0;
    try {
      openIfNeeded();
      attempted = job.stepsDone() + 1;
      if (job.stepsDone() < job.totalSteps()) {
        job.step(out);
        long now = System.nanoTime();
        if (lastStepEnd != 0) {
          double sps = 1e9 / Math.max(1, now - lastStepEnd);
          stepsPerSecond = stepsPerSecond == 0 ? sps : 0.8 * stepsPerSecond + 0.2 * sps;
        }
        lastStepEnd = now;
      }
    } catch (Exception | Error e) {
      if (!isCancelled()) {
        failed = RunFailure.of(attempted, e);
        if (failed.diverged()) {
          LOG.info("{} diverged: {}", threadName, failed.message());
        } else {
          LOG.warn("{} failed at step {}", threadName, attempted, e);
        }
      }
    }
    synchronized (lock) {
      interruptible = false;
      if (cancelled) {
        return;
      }
      int done = job.stepsDone();
      int total = job.totalSteps();
      RunState next = state;
      if (failed != null) {
        next = RunState.FAILED;
      } else if (done >= total) {
        next = RunState.FINISHED;
      } else if (stopWanted) {
        next = RunState.STOPPED;
      } else if (single && !runWanted && stepsWanted == 0) {
        next = RunState.PAUSED;
      }
      Duration eta =
          next == RunState.RUNNING && stepsPerSecond > 0
              ? Duration.ofMillis((long) (1000 * (total - done) / stepsPerSecond))
              : null;
      progress = new RunProgress(done, total, stepsPerSecond, eta);
      if (next.ended()) {
        end(next, failed);
      } else {
        state = next;
        changed();
      }
    }
    requestDelivery();
  }

  private void openIfNeeded() throws Exception {
    if (openFailure != null) {
      throw new IllegalStateException(openFailure.getMessage(), openFailure);
    }
    if (!opened) {
      opened = true;
      try {
        job.open(out);
      } catch (Exception | Error e) {
        openFailure = e;
        throw e;
      }
    }
  }

  private void finish() {
    List<Task> left;
    synchronized (lock) {
      threadDone = true;
      left = new ArrayList<>(tasks);
      tasks.clear();
      interruptible = false;
    }
    for (Task t : left) {
      t.result().completeExceptionally(new CancellationException("the run was cancelled"));
    }
    // A cancel may have interrupted a step: free the job with the flag cleared.
    Thread.interrupted();
    if (opened) {
      try {
        job.close();
      } catch (RuntimeException e) {
        LOG.warn("{}: closing the job failed", threadName, e);
      }
    }
    synchronized (lock) {
      terminate();
      lock.notifyAll();
    }
  }

  private boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  /** Holds the lock. */
  private void end(RunState s, RunFailure f) {
    state = s;
    failure = f;
    progress = withoutEta(progress);
    stopWanted = false;
    changed();
    lock.notifyAll();
  }

  /** Holds the lock. */
  private void terminate() {
    threadDone = true;
    terminated.countDown();
  }

  private static RunProgress withoutEta(RunProgress p) {
    return p.eta() == null
        ? p
        : new RunProgress(p.step(), p.totalSteps(), p.stepsPerSecond(), null);
  }

  // ---------------------------------------------------------------- snapshots

  private void publish(U update) {
    synchronized (lock) {
      if (cancelled) {
        throw new CancellationException("the run was cancelled");
      }
      if (coalescing == Coalescing.LATEST) {
        pending.clear();
      }
      pending.add(update);
      dirty = true;
    }
    requestDelivery();
  }

  /** Holds the lock. */
  private void changed() {
    dirty = true;
  }

  /** Posts a snapshot if something changed and none is in flight; never holds the lock. */
  private void requestDelivery() {
    long wait;
    synchronized (lock) {
      if (!dirty || posted || cancelled) {
        return;
      }
      posted = true;
      wait = deliveredOnce ? lastDelivery + intervalNanos - System.nanoTime() : 0;
    }
    try {
      if (wait <= 0) {
        executor.execute(this::deliver);
      } else {
        CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS, executor)
            .execute(this::deliver);
      }
    } catch (RuntimeException e) {
      LOG.debug("{}: a snapshot could not be posted", threadName, e);
      synchronized (lock) {
        posted = false;
      }
    }
  }

  private void deliver() {
    RunSnapshot<U> s;
    synchronized (lock) {
      if (cancelled || !dirty) {
        posted = false;
        return;
      }
      s = new RunSnapshot<>(state, progress, pending, state == RunState.FAILED ? failure : null);
      pending.clear();
      dirty = false;
      deliveredOnce = true;
      lastDelivery = System.nanoTime();
    }
    try {
      listener.accept(s);
    } catch (RuntimeException e) {
      LOG.warn("{}: a snapshot listener failed", threadName, e);
    }
    synchronized (lock) {
      posted = false;
    }
    requestDelivery();
  }
}
