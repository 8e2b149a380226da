package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The run loop a UI drives, on the tiny network of {@link TrainerTest}: control calls return at
 * once while steps run on the trainer thread, snapshots arrive there, and pause, single step,
 * resume, stop, reset and divergence behave as documented.
 */
class TrainingRunTest {

  private static TrainingRun run(int steps, int metricsEvery) {
    return new TrainingRun(
        TrainerTest.net(),
        TrainerTest.config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 0))
            .withSteps(steps)
            .withMetricsEvery(metricsEvery)
            .withValidation(5, 40),
        TrainerTest.DATA);
  }

  @Test
  void controlCallsNeverBlockTheCallerWhileStepsRun() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    List<StepMetrics> steps = new CopyOnWriteArrayList<>();
    CountDownLatch twoSteps = new CountDownLatch(2);
    try (TrainingRun r = run(6, 2)) {
      r.addListener(
          new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
              threads.add(Thread.currentThread().getName());
              steps.add(m);
              twoSteps.countDown();
              sleep(150); // a slow consumer must only slow the trainer thread
            }
          });
      long worst = 0;
      long t0 = System.nanoTime();
      r.start();
      worst = Math.max(worst, System.nanoTime() - t0);
      assertThat(twoSteps.await(60, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 5; i++) {
        long c0 = System.nanoTime();
        r.status();
        r.pause();
        r.resume();
        worst = Math.max(worst, System.nanoTime() - c0);
      }
      TrainingRun.Status end = r.awaitEnd(Duration.ofSeconds(60));
      assertThat(end.state()).isEqualTo(TrainingRun.State.FINISHED);
      assertThat(worst)
          .as("slowest control call, ns")
          .isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
    }
    assertThat(threads).isNotEmpty().allMatch("replens-trainer"::equals);
    assertThat(steps).extracting(StepMetrics::step).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(steps.get(1).blocks()).hasSize(1);
    assertThat(steps.get(0).blocks()).isEmpty();
  }

  @Test
  void pauseSingleStepResumeAndFinish() throws Exception {
    List<ValidationMetrics> validations = new CopyOnWriteArrayList<>();
    try (TrainingRun r = run(10, 0)) {
      r.addListener(
          new TrainingListener() {
            @Override
            public void onValidation(ValidationMetrics v) {
              validations.add(v);
            }
          });
      r.step();
      r.step();
      waitFor(r, s -> s.step() == 2);
      assertThat(r.status().state()).isEqualTo(TrainingRun.State.PAUSED);
      r.start();
      waitFor(r, s -> s.step() >= 4);
      r.pause();
      waitFor(r, s -> s.state() == TrainingRun.State.PAUSED);
      int at = r.status().step();
      Thread.sleep(300);
      assertThat(r.status().step()).isEqualTo(at);
      r.resume();
      TrainingRun.Status end = r.awaitEnd(Duration.ofSeconds(60));
      assertThat(end.state()).isEqualTo(TrainingRun.State.FINISHED);
      assertThat(end.step()).isEqualTo(10);
      assertThat(end.progress()).isEqualTo(1.0);
      assertThat(validations).extracting(ValidationMetrics::step).containsExactly(5, 10);
    }
  }

  @Test
  void stopKeepsTheWeightsAndResetStartsOver() throws Exception {
    try (TrainingRun r = run(50, 0)) {
      ModelState initial = r.snapshot().get(60, TimeUnit.SECONDS);
      r.start();
      waitFor(r, s -> s.step() >= 2);
      r.stop();
      TrainingRun.Status s = r.awaitEnd(Duration.ofSeconds(60));
      assertThat(s.state()).isEqualTo(TrainingRun.State.STOPPED);
      ModelState stopped = r.snapshot().get(60, TimeUnit.SECONDS);
      assertThat(stopped.step()).isEqualTo(s.step());
      assertThat(stopped.flatten().get("block0/dbb_origin.conv.weight"))
          .isNotEqualTo(initial.flatten().get("block0/dbb_origin.conv.weight"));
      r.reset();
      waitFor(r, x -> x.state() == TrainingRun.State.IDLE && x.step() == 0);
      ModelState again = r.snapshot().get(60, TimeUnit.SECONDS);
      assertThat(again.flatten()).isEqualTo(initial.flatten());
    }
  }

  @Test
  void aDivergingRunFailsWithAClearMessageAndKeepsTheLastGoodWeights() throws Exception {
    List<TrainingDivergedException> diverged = new CopyOnWriteArrayList<>();
    try (TrainingRun r = run(20, 0)) {
      r.addListener(
          new TrainingListener() {
            @Override
            public void onDiverged(TrainingDivergedException e) {
              diverged.add(e);
            }
          });
      String key = "block0/dbb_1x1.bn.weight";
      r.submit(
              t -> {
                INDArray nan = Nd4j.valueArrayOf(new long[] {4}, Double.NaN, DataType.FLOAT);
                t.addHook(
                    new StepHook() {
                      @Override
                      public void afterUpdate(int step, java.util.Map<String, INDArray> p) {}

                      @Override
                      public void beforeUpdate(
                          int step,
                          java.util.Map<String, INDArray> g,
                          java.util.Map<String, INDArray> p) {
                        if (step == 3) {
                          g.get(key).assign(nan);
                        }
                      }
                    });
                return null;
              })
          .get(60, TimeUnit.SECONDS);
      r.start();
      TrainingRun.Status end = r.awaitEnd(Duration.ofSeconds(60));
      assertThat(end.state()).isEqualTo(TrainingRun.State.FAILED);
      assertThat(end.message()).contains("step 3").contains(key);
      assertThat(diverged).hasSize(1);
      ModelState kept = r.snapshot().get(60, TimeUnit.SECONDS);
      assertThat(kept.step()).isEqualTo(2);
      kept.flatten()
          .forEach(
              (k, v) ->
                  assertThat(dev.replens.engine.model.WeightCheck.firstNonFinite(v))
                      .as(k)
                      .isEqualTo(-1));
    }
  }

  private static void waitFor(TrainingRun r, java.util.function.Predicate<TrainingRun.Status> p)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!p.test(r.status())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; status " + r.status());
      }
      Thread.sleep(10);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
