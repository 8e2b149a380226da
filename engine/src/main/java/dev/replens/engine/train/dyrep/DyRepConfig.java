package dev.replens.engine.train.dyrep;

/**
 * How DyRep changes the structure while training.
 *
 * @param interval adjust every this many steps: grow the most salient conv, cut weak branches
 * @param smallGamma the γ a new branch's last BN starts with (the reference uses 0.01)
 * @param cutThreshold a branch whose weight {@code mean|γ_last|/mean|γ_KxK|} is below this and
 *     below the block's mean is cut (the reference uses 0.1)
 * @param minSpread branches are cut only when the standard deviation of a block's branch weights
 *     exceeds this (the reference uses 0.02)
 * @param roundOffRatio a saliency {@code |Σ g⊙W|} below this fraction of {@code Σ |g⊙W|} is
 *     reported as cancelling out to nothing
 * @param seed seeds the convs of grown branches and the probe inputs
 */
public record DyRepConfig(
    int interval,
    double smallGamma,
    double cutThreshold,
    double minSpread,
    double roundOffRatio,
    long seed) {

  public DyRepConfig {
    if (interval < 1) {
      throw new IllegalArgumentException("the DyRep interval must be positive, not " + interval);
    }
    if (!(smallGamma > 0)) {
      throw new IllegalArgumentException("the new branches' γ must be positive, not " + smallGamma);
    }
  }

  /** The reference's settings with an adjustment every {@code interval} steps. */
  public static DyRepConfig defaults(int interval) {
    return new DyRepConfig(interval, 0.01, 0.1, 0.02, 1e-3, 1);
  }

  public DyRepConfig withInterval(int i) {
    return new DyRepConfig(i, smallGamma, cutThreshold, minSpread, roundOffRatio, seed);
  }

  public DyRepConfig withCut(double threshold, double spread) {
    return new DyRepConfig(interval, smallGamma, threshold, spread, roundOffRatio, seed);
  }

  public DyRepConfig withSeed(long s) {
    return new DyRepConfig(interval, smallGamma, cutThreshold, minSpread, roundOffRatio, s);
  }
}
