package dev.replens.app.training;

import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainingRun;
import dev.replens.engine.train.ValidationMetrics;

/**
 * What a run reports, handed from the trainer thread to the FX thread through a queue. Every
 * payload is an immutable engine value; {@code run} says which of the lab's runs it came from, so
 * that reports of a run that was reset meanwhile are dropped.
 */
sealed interface LabEvent {

  /** The lab's id of the run that reported. */
  int run();

  /** A step finished. */
  record Step(int run, StepMetrics metrics) implements LabEvent {}

  /** A validation pass finished. */
  record Validation(int run, ValidationMetrics metrics) implements LabEvent {}

  /** The run's state or progress changed. */
  record Status(int run, TrainingRun.Status status) implements LabEvent {}

  /**
   * The run stopped on a NaN or infinity.
   *
   * @param step the step that diverged
   * @param parameter the first bad parameter or gradient, or null if the loss itself was not finite
   * @param message the engine's description
   */
  record Diverged(int run, int step, String parameter, String message) implements LabEvent {}
}
