package dev.replens.engine.eval;

import dev.replens.engine.pipeline.Step;

/**
 * A pipeline step measured against the training form on a probe input.
 *
 * @param index the step's index in the pipeline
 * @param step the step
 * @param error its output compared with the training form's (before the activation)
 * @param verdict {@code max |Δ|} judged against the round-off bound of the two forms on the probe
 *     ({@link RoundOff}); a mismatch names the first step that parted beyond its bound
 * @param diagnosis for the first step beyond its bound: which transform diverged and why; otherwise
 *     null
 */
public record StepCheck(int index, Step step, Comparison error, Verdict verdict, String diagnosis) {

  /** Whether the step is equivalent to the training form within round-off. */
  public boolean ok() {
    return verdict.withinRoundOff();
  }

  /** The round-off bound this step's error is judged against. */
  public double bound() {
    return verdict.bound();
  }
}
