package dev.replens.views;

import java.util.Locale;

/** How the views write numbers: short, locale-independent, with a real minus sign. */
public final class NumberText {

  private NumberText() {}

  /**
   * A value with {@code digits} significant digits: plain notation between 1e-3 and 1e5, otherwise
   * scientific ({@code 3.1e-07}). Zero is {@code 0}, infinities are {@code ∞}.
   */
  public static String of(double v, int digits) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    String s;
    if (a >= 1e-3 && a < 1e5) {
      s = stripZeros(String.format(Locale.ROOT, "%." + digits + "g", v));
    } else {
      s = String.format(Locale.ROOT, "%." + Math.max(0, digits - 1) + "e", v);
    }
    return s.replace('-', '−');
  }

  /** {@link #of(double, int)} with 4 significant digits. */
  public static String of(double v) {
    return of(v, 4);
  }

  /** Scientific notation with two significant digits, as in {@code 3.1e-07}. */
  public static String scientific(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
      return of(v);
    }
    return String.format(Locale.ROOT, "%.1e", v).replace('-', '−');
  }

  /** A value with enough digits to be read back exactly (for readouts of kernel values). */
  public static String exact(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
      return of(v);
    }
    return of(v, 7);
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0 || s.indexOf('e') >= 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
