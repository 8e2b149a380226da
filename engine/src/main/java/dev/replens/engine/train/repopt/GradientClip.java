package dev.replens.engine.train.repopt;

import dev.replens.engine.train.StepHook;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Clips the raw gradients of a step to a global L2 norm, as PyTorch's {@code
 * clip_grad_norm_(params, maxNorm)} does before {@code optimizer.step()}:
 *
 * <pre>
 *   n = sqrt(Σ_p ‖g_p‖²),   if n > maxNorm:  g_p ← g_p · maxNorm / (n + 1e-6)
 * </pre>
 *
 * It runs before the gradient multipliers, so RepOpt's multiplied gradient is clipped where the
 * reference would clip it. It breaks the CSLA/RepOpt equivalence: each model is clipped by its own
 * norm, and the CSLA norm {@code ‖(g_K, g_1, g_D)‖ = ‖(s_c·g, s_1·g_centre, g_diag)‖} is not the
 * RepOpt norm {@code ‖g‖}, so the two models take differently scaled steps.
 */
public final class GradientClip implements StepHook {

  private final double maxNorm;
  private volatile double lastNorm;
  private volatile boolean lastClipped;

  /**
   * @throws IllegalArgumentException if {@code maxNorm} is not positive
   */
  public GradientClip(double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("the clipping norm must be positive, not " + maxNorm);
    }
    this.maxNorm = maxNorm;
  }

  /** The norm gradients are clipped to. */
  public double maxNorm() {
    return maxNorm;
  }

  /** The global gradient norm of the last step, before clipping. */
  public double lastNorm() {
    return lastNorm;
  }

  /** Whether the last step was clipped. */
  public boolean lastClipped() {
    return lastClipped;
  }

  /** The global L2 norm of a set of gradients. */
  public static double globalNorm(Map<String, INDArray> gradients) {
    double sq = 0;
    for (INDArray g : gradients.values()) {
      double n = g.norm2Number().doubleValue();
      sq += n * n;
    }
    return Math.sqrt(sq);
  }

  @Override
  public void beforeUpdate(
      int step, Map<String, INDArray> gradients, Map<String, INDArray> parameters) {
    double n = globalNorm(gradients);
    lastNorm = n;
    lastClipped = n > maxNorm;
    if (lastClipped) {
      double f = maxNorm / (n + 1e-6);
      for (INDArray g : gradients.values()) {
        g.muli(f);
      }
    }
  }
}
