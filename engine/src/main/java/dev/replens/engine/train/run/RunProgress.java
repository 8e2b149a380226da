package dev.replens.engine.train.run;

import java.time.Duration;

/**
 * How far a job is.
 *
 * @param step steps taken
 * @param totalSteps steps the job takes
 * @param stepsPerSecond recent speed (an exponential average), 0 before the second step
 * @param eta the estimated time to the end, or null when unknown or not running
 */
public record RunProgress(int step, int totalSteps, double stepsPerSecond, Duration eta) {

  /** No step taken of {@code totalSteps}. */
  public static RunProgress start(int totalSteps) {
    return new RunProgress(0, totalSteps, 0, null);
  }

  /** The fraction done, 0..1. */
  public double progress() {
    return totalSteps <= 0 ? 1 : Math.min(1.0, (double) step / totalSteps);
  }
}
