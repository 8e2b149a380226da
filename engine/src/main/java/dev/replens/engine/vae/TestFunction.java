package dev.replens.engine.vae;

import java.util.Locale;

/**
 * A smooth function {@code f} whose expectation {@code E[f(z)]} under {@code z ~ N(μ, σ²)} has a
 * closed form, so that estimated gradients can be compared with the exact ones.
 */
public enum TestFunction {
  /** {@code f(z) = z²}: {@code E = μ² + σ²}, {@code ∂/∂μ = 2μ}, {@code ∂/∂σ = 2σ}. */
  SQUARE("z^{2}", "z²") {
    @Override
    public double value(double z) {
      return z * z;
    }

    @Override
    public double derivative(double z) {
      return 2 * z;
    }

    @Override
    public double exactDMu(double mu, double sigma) {
      return 2 * mu;
    }

    @Override
    public double exactDSigma(double mu, double sigma) {
      return 2 * sigma;
    }
  },
  /**
   * {@code f(z) = sin z}: {@code E = sin μ · e^{−σ²/2}}, {@code ∂/∂μ = cos μ · e^{−σ²/2}}, {@code
   * ∂/∂σ = −σ sin μ · e^{−σ²/2}}.
   */
  SINE("\\mathrm{sin}\\, z", "sin z") {
    @Override
    public double value(double z) {
      return Math.sin(z);
    }

    @Override
    public double derivative(double z) {
      return Math.cos(z);
    }

    @Override
    public double exactDMu(double mu, double sigma) {
      return Math.cos(mu) * Math.exp(-sigma * sigma / 2);
    }

    @Override
    public double exactDSigma(double mu, double sigma) {
      return -sigma * Math.sin(mu) * Math.exp(-sigma * sigma / 2);
    }
  },
  /**
   * {@code f(z) = e^z}: {@code E = e^{μ + σ²/2}}, {@code ∂/∂μ = E}, {@code ∂/∂σ = σ E} (the
   * log-normal mean).
   */
  EXP("e^{z}", "exp z") {
    @Override
    public double value(double z) {
      return Math.exp(z);
    }

    @Override
    public double derivative(double z) {
      return Math.exp(z);
    }

    @Override
    public double exactDMu(double mu, double sigma) {
      return Math.exp(mu + sigma * sigma / 2);
    }

    @Override
    public double exactDSigma(double mu, double sigma) {
      return sigma * Math.exp(mu + sigma * sigma / 2);
    }
  };

  private final String latex;
  private final String text;

  TestFunction(String latex, String text) {
    this.latex = latex;
    this.text = text;
  }

  /** {@code f(z)}. */
  public abstract double value(double z);

  /** {@code f'(z)}. */
  public abstract double derivative(double z);

  /** The exact {@code ∂E[f(z)]/∂μ}. */
  public abstract double exactDMu(double mu, double sigma);

  /** The exact {@code ∂E[f(z)]/∂σ}. */
  public abstract double exactDSigma(double mu, double sigma);

  /** The function in the formula view's LaTeX subset, e.g. {@code z^{2}}. */
  public String latex() {
    return latex;
  }

  /** The function as plain text, e.g. {@code z²}. */
  public String text() {
    return text;
  }

  /** The name lesson files use: {@code square}, {@code sine}, {@code exp}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The function with this id, or null. */
  public static TestFunction byId(String id) {
    for (TestFunction f : values()) {
      if (f.id().equalsIgnoreCase(id)) {
        return f;
      }
    }
    return null;
  }
}
