package dev.replens.engine.train.dyrep;

/**
 * One layer's saliency at one step [DyRep, Sec. 3.2; the reference's default {@code synflow} metric
 * is {@code (grad * weight).sum()} per conv, averaged between adjustments].
 *
 * @param step the step
 * @param layer the layer
 * @param saliency {@code Σ ∂L/∂W ⊙ W} over the layer's conv weights at this step
 * @param magnitude {@code Σ |∂L/∂W ⊙ W|}: what the sum would be if nothing cancelled
 * @param intervalMean the mean saliency since the last adjustment, this step included: what DyRep
 *     ranks the layers by
 */
public record SaliencySample(
    int step, String layer, double saliency, double magnitude, double intervalMean) {

  /** {@code |Σ g⊙W| / Σ |g⊙W|}: near 0 when the terms cancel, 1 when they all agree. */
  public double cancellation() {
    return magnitude == 0 ? 0 : Math.abs(saliency) / magnitude;
  }
}
