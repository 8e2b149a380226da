package dev.replens.engine.train;

/**
 * Receives a run's measurements. Every method is called on the run's trainer thread, after each
 * step: implementations must return quickly and hand the (immutable) values to their own thread,
 * throttled to what they can show (a UI typically keeps the latest value and repaints at 10–30 Hz).
 * An exception thrown here is logged and does not stop the run.
 */
public interface TrainingListener {

  /** A step finished. */
  default void onStep(StepMetrics step) {}

  /** A validation pass finished. */
  default void onValidation(ValidationMetrics validation) {}

  /** The run's state or progress changed (at least once per step while running). */
  default void onStatus(TrainingRun.Status status) {}

  /**
   * The run stopped on a non-finite loss, gradient or weight; the trainer kept the last good
   * weights ({@link TrainingRun#snapshot()}).
   */
  default void onDiverged(TrainingDivergedException divergence) {}
}
