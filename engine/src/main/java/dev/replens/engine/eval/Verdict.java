package dev.replens.engine.eval;

import java.util.Locale;

/**
 * A measured equivalence error judged against the round-off bound of the arithmetic that produced
 * it ({@link RoundOff}): either <em>within round-off</em> ({@code max |Δ| ≤ B}), which is all two
 * exactly equivalent forms can promise in floating point, or a <em>real mismatch</em>, {@code max
 * |Δ| / B} times the bound, which no summation order can explain.
 *
 * @param maxAbs the measured {@code max |Δ|}; NaN when nothing was measured, +∞ when an output held
 *     a NaN or an infinity
 * @param bound the forward-error bound {@code B} in the same units, {@code ≥ 0}
 * @param precision the arithmetic the bound is for, {@code float32} or {@code float64}
 * @param transform for a mismatch, the title of the transform where the forms first parted beyond
 *     the bound; otherwise (or when unknown) null
 */
public record Verdict(double maxAbs, double bound, String precision, String transform) {

  public Verdict {
    if (!(bound >= 0)) {
      throw new IllegalArgumentException("a round-off bound is ≥ 0, got " + bound);
    }
  }

  /** {@code max |Δ| / B}: below 1 within round-off; ∞ for any error against a zero bound. */
  public double ratio() {
    if (Double.isNaN(maxAbs)) {
      return Double.NaN;
    }
    if (bound == 0) {
      return maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return maxAbs / bound;
  }

  /** Whether the error was measured. */
  public boolean measured() {
    return !Double.isNaN(maxAbs);
  }

  /**
   * Whether the measured error is within the round-off bound; false when not measured, and for an
   * infinite error (a NaN or ∞ in an output) whatever the bound.
   */
  public boolean withinRoundOff() {
    return maxAbs <= bound && !Double.isInfinite(maxAbs);
  }

  /** The same verdict naming the transform where the forms first parted. */
  public Verdict inTransform(String title) {
    return new Verdict(maxAbs, bound, precision, title);
  }

  /**
   * One line for people: {@code within round-off (bound 2.1e-05)} or {@code real mismatch, 38× the
   * bound, in transform “Fold BN …”}.
   */
  public String text() {
    if (!measured()) {
      return "not measured";
    }
    if (withinRoundOff()) {
      return "within round-off (bound " + sci(bound) + ")";
    }
    return "real mismatch, "
        + times(ratio())
        + " the bound"
        + (transform == null ? " " + sci(bound) : ", in transform “" + transform + "”");
  }

  /** A ratio as people read it: {@code 38×}, {@code 2.4×}, {@code 1.7e+08×}. */
  public static String times(double ratio) {
    if (Double.isInfinite(ratio)) {
      return "∞×";
    }
    if (ratio >= 1e4) {
      return String.format(Locale.ROOT, "%.1e×", ratio);
    }
    if (ratio >= 10) {
      return String.format(Locale.ROOT, "%.0f×", ratio);
    }
    return String.format(Locale.ROOT, "%.2g×", ratio);
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.2g", v);
  }
}
