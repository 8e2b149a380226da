package dev.replens.engine.vae;

/**
 * Two Monte-Carlo estimators of the gradient of {@code E[f(z)]}, {@code z ~ N(μ, σ²)}, with respect
 * to μ and σ, from the same standard-normal draws {@code ε_i} (so {@code z_i = μ + σ ε_i} are the
 * same samples for both).
 *
 * <p>Score function (REINFORCE; Williams 1992), which needs only {@code f(z)}:
 *
 * <pre>
 * ∂/∂μ ≈ (1/n) Σ f(z_i) · (z_i − μ)/σ²
 * ∂/∂σ ≈ (1/n) Σ f(z_i) · ((z_i − μ)² − σ²)/σ³
 * </pre>
 *
 * <p>Reparameterized (pathwise; Kingma &amp; Welling 2014, "Auto-Encoding Variational Bayes",
 * §2.4): write {@code z = μ + σ ε} with {@code ε ~ N(0, 1)} and differentiate through the sample:
 *
 * <pre>
 * ∂/∂μ ≈ (1/n) Σ f'(z_i)
 * ∂/∂σ ≈ (1/n) Σ f'(z_i) · ε_i
 * </pre>
 *
 * Both are unbiased; the reparameterized one usually has a much lower variance because it uses the
 * slope of {@code f} rather than correlating {@code f} with the noise.
 */
public final class GaussianGradients {

  private GaussianGradients() {}

  /**
   * A gradient estimate.
   *
   * @param dMu the estimate of {@code ∂E[f(z)]/∂μ}
   * @param dSigma the estimate of {@code ∂E[f(z)]/∂σ}
   */
  public record Gradient(double dMu, double dSigma) {}

  /** The score-function estimate from standard-normal draws {@code eps}. */
  public static Gradient scoreFunction(TestFunction f, double mu, double sigma, double[] eps) {
    check(sigma, eps);
    double dMu = 0;
    double dSigma = 0;
    for (double e : eps) {
      double z = mu + sigma * e;
      double fz = f.value(z);
      double d = z - mu;
      dMu += fz * d / (sigma * sigma);
      dSigma += fz * (d * d - sigma * sigma) / (sigma * sigma * sigma);
    }
    return new Gradient(dMu / eps.length, dSigma / eps.length);
  }

  /** The reparameterized (pathwise) estimate from standard-normal draws {@code eps}. */
  public static Gradient reparameterized(TestFunction f, double mu, double sigma, double[] eps) {
    check(sigma, eps);
    double dMu = 0;
    double dSigma = 0;
    for (double e : eps) {
      double slope = f.derivative(mu + sigma * e);
      dMu += slope;
      dSigma += slope * e;
    }
    return new Gradient(dMu / eps.length, dSigma / eps.length);
  }

  /** The exact gradient. */
  public static Gradient exact(TestFunction f, double mu, double sigma) {
    return new Gradient(f.exactDMu(mu, sigma), f.exactDSigma(mu, sigma));
  }

  private static void check(double sigma, double[] eps) {
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("σ must be positive, got " + sigma);
    }
    if (eps.length == 0) {
      throw new IllegalArgumentException("an estimate needs at least one sample");
    }
  }
}
