package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.train.run.JobRunner;
import dev.replens.engine.train.run.RunSnapshot;
import dev.replens.engine.train.run.RunState;
import dev.replens.engine.train.run.TrainerJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trainer run as a job of the runner, on the tiny network of {@link TrainerTest}: every step
 * reaches the snapshots in order with its validation when due, and a divergence ends the run once,
 * with the step and parameter, keeping the last good weights for a task on the trainer thread.
 */
class TrainerJobTest {

  private static TrainConfig config(int steps) {
    return TrainerTest.config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 0))
        .withSteps(steps)
        .withMetricsEvery(0)
        .withValidation(5, 40);
  }

  @Test
  void everyStepArrivesInOrderWithItsValidationWhenDue() throws Exception {
    List<RunSnapshot<TrainerJob.Report>> snapshots = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    TrainerJob job =
        new TrainerJob(TrainerTest.net(), config(10), TrainerTest.DATA)
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onStep(StepMetrics m) {
                    threads.add(Thread.currentThread().getName());
                  }
                });
    try (JobRunner<TrainerJob.Report> r =
        JobRunner.of("replens-trainer-test", job)
            .deliverTo(snapshots::add, Runnable::run)
            .build()) {
      r.start();
      assertThat(r.awaitEnd(Duration.ofSeconds(60))).isEqualTo(RunState.FINISHED);
      assertThat(r.awaitTermination(Duration.ofSeconds(60))).isTrue();
    }
    awaitSnapshot(snapshots, RunState.FINISHED);
    List<TrainerJob.Report> reports = new ArrayList<>();
    snapshots.forEach(s -> reports.addAll(s.updates()));
    assertThat(reports)
        .extracting(x -> x.step().step())
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(reports)
        .filteredOn(x -> x.validation() != null)
        .extracting(x -> x.validation().step())
        .containsExactly(5, 10);
    assertThat(threads).hasSize(10).containsOnly("replens-trainer-test");
    assertThat(snapshots.get(snapshots.size() - 1).progress().step()).isEqualTo(10);
  }

  @Test
  void aDivergenceFailsTheRunOnceAndKeepsTheLastGoodWeights() throws Exception {
    List<RunSnapshot<TrainerJob.Report>> snapshots = new CopyOnWriteArrayList<>();
    List<TrainingDivergedException> heard = new CopyOnWriteArrayList<>();
    String key = "block0/dbb_1x1.bn.weight";
    TrainerJob job =
        new TrainerJob(
                () -> {
                  Trainer t = Trainer.create(TrainerTest.net(), config(20), TrainerTest.DATA);
                  t.addHook(
                      new StepHook() {
                        @Override
                        public void beforeUpdate(
                            int step, Map<String, INDArray> g, Map<String, INDArray> p) {
                          if (step == 3) {
                            g.get(key)
                                .assign(
                                    Nd4j.valueArrayOf(new long[] {4}, Double.NaN, DataType.FLOAT));
                          }
                        }
                      });
                  return t;
                },
                config(20))
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onDiverged(TrainingDivergedException e) {
                    heard.add(e);
                  }
                });
    try (JobRunner<TrainerJob.Report> r =
        JobRunner.of("replens-trainer-test", job)
            .deliverTo(snapshots::add, Runnable::run)
            .keepAfterEnd()
            .build()) {
      r.start();
      assertThat(r.awaitEnd(Duration.ofSeconds(60))).isEqualTo(RunState.FAILED);
      ModelState kept = r.submit(job::state).get(60, TimeUnit.SECONDS);
      assertThat(kept.step()).isEqualTo(2);
    }
    awaitSnapshot(snapshots, RunState.FAILED);
    assertThat(heard).hasSize(1);
    List<RunSnapshot<TrainerJob.Report>> failed =
        snapshots.stream().filter(s -> s.state() == RunState.FAILED).toList();
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).failure().diverged()).isTrue();
    assertThat(failed.get(0).failure().step()).isEqualTo(3);
    assertThat(failed.get(0).failure().parameter()).isEqualTo(key);
    assertThat(failed.get(0).failure().describe()).startsWith("training diverged at step 3: ");
    assertThat(failed.get(0).progress().step()).isEqualTo(2);
  }

  /** Snapshots are throttled: the last one may come a moment after the run has ended. */
  private static void awaitSnapshot(List<RunSnapshot<TrainerJob.Report>> snapshots, RunState s)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (snapshots.stream().noneMatch(x -> x.state() == s)) {
      assertThat(System.nanoTime()).as("waiting for a " + s + " snapshot").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
