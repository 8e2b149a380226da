package dev.replens.engine.train;

/**
 * The trained network and its deploy form (one conv per layer) evaluated on the same images.
 *
 * @param images images evaluated
 * @param trainingFormAccuracy accuracy of the network as trained (branches, eval-mode BN)
 * @param deployAccuracy accuracy of the fused network
 * @param maxLogitDiff {@code max |logit_deploy − logit_trained|} over all images and classes
 * @param differingPredictions images whose predicted class differs
 * @param precision the precision both forms were evaluated in, e.g. {@code float64}
 */
public record DeployReport(
    int images,
    double trainingFormAccuracy,
    double deployAccuracy,
    double maxLogitDiff,
    int differingPredictions,
    String precision) {

  /** The largest logit difference the fused form may have. */
  public static final double TOLERANCE = 1e-4;

  /** Whether every prediction is the same. */
  public boolean identicalPredictions() {
    return differingPredictions == 0;
  }

  /**
   * Whether the deploy form is exact: identical predictions and logits within {@link #TOLERANCE}.
   */
  public boolean passes() {
    return identicalPredictions() && maxLogitDiff < TOLERANCE;
  }

  /** One line for logs and the command line. */
  public String summary() {
    return String.format(
        "fuse and verify on %d images (%s): trained %.2f%%, deployed %.2f%%, max logit |Δ| %.2e,"
            + " %s",
        images,
        precision,
        100 * trainingFormAccuracy,
        100 * deployAccuracy,
        maxLogitDiff,
        identicalPredictions()
            ? "identical predictions"
            : differingPredictions + " predictions differ");
  }
}
