package dev.replens.engine.train;

import java.util.Locale;

/**
 * The optimizer and its hyper-parameters.
 *
 * @param kind SGD with momentum, Adam (L2 weight decay added to the gradient) or AdamW (decoupled
 *     weight decay)
 * @param learningRate the step size
 * @param momentum SGD's momentum (ignored by Adam)
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps Adam's denominator epsilon
 * @param weightDecay the weight decay, applied to every trained parameter
 */
public record OptimizerConfig(
    Kind kind,
    double learningRate,
    double momentum,
    double beta1,
    double beta2,
    double eps,
    double weightDecay) {

  /** The optimizers. */
  public enum Kind {
    SGD,
    ADAM,
    ADAMW;

    /** The kind named {@code text}: sgd, adam or adamw. */
    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.name().equalsIgnoreCase(text)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown optimizer '" + text + "' (expected sgd, adam or adamw)");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public OptimizerConfig {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("the learning rate must be positive, not " + learningRate);
    }
    if (momentum < 0 || momentum >= 1) {
      throw new IllegalArgumentException("momentum must be in [0, 1), not " + momentum);
    }
    if (weightDecay < 0) {
      throw new IllegalArgumentException("weight decay must not be negative, not " + weightDecay);
    }
  }

  /** SGD with momentum, PyTorch's semantics. */
  public static OptimizerConfig sgd(double lr, double momentum, double weightDecay) {
    return new OptimizerConfig(Kind.SGD, lr, momentum, 0.9, 0.999, 1e-8, weightDecay);
  }

  /** Adam with PyTorch's defaults for the betas and epsilon. */
  public static OptimizerConfig adam(double lr, double weightDecay) {
    return new OptimizerConfig(Kind.ADAM, lr, 0, 0.9, 0.999, 1e-8, weightDecay);
  }

  /** AdamW with PyTorch's defaults for the betas and epsilon. */
  public static OptimizerConfig adamw(double lr, double weightDecay) {
    return new OptimizerConfig(Kind.ADAMW, lr, 0, 0.9, 0.999, 1e-8, weightDecay);
  }

  /** A copy with another learning rate. */
  public OptimizerConfig withLearningRate(double lr) {
    return new OptimizerConfig(kind, lr, momentum, beta1, beta2, eps, weightDecay);
  }

  /** A short description, e.g. {@code sgd lr 0.05 m 0.9 wd 0.0001}. */
  public String describe() {
    return kind
        + " lr "
        + learningRate
        + (kind == Kind.SGD ? " m " + momentum : "")
        + (weightDecay > 0 ? " wd " + weightDecay : "");
  }
}
