package dev.replens.views.heatmap;

import java.util.Arrays;

/**
 * Renders an error map ({@code h × w} non-negative values, row-major) into ARGB pixels in a
 * sequential scale ({@link Colormap#SEQUENTIAL} by default, {@link Colormap#ROUND_OFF} against a
 * round-off bound), each position a {@code cell × cell} square. Linear: {@code t = v / max}.
 * Logarithmic: {@code t = log(v / floor) / log(max / floor)}, so values at or below {@code floor}
 * are white; errors span 1e−8 to 1, where a linear scale would show only the worst. Infinite errors
 * are full color, NaN is {@link Colormap#NAN_ARGB}. Pure; any thread.
 */
public final class ErrorMapRenderer {

  private ErrorMapRenderer() {}

  /** The scale parameter {@code t} in [0, 1] of one value. */
  public static double t(double v, double max, boolean log, double floor) {
    if (Double.isNaN(v)) {
      return Double.NaN;
    }
    if (Double.isInfinite(v)) {
      return 1;
    }
    if (!(max > 0)) {
      return 0;
    }
    if (log) {
      if (v <= floor || !(floor > 0) || floor >= max) {
        return v >= max && max > 0 ? 1 : 0;
      }
      return Math.min(1, Math.log(v / floor) / Math.log(max / floor));
    }
    return Math.min(1, v / max);
  }

  /**
   * {@link #render(double[], int, int, int, Colormap, double, boolean, double, int[])} in {@link
   * Colormap#SEQUENTIAL}.
   */
  public static int[] render(
      double[] map,
      int height,
      int width,
      int cell,
      double max,
      boolean log,
      double floor,
      int[] reuse) {
    return render(map, height, width, cell, Colormap.SEQUENTIAL, max, log, floor, reuse);
  }

  /**
   * Renders the map.
   *
   * @param map {@code height * width} values
   * @param height rows
   * @param width columns
   * @param cell pixels per position side (at least 1)
   * @param colormap a sequential colormap
   * @param max the value drawn at full color
   * @param log whether the scale is logarithmic
   * @param floor for a log scale, the value drawn white
   * @param reuse a buffer to fill if it has the right length, or null
   * @return row-major ARGB, {@code (width * cell) * (height * cell)} pixels
   */
  public static int[] render(
      double[] map,
      int height,
      int width,
      int cell,
      Colormap colormap,
      double max,
      boolean log,
      double floor,
      int[] reuse) {
    if (map.length != height * width || cell < 1) {
      throw new IllegalArgumentException(
          "error map of " + map.length + " values isn't " + height + "×" + width);
    }
    int pw = width * cell;
    int ph = height * cell;
    int[] px = reuse != null && reuse.length == pw * ph ? reuse : new int[pw * ph];
    int[] row = new int[pw];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int c = colormap.argb(t(map[y * width + x], max, log, floor));
        Arrays.fill(row, x * cell, (x + 1) * cell, c);
      }
      for (int r = 0; r < cell; r++) {
        System.arraycopy(row, 0, px, (y * cell + r) * pw, pw);
      }
    }
    return px;
  }
}
