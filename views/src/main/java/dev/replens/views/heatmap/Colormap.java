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
 * </ul>
 *
 * Both are monotone in lightness, so the magnitude reads the same in greyscale.
 */
public enum Colormap {
  DIVERGING(
      true, 0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xffffff, 0xfddbc7, 0xf4a582,
      0xd6604d, 0xb2182b, 0x67001f),
  SEQUENTIAL(
      false, 0xffffff, 0xfee8c8, 0xfdd49e, 0xfdbb84, 0xfc8d59, 0xef6548, 0xd7301f, 0xb30000,
      0x7f0000);

  /** Entries of each table; odd, so that the diverging table has an exact white centre. */
  static final int SIZE = 1025;

  /** The color of a NaN value: a violet that neither scale uses. */
  public static final int NAN_ARGB = 0xff8e44ad;

  private final boolean diverging;
  private final int[] table = new int[SIZE];

  Colormap(boolean diverging, int... anchors) {
    this.diverging = diverging;
    int segments = anchors.length - 1;
    for (int i = 0; i < SIZE; i++) {
      double pos = (double) i / (SIZE - 1) * segments;
      int k = Math.min((int) pos, segments - 1);
      double f = pos - k;
      table[i] = mix(anchors[k], anchors[k + 1], f);
    }
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
