package dev.replens.views.heatmap;

/**
 * Where every tap of a kernel grid lands, in pixels: {@code rows × cols} kernels of {@code kh × kw}
 * taps, each tap {@code tap} pixels square, taps separated by {@code thin} pixel lines and kernels
 * (channels) by {@code thick} pixel lines, with a thick line around the whole grid. Rendering and
 * hit-testing share this one mapping, so a hovered pixel always names the tap drawn there.
 *
 * @param rows out channels shown
 * @param cols in channels shown
 * @param kh kernel height
 * @param kw kernel width
 * @param tap pixels per tap side (at least 1)
 * @param thin pixels of the lines between taps of one kernel (0 or more)
 * @param thick pixels of the lines between kernels (at least 1)
 */
public record HeatmapGeometry(int rows, int cols, int kh, int kw, int tap, int thin, int thick) {

  public HeatmapGeometry {
    if (rows < 0 || cols < 0 || kh < 1 || kw < 1 || tap < 1 || thin < 0 || thick < 1) {
      throw new IllegalArgumentException(
          "bad heatmap geometry: "
              + rows
              + "x"
              + cols
              + " kernels of "
              + kh
              + "x"
              + kw
              + ", tap "
              + tap
              + ", lines "
              + thin
              + "/"
              + thick);
    }
  }

  /**
   * The geometry for a tap size, with line widths that suit it: no lines between taps below 5
   * pixels, 1-pixel kernel lines below 3.
   */
  public static HeatmapGeometry of(int rows, int cols, int kh, int kw, int tap) {
    int t = Math.max(1, tap);
    return new HeatmapGeometry(rows, cols, kh, kw, t, t >= 5 ? 1 : 0, t >= 3 ? 2 : 1);
  }

  /**
   * The largest tap size whose grid fits in {@code width × height} pixels (at least 1, so the
   * result may overflow a tiny area).
   */
  public static int fitTap(int rows, int cols, int kh, int kw, double width, double height) {
    int best = 1;
    for (int t = 2; t <= 256; t++) {
      HeatmapGeometry g = of(rows, cols, kh, kw, t);
      if (g.width() > width || g.height() > height) {
        break;
      }
      best = t;
    }
    return best;
  }

  /** Pixel width of one kernel. */
  public int kernelWidth() {
    return kw * tap + (kw - 1) * thin;
  }

  /** Pixel height of one kernel. */
  public int kernelHeight() {
    return kh * tap + (kh - 1) * thin;
  }

  /** Total pixel width, grid lines included. */
  public int width() {
    return thick + cols * (kernelWidth() + thick);
  }

  /** Total pixel height, grid lines included. */
  public int height() {
    return thick + rows * (kernelHeight() + thick);
  }

  /** Left pixel of kernel column {@code col}. */
  public int kernelLeft(int col) {
    return thick + col * (kernelWidth() + thick);
  }

  /** Top pixel of kernel row {@code row}. */
  public int kernelTop(int row) {
    return thick + row * (kernelHeight() + thick);
  }

  /** Left pixel of tap column {@code x} in kernel column {@code col}. */
  public int tapLeft(int col, int x) {
    return kernelLeft(col) + x * (tap + thin);
  }

  /** Top pixel of tap row {@code y} in kernel row {@code row}. */
  public int tapTop(int row, int y) {
    return kernelTop(row) + y * (tap + thin);
  }

  /**
   * The tap under pixel {@code (px, py)} as {@code {row, col, y, x}}, or null outside the grid or
   * on a line between kernels. A pixel on a line between taps counts as the tap before it.
   */
  public int[] hit(double px, double py) {
    int[] cx = axisHit(px, cols, kw, kernelWidth());
    int[] cy = axisHit(py, rows, kh, kernelHeight());
    if (cx == null || cy == null) {
      return null;
    }
    return new int[] {cy[0], cx[0], cy[1], cx[1]};
  }

  private int[] axisHit(double p, int count, int taps, int kernelSize) {
    if (p < thick) {
      return null;
    }
    int q = (int) Math.floor(p) - thick;
    int stride = kernelSize + thick;
    int kernel = q / stride;
    int r = q % stride;
    if (kernel >= count || r >= kernelSize) {
      return null;
    }
    return new int[] {kernel, Math.min(taps - 1, r / (tap + thin))};
  }
}
