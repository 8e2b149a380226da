package dev.replens.engine.eval;

import dev.replens.engine.pipeline.Step;

/**
 * A pipeline step measured against the training form on a probe input.
 *
 * @param index the step's index in the pipeline
 * @param step the step
 * @param error its output compared with the training form's (before the activation)
 * @param tolerance the tolerance used
 * @param diagnosis for the first step over the tolerance: which transform diverged and why;
 *     otherwise null
 */
public record StepCheck(
    int index, Step step, Comparison error, double tolerance, String diagnosis) {

  /** Whether the step is equivalent to the training form within the tolerance. */
  public boolean ok() {
    return error.maxAbs() <= tolerance;
  }
}
