package dev.replens.views.heatmap;

import javafx.scene.paint.Color;

/**
 * The color scales of the heatmaps, as lookup tables of opaque ARGB colors.
 *
 * <ul>
 *   <li>{@link #DIVERGING}: blue for negative, white for exactly 0, red for positive; the anchors
 *       are ColorBrewer's RdBu (Brewer, Harrower: "ColorBrewer.org", 2003) with a pure white
 *       centre. Its input {@code t} lies in [−1, 1].
 *   <li>{@link #SEQUENTIAL}: white for 0 through orange to dark red; ColorBrewer's OrRd with a pure
 *       white start. Its input {@code t} lies in [0, 1].
 *   <li>{@link #ROUND_OFF}: an error against its round-off bound on a log scale of {@value
 *       #ROUND_OFF_DECADES_BELOW} decades below the bound and {@value #ROUND_OFF_DECADES_ABOVE}
 *       above it: near-white through pale green up to the bound (fine: within round-off), then a
 *       break to a warning ramp, yellow at the bound through orange and red to dark red at a
 *       thousand times the bound (a real mismatch). The green is ColorBrewer's Greens, the ramp its
 *       YlOrRd. Its input {@code t} lies in [0, 1], the bound at {@link #ROUND_OFF_BOUND_T}.
 * </ul>
 *
 * The first two are monotone in lightness, so the magnitude reads the same in greyscale; the
 * round-off scale changes hue at its break, which is the point of it.
 */
public enum Colormap {
  DIVERGING(
      true, 0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xffffff, 0xfddbc7, 0xf4a582,
      0xd6604d, 0xb2182b, 0x67001f),
  SEQUENTIAL(
      false, 0xffffff, 0xfee8c8, 0xfdd49e, 0xfdbb84, 0xfc8d59, 0xef6548, 0xd7301f, 0xb30000,
      0x7f0000),
  ROUND_OFF(
      new double[] {0, 0.25, 4 / 7.0, 4 / 7.0, 5 / 7.0, 6 / 7.0, 1},
      0xf7f7f7,
      0xe5f5e0,
      0xa1d99b,
      0xfed976,
      0xfd8d3c,
      0xe31a1c,
      0x800026);

  /** Decades of the round-off scale below its bound. */
  public static final int ROUND_OFF_DECADES_BELOW = 4;

  /** Decades of the round-off scale above its bound. */
  public static final int ROUND_OFF_DECADES_ABOVE = 3;

  /** Where the bound sits on the round-off scale. */
  public static final double ROUND_OFF_BOUND_T =
      (double) ROUND_OFF_DECADES_BELOW / (ROUND_OFF_DECADES_BELOW + ROUND_OFF_DECADES_ABOVE);

  /** Entries of each table; odd, so that the diverging table has an exact white centre. */
  static final int SIZE = 1025;

  /** The color of a NaN value: a violet that neither scale uses. */
  public static final int NAN_ARGB = 0xff8e44ad;

  private final boolean diverging;
  private final int[] table = new int[SIZE];
  private final double[] breaks;

  Colormap(boolean diverging, int... anchors) {
    this(diverging, evenly(anchors.length), anchors);
  }

  /** A sequential map whose anchors sit at the given positions; a repeated position is a break. */
  Colormap(double[] at, int... anchors) {
    this(false, at, anchors);
  }

  private Colormap(boolean diverging, double[] at, int[] anchors) {
    this.diverging = diverging;
    java.util.List<Double> jumps = new java.util.ArrayList<>();
    for (int k = 0; k + 1 < at.length; k++) {
      if (at[k] == at[k + 1]) {
        jumps.add(at[k]);
      }
    }
    this.breaks = jumps.stream().mapToDouble(Double::doubleValue).toArray();
    for (int i = 0; i < SIZE; i++) {
      double u = (double) i / (SIZE - 1);
      int k = 0;
      while (k < at.length - 2 && u >= at[k + 1]) {
        k++;
      }
      double span = at[k + 1] - at[k];
      double f = span > 0 ? Math.min(1, Math.max(0, (u - at[k]) / span)) : 1;
      table[i] = mix(anchors[k], anchors[k + 1], f);
    }
  }

  private static double[] evenly(int n) {
    double[] at = new double[n];
    for (int i = 0; i < n; i++) {
      at[i] = (double) i / (n - 1);
    }
    return at;
  }

  /** The positions in the input range where the color jumps (empty for a continuous map). */
  public double[] breaks() {
    double[] out = breaks.clone();
    if (diverging) {
      for (int i = 0; i < out.length; i++) {
        out[i] = 2 * out[i] - 1;
      }
    }
    return out;
  }

  private static int mix(int a, int b, double f) {
    int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
    int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
    int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
    return 0xff000000 | (r << 16) | (g << 8) | bl;
  }

  /** Whether the input range is [−1, 1] (diverging) rather than [0, 1]. */
  public boolean diverging() {
    return diverging;
  }

  /** The lower end of the input range: −1 or 0. */
  public double lowest() {
    return diverging ? -1 : 0;
  }

  /**
   * The opaque ARGB color of {@code t}, clamped to the input range; NaN maps to {@link #NAN_ARGB}.
   */
  public int argb(double t) {
    if (Double.isNaN(t)) {
      return NAN_ARGB;
    }
    double u = diverging ? (t + 1) * 0.5 : t;
    if (u <= 0) {
      return table[0];
    }
    if (u >= 1) {
      return table[SIZE - 1];
    }
    return table[(int) Math.round(u * (SIZE - 1))];
  }

  /** {@link #argb(double)} as a JavaFX color. */
  public Color color(double t) {
    int c = argb(t);
    return Color.rgb((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
  }
}
