package dev.replens.engine.train;

import dev.replens.engine.eval.Verdict;

/**
 * The trained network and its deploy form (one conv per layer) evaluated on the same images.
 *
 * @param images images evaluated
 * @param trainingFormAccuracy accuracy of the network as trained (branches, eval-mode BN)
 * @param deployAccuracy accuracy of the fused network
 * @param maxLogitDiff {@code max |logit_deploy − logit_trained|} over all images and classes
 * @param logitBound the round-off bound of that difference over the same logits ({@link
 *     DeployCheck})
 * @param differingPredictions images whose predicted class differs
 * @param precision the precision both forms were evaluated in, e.g. {@code float64}
 */
public record DeployReport(
    int images,
    double trainingFormAccuracy,
    double deployAccuracy,
    double maxLogitDiff,
    double logitBound,
    int differingPredictions,
    String precision) {

  /** Whether every prediction is the same. */
  public boolean identicalPredictions() {
    return differingPredictions == 0;
  }

  /** The logit difference judged against its round-off bound. */
  public Verdict verdict() {
    return new Verdict(maxLogitDiff, logitBound, precision, null);
  }

  /** Whether the deploy form is exact: identical predictions and logits within round-off. */
  public boolean passes() {
    return identicalPredictions() && verdict().withinRoundOff();
  }

  /** One line for logs and the command line. */
  public String summary() {
    return String.format(
        "fuse and verify on %d images (%s): trained %.2f%%, deployed %.2f%%, max logit |Δ| %.2e,"
            + " %s, %s",
        images,
        precision,
        100 * trainingFormAccuracy,
        100 * deployAccuracy,
        maxLogitDiff,
        verdict().text(),
        identicalPredictions()
            ? "identical predictions"
            : differingPredictions + " predictions differ");
  }
}
