package dev.replens.app.training;

import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainingDivergedException;
import dev.replens.engine.train.TrainingListener;
import dev.replens.engine.train.TrainingRun;
import dev.replens.engine.train.ValidationMetrics;
import java.util.Queue;

/**
 * The listener of one run: on the trainer thread it only puts the run's immutable measurements into
 * the lab's concurrent queue, so a step never waits for the UI. The FX thread drains the queue at
 * its own pace ({@link TrainingLab#drain()}).
 */
final class MetricsFeed implements TrainingListener {

  private final int run;
  private final Queue<LabEvent> queue;

  MetricsFeed(int run, Queue<LabEvent> queue) {
    this.run = run;
    this.queue = queue;
  }

  @Override
  public void onStep(StepMetrics step) {
    queue.add(new LabEvent.Step(run, step));
  }

  @Override
  public void onValidation(ValidationMetrics validation) {
    queue.add(new LabEvent.Validation(run, validation));
  }

  @Override
  public void onStatus(TrainingRun.Status status) {
    queue.add(new LabEvent.Status(run, status));
  }

  @Override
  public void onDiverged(TrainingDivergedException e) {
    queue.add(new LabEvent.Diverged(run, e.step(), e.parameter(), e.getMessage()));
  }
}
