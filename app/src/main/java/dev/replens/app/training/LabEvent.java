package dev.replens.app.training;

import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.ValidationMetrics;

/**
 * What a run measured, as the lab hands it to the charts: every payload is an immutable engine
 * value; {@code run} says which of the lab's runs it came from.
 */
sealed interface LabEvent {

  /** The lab's id of the run that reported. */
  int run();

  /** A step finished. */
  record Step(int run, StepMetrics metrics) implements LabEvent {}

  /** A validation pass finished. */
  record Validation(int run, ValidationMetrics metrics) implements LabEvent {}
}
