package dev.replens.engine.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.train.TrainingDivergedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runner on its own, with a job that counts: each step publishes its number, optionally after
 * sleeping, and may throw at a chosen step. Snapshots go through a single-thread executor, as they
 * go through the FX thread in the app. Timing bounds are stated per test; no ND4J involved.
 */
class JobRunnerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService ui =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "test-ui");
            t.setDaemon(true);
            return t;
          });
  private final List<RunSnapshot<Integer>> snapshots = new CopyOnWriteArrayList<>();
  private final List<Long> deliveredAt = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutDown() {
    ui.shutdownNow();
  }

  /** A job of {@code total} steps; what a step does is up to {@link #onStep}. */
  static class CountingJob implements TrainingJob<Integer> {
    final int total;
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile Thread thread;
    volatile int done;
    volatile int opens;
    volatile int closes;
    volatile long sleepMillis;
    volatile int failAt;
    volatile RuntimeException failure;

    CountingJob(int total) {
      this.total = total;
    }

    @Override
    public void open(Consumer<Integer> out) {
      opens++;
      thread = Thread.currentThread();
      threads.add(thread.getName());
    }

    @Override
    public void step(Consumer<Integer> out) throws Exception {
      threads.add(Thread.currentThread().getName());
      onStep(out);
      if (failAt == done + 1) {
        throw failure;
      }
      done++;
      out.accept(done);
    }

    /** The work of a step, before it counts. */
    void onStep(Consumer<Integer> out) throws Exception {
      if (sleepMillis > 0) {
        Thread.sleep(sleepMillis);
      }
    }

    @Override
    public int stepsDone() {
      return done;
    }

    @Override
    public int totalSteps() {
      return total;
    }

    @Override
    public void close() {
      threads.add(Thread.currentThread().getName());
      closes++;
      closed.countDown();
    }
  }

  private JobRunner.Builder<Integer> runner(String name, TrainingJob<Integer> job) {
    return JobRunner.of(name, job)
        .deliverTo(
            s -> {
              deliveredAt.add(System.nanoTime());
              snapshots.add(s);
            },
            ui);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }

  /** Waits until the snapshots delivered so far include one in state {@code s}. */
  private void awaitSnapshot(RunState s) throws InterruptedException {
    await(() -> snapshots.stream().anyMatch(x -> x.state() == s), "a " + s + " snapshot");
  }

  private List<Integer> allUpdates() {
    List<Integer> out = new ArrayList<>();
    snapshots.forEach(s -> out.addAll(s.updates()));
    return out;
  }

  @Test
  void startPauseSingleStepResumeAndFinishMoveThroughTheDocumentedStates() throws Exception {
    CountingJob job = new CountingJob(12);
    job.sleepMillis = 20;
    try (JobRunner<Integer> r = runner("runner-states", job).build()) {
      assertThat(r.state()).isEqualTo(RunState.IDLE);
      assertThat(job.thread).as("no thread before start").isNull();

      // Two quick single steps take two steps, then pause.
      r.step();
      r.step();
      await(() -> r.state() == RunState.PAUSED && r.progress().step() == 2, "two single steps");
      Thread.sleep(100);
      assertThat(r.progress().step()).isEqualTo(2);

      r.start();
      await(() -> r.progress().step() >= 3, "three steps");
      assertThat(r.state()).isEqualTo(RunState.RUNNING);
      r.pause();
      await(() -> r.state() == RunState.PAUSED, "the pause");
      int at = r.progress().step();
      Thread.sleep(150);
      assertThat(r.progress().step()).as("steps while paused").isEqualTo(at);

      r.step();
      await(() -> r.progress().step() == at + 1 && r.state() == RunState.PAUSED, "one step");

      r.start();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.FINISHED);
      assertThat(r.progress().step()).isEqualTo(12);
      assertThat(r.progress().progress()).isEqualTo(1.0);
      awaitSnapshot(RunState.FINISHED);
      // Control calls after the end change nothing.
      r.start();
      r.step();
      r.stop();
      assertThat(r.state()).isEqualTo(RunState.FINISHED);
    }
    assertThat(job.opens).isEqualTo(1);
    assertThat(job.closed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(job.closes).isEqualTo(1);
    assertThat(job.threads).containsOnly("runner-states");
    // Every update arrives once, in order; the last snapshot is the end.
    assertThat(allUpdates()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(snapshots.get(snapshots.size() - 1).state()).isEqualTo(RunState.FINISHED);
    assertThat(snapshots).filteredOn(s -> s.state() == RunState.FINISHED).hasSize(1);
  }

  @Test
  void controlCallsReturnAtOnceWhileAStepRuns() throws Exception {
    CountingJob job = new CountingJob(3);
    job.sleepMillis = 400;
    try (JobRunner<Integer> r = runner("runner-control", job).build()) {
      r.start();
      await(() -> job.threads.size() >= 2, "the first step to begin");
      long worst = 0;
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        r.pause();
        r.start();
        r.state();
        r.progress();
        r.step();
        worst = Math.max(worst, System.nanoTime() - t0);
      }
      assertThat(worst).as("slowest round of control calls, ns").isLessThan(50_000_000L);
      r.stop();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.STOPPED);
    }
  }

  @Test
  void stopEndsAfterTheCurrentStepAndAKeptJobStillAnswersTasks() throws Exception {
    CountingJob job = new CountingJob(1000);
    job.sleepMillis = 5;
    JobRunner<Integer> r = runner("runner-stop", job).keepAfterEnd().build();
    r.start();
    await(() -> r.progress().step() >= 3, "three steps");
    r.stop();
    assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.STOPPED);
    int stoppedAt = r.progress().step();
    assertThat(stoppedAt).isBetween(3, 999);
    // The job is still open on its own thread: a task reads it there.
    assertThat(
            r.submit(() -> Thread.currentThread().getName() + " " + job.done)
                .get(5, TimeUnit.SECONDS))
        .isEqualTo("runner-stop " + stoppedAt);
    assertThat(job.closes).isZero();
    awaitSnapshot(RunState.STOPPED);
    assertThat(allUpdates()).hasSize(stoppedAt);
    r.close();
    assertThat(r.awaitTermination(WAIT)).isTrue();
    assertThat(job.thread.isAlive()).isFalse();
    assertThat(job.closes).isEqualTo(1);
    assertThat(r.state()).as("close keeps an ended state").isEqualTo(RunState.STOPPED);
    assertThatThrownBy(() -> r.submit(() -> 1).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aStepExceptionIsDeliveredOnceAsAFailedStateWithTheStepAndMessage() throws Exception {
    CountingJob job = new CountingJob(10);
    job.failAt = 4;
    job.failure = new IllegalArgumentException("wrong shape [2, 3] for block0/conv");
    try (JobRunner<Integer> r = runner("runner-fail", job).build()) {
      r.start();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.FAILED);
      assertThat(r.awaitTermination(WAIT)).isTrue();
      awaitSnapshot(RunState.FAILED);
      Thread.sleep(150);
    }
    List<RunSnapshot<Integer>> failed =
        snapshots.stream().filter(s -> s.state() == RunState.FAILED).toList();
    assertThat(failed).hasSize(1);
    RunFailure f = failed.get(0).failure();
    assertThat(f.step()).isEqualTo(4);
    assertThat(f.diverged()).isFalse();
    assertThat(f.message()).isEqualTo("wrong shape [2, 3] for block0/conv");
    assertThat(f.describe()).isEqualTo("step 4 failed: wrong shape [2, 3] for block0/conv");
    assertThat(failed.get(0).progress().step()).isEqualTo(3);
    // Nothing published before the failure is lost, and no other snapshot carries the failure.
    assertThat(allUpdates()).containsExactly(1, 2, 3);
    assertThat(snapshots).filteredOn(s -> s.failure() != null).hasSize(1);
    assertThat(job.closes).isEqualTo(1);
  }

  @Test
  void aDivergenceIsDeliveredOnceAsAFailureThatSaysWhereAndWhat() throws Exception {
    CountingJob job = new CountingJob(10);
    job.failAt = 3;
    job.failure =
        new TrainingDivergedException(
            3,
            "block0/bn.weight",
            "step 3: the gradient of 'block0/bn.weight' is NaN; the weights of step 2 are kept");
    try (JobRunner<Integer> r = runner("runner-diverge", job).keepAfterEnd().build()) {
      r.start();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.FAILED);
      awaitSnapshot(RunState.FAILED);
      // The last good state is still there to check.
      assertThat(r.submit(() -> job.done).get(5, TimeUnit.SECONDS)).isEqualTo(2);
    }
    List<RunSnapshot<Integer>> failed =
        snapshots.stream().filter(s -> s.state() == RunState.FAILED).toList();
    assertThat(failed).hasSize(1);
    RunFailure f = failed.get(0).failure();
    assertThat(f.diverged()).isTrue();
    assertThat(f.step()).isEqualTo(3);
    assertThat(f.parameter()).isEqualTo("block0/bn.weight");
    assertThat(f.describe())
        .isEqualTo(
            "training diverged at step 3: the gradient of 'block0/bn.weight' is NaN; the weights"
                + " of step 2 are kept");
    assertThat(allUpdates()).containsExactly(1, 2);
  }

  @Test
  void aJobThatCannotBeOpenedFailsAtStepZeroWithItsMessage() throws Exception {
    TrainingJob<Integer> job =
        new CountingJob(5) {
          @Override
          public void open(Consumer<Integer> out) {
            super.open(out);
            throw new IllegalStateException("/data/mnist: not an IDX file");
          }
        };
    try (JobRunner<Integer> r = runner("runner-open", job).build()) {
      r.step();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.FAILED);
      assertThat(r.failure().step()).isZero();
      assertThat(r.failure().describe()).isEqualTo("/data/mnist: not an IDX file");
      assertThat(r.awaitTermination(WAIT)).isTrue();
    }
    assertThat(((CountingJob) job).closes).as("closed after a failed open").isEqualTo(1);
  }

  @Test
  void snapshotsComeAtMostNTimesASecondAndTheLastIsAlwaysDelivered() throws Exception {
    CountingJob job = new CountingJob(200);
    job.sleepMillis = 2;
    int perSecond = 20;
    long t0 = System.nanoTime();
    try (JobRunner<Integer> r = runner("runner-throttle", job).atMost(perSecond).build()) {
      r.start();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.FINISHED);
      awaitSnapshot(RunState.FINISHED);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long interval = 1_000_000_000L / perSecond;
    for (int i = 1; i < deliveredAt.size(); i++) {
      assertThat(deliveredAt.get(i) - deliveredAt.get(i - 1))
          .as("time between snapshots %d and %d, ns", i - 1, i)
          .isGreaterThanOrEqualTo(interval - 2_000_000L);
    }
    assertThat(snapshots.size()).isLessThanOrEqualTo((int) Math.ceil(seconds * perSecond) + 1);
    // 200 steps over more than 0.4 s: coalesced, but more than one snapshot.
    assertThat(snapshots.size()).isBetween(3, 199);
    assertThat(allUpdates()).hasSize(200).isSorted();
    RunSnapshot<Integer> last = snapshots.get(snapshots.size() - 1);
    assertThat(last.state()).isEqualTo(RunState.FINISHED);
    assertThat(last.progress().step()).isEqualTo(200);
  }

  @Test
  void latestCoalescingKeepsOnlyTheNewestUpdateAndAlwaysTheFinalOne() throws Exception {
    // A study of one long step that reports a cumulative result every 2 ms.
    TrainingJob<Integer> study =
        TrainingJob.once(
            progress -> {
              for (int i = 1; i < 150; i++) {
                progress.accept(i);
                sleep(2);
              }
              return 150;
            });
    long t0 = System.nanoTime();
    try (JobRunner<Integer> r =
        JobRunner.of("runner-latest", study)
            .deliverTo(snapshots::add, ui)
            .atMost(10)
            .coalescing(Coalescing.LATEST)
            .build()) {
      r.start();
      assertThat(r.awaitEnd(WAIT)).isEqualTo(RunState.FINISHED);
      awaitSnapshot(RunState.FINISHED);
    }
    assertThat(snapshots).allSatisfy(s -> assertThat(s.updates()).hasSizeLessThanOrEqualTo(1));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(snapshots.size()).isBetween(2, (int) Math.ceil(seconds * 10) + 1);
    RunSnapshot<Integer> last = snapshots.get(snapshots.size() - 1);
    assertThat(last.state()).isEqualTo(RunState.FINISHED);
    assertThat(last.latest()).isEqualTo(150);
    assertThat(allUpdates()).isSorted();
  }

  @Test
  void cancelDuringALongStepReturnsAtOnceDeliversNothingMoreAndTheThreadEnds() throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    CountingJob job =
        new CountingJob(5) {
          @Override
          void onStep(Consumer<Integer> out) throws Exception {
            out.accept(-1);
            inStep.countDown();
            Thread.sleep(60_000);
          }
        };
    JobRunner<Integer> r = runner("runner-cancel", job).build();
    r.start();
    assertThat(inStep.await(5, TimeUnit.SECONDS)).isTrue();
    awaitSnapshot(RunState.RUNNING);
    long t0 = System.nanoTime();
    r.cancel();
    long took = System.nanoTime() - t0;
    assertThat(took).as("cancel, ns").isLessThan(50_000_000L);
    assertThat(r.state()).isEqualTo(RunState.CANCELLED);
    int seen = snapshots.size();
    assertThat(r.awaitTermination(WAIT)).isTrue();
    assertThat(job.thread.isAlive()).isFalse();
    assertThat(job.closes).isEqualTo(1);
    Thread.sleep(150);
    assertThat(snapshots).as("snapshots after cancel").hasSize(seen);
    assertThat(snapshots).noneMatch(s -> s.state() == RunState.CANCELLED);
    r.close();
    r.close();
    assertThat(r.state()).isEqualTo(RunState.CANCELLED);
  }

  @Test
  void cancelEndsAStepThatIgnoresInterruptsAtItsNextUpdate() throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    TrainingJob<Integer> study =
        TrainingJob.once(
            progress -> {
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              int i = 0;
              while (System.nanoTime() < end) {
                // Busy, deaf to interrupts, but it reports: the report throws once cancelled.
                long spin = System.nanoTime() + 5_000_000L;
                while (System.nanoTime() < spin) {
                  Thread.onSpinWait();
                }
                progress.accept(++i);
                busy.countDown();
              }
              return i;
            });
    JobRunner<Integer> r = runner("runner-cancel-busy", study).build();
    r.start();
    assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
    r.cancel();
    // The loop would run for 30 s; its next report (within 5 ms) ends it.
    assertThat(r.awaitTermination(Duration.ofSeconds(2))).isTrue();
    r.close();
  }

  @Test
  void closeIsIdempotentAndEndsTheThreadInEveryState() throws Exception {
    // Never started: no thread, terminated at once.
    CountingJob idle = new CountingJob(3);
    JobRunner<Integer> never = runner("runner-never", idle).build();
    never.close();
    never.close();
    assertThat(never.awaitTermination(Duration.ZERO)).isTrue();
    assertThat(never.state()).isEqualTo(RunState.CANCELLED);
    assertThat(idle.opens).isZero();
    assertThat(idle.closes).as("a job never opened is not closed").isZero();
    never.start();
    assertThat(never.state()).isEqualTo(RunState.CANCELLED);

    // Running: close cancels, the thread frees the job and ends.
    CountingJob running = new CountingJob(100_000);
    running.sleepMillis = 1;
    JobRunner<Integer> r = runner("runner-close", running).build();
    r.start();
    await(() -> running.done > 5, "some steps");
    r.close();
    r.close();
    assertThat(r.state()).isEqualTo(RunState.CANCELLED);
    assertThat(r.awaitTermination(WAIT)).isTrue();
    assertThat(running.thread.isAlive()).isFalse();
    assertThat(running.closes).isEqualTo(1);
    r.close();
    assertThat(running.closes).isEqualTo(1);

    // No thread of these runners is left.
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .doesNotContain("runner-never", "runner-close");
  }

  @Test
  void aJobThatReplacesAnotherOpensOnlyOnceThePreviousThreadHasEnded() throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    long[] firstClosed = {0};
    CountingJob first =
        new CountingJob(5) {
          @Override
          void onStep(Consumer<Integer> out) throws Exception {
            inStep.countDown();
            // Deaf to interrupts for 300 ms, as a native op would be.
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
              Thread.onSpinWait();
            }
          }

          @Override
          public void close() {
            firstClosed[0] = System.nanoTime();
            super.close();
          }
        };
    long[] secondOpened = {0};
    CountingJob second =
        new CountingJob(2) {
          @Override
          public void open(Consumer<Integer> out) {
            secondOpened[0] = System.nanoTime();
            super.open(out);
          }
        };
    JobRunner<Integer> a = runner("runner-first", first).build();
    a.start();
    assertThat(inStep.await(5, TimeUnit.SECONDS)).isTrue();
    a.close();
    try (JobRunner<Integer> b = runner("runner-second", second).after(a).build()) {
      b.start();
      assertThat(b.awaitEnd(WAIT)).isEqualTo(RunState.FINISHED);
    }
    assertThat(firstClosed[0]).isPositive();
    assertThat(secondOpened[0]).isGreaterThan(firstClosed[0]);
    assertThat(first.done).as("the replaced job's step counts for nothing").isLessThanOrEqualTo(1);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
