package dev.replens.views.heatmap;

import dev.replens.engine.kernel.KernelSnapshot;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * Renders a page of a kernel into ARGB pixels: the pure, window-free core of {@link KernelHeatmap},
 * also what a benchmark times.
 *
 * <p>Each tap is a square in the {@link Colormap#DIVERGING} scale, {@code value / scale} clamped to
 * [−1, 1], so 0 is white and ±scale is full blue or red. Kernels where the groups leave the in
 * channel unconnected are hatched grey over their whole area, so they never read as value 0. Light
 * lines separate the taps of a kernel, darker and thicker lines separate channels.
 *
 * <p>Cost: one pass over the pixels with table lookups; no per-tap drawing calls. The pixel arrays
 * are plain {@code int[]} (opaque, so ARGB and premultiplied ARGB coincide), and {@link
 * #render(KernelSnapshot, ChannelWindow, HeatmapGeometry, double, int[])} reuses a caller's buffer
 * so that re-rendering allocates nothing.
 *
 * <p>Use from any thread; only {@link #toImage} and {@link #write} need the JavaFX toolkit. A
 * benchmark times one page of a 64×64×3×3 kernel like this:
 *
 * <pre>{@code
 * ChannelWindow all = new ChannelWindow(0, 64, 0, 64);
 * HeatmapGeometry g = HeatmapGeometry.of(64, 64, 3, 3, 4); // 4 px taps: 898 × 898 px
 * int[] pixels = null;
 * pixels = KernelHeatmapRenderer.render(kernel, all, g, kernel.maxAbs(), pixels); // time this
 * }</pre>
 */
public final class KernelHeatmapRenderer {

  /** Lines between the taps of one kernel. */
  static final int THIN_LINE = 0xffe3e3e3;

  /** Lines between kernels (channels). */
  static final int THICK_LINE = 0xff8c8c8c;

  /**
   * The two stripes of a not-connected kernel: neutral greys, darker than any light colormap tint.
   */
  static final int HATCH_DARK = 0xffb4b4b4;

  static final int HATCH_LIGHT = 0xffd2d2d2;

  private KernelHeatmapRenderer() {}

  /**
   * Renders a channel window of a kernel.
   *
   * @param kernel the kernel
   * @param window the channels shown; its counts must match {@code geometry.rows/cols}
   * @param geometry the pixel layout
   * @param scale the |value| drawn at full color; at most 0 draws every finite value white
   * @param reuse a buffer to fill if it has exactly {@code width * height} entries, or null
   * @return row-major opaque ARGB pixels, {@code geometry.width() * geometry.height()} of them
   */
  public static int[] render(
      KernelSnapshot kernel,
      ChannelWindow window,
      HeatmapGeometry geometry,
      double scale,
      int[] reuse) {
    if (window.outCount() != geometry.rows()
        || window.inCount() != geometry.cols()
        || geometry.kh() != kernel.kh()
        || geometry.kw() != kernel.kw()) {
      throw new IllegalArgumentException(
          "geometry " + geometry + " doesn't match " + window + " of " + kernel);
    }
    if (window.outTo() > kernel.out() || window.inTo() > kernel.in()) {
      throw new IllegalArgumentException(window + " lies outside " + kernel);
    }
    int width = geometry.width();
    int height = geometry.height();
    int[] px = reuse != null && reuse.length == width * height ? reuse : new int[width * height];

    int rows = geometry.rows();
    int cols = geometry.cols();
    int kh = kernel.kh();
    int kw = kernel.kw();
    int tapCols = cols * kw;

    // Colors of every tap in the window, and which kernels are connected at all.
    int[] tapColor = new int[rows * kh * tapCols];
    boolean[] connected = new boolean[rows * cols];
    double inv = scale > 0 ? 1.0 / scale : 0.0;
    int outPerGroup = kernel.out() / kernel.groups();
    int inPerGroup = kernel.inPerGroup();
    Colormap map = Colormap.DIVERGING;
    for (int r = 0; r < rows; r++) {
      int o = window.outFrom() + r;
      int groupStart = (o / outPerGroup) * inPerGroup;
      for (int c = 0; c < cols; c++) {
        int local = window.inFrom() + c - groupStart;
        if (local < 0 || local >= inPerGroup) {
          continue;
        }
        connected[r * cols + c] = true;
        for (int y = 0; y < kh; y++) {
          int base = (r * kh + y) * tapCols + c * kw;
          for (int x = 0; x < kw; x++) {
            double v = kernel.at(o, local, y, x);
            tapColor[base + x] = Double.isNaN(v) ? Colormap.NAN_ARGB : map.argb(v * inv);
          }
        }
      }
    }

    // Per pixel column/row: which kernel (−1 on a channel line) and which tap (−1 on a tap line).
    int[] colKernel = new int[width];
    int[] colTap = new int[width];
    axisMap(colKernel, colTap, cols, kw, geometry.tap(), geometry.thin(), geometry.thick());
    int[] rowKernel = new int[height];
    int[] rowTap = new int[height];
    axisMap(rowKernel, rowTap, rows, kh, geometry.tap(), geometry.thin(), geometry.thick());

    for (int py = 0; py < height; py++) {
      int off = py * width;
      int rk = rowKernel[py];
      if (rk < 0) {
        java.util.Arrays.fill(px, off, off + width, THICK_LINE);
        continue;
      }
      int ry = rowTap[py];
      int tapRow = (rk * kh + Math.max(ry, 0)) * tapCols;
      int connRow = rk * cols;
      for (int pxl = 0; pxl < width; pxl++) {
        int ck = colKernel[pxl];
        int color;
        if (ck < 0) {
          color = THICK_LINE;
        } else if (!connected[connRow + ck]) {
          color = (((pxl + py) >> 2) & 1) == 0 ? HATCH_DARK : HATCH_LIGHT;
        } else {
          int cx = colTap[pxl];
          color = ry < 0 || cx < 0 ? THIN_LINE : tapColor[tapRow + ck * kw + cx];
        }
        px[off + pxl] = color;
      }
    }
    return px;
  }

  private static void axisMap(
      int[] kernelOf, int[] tapOf, int count, int taps, int tap, int thin, int thick) {
    int p = 0;
    for (int k = 0; k < count; k++) {
      for (int i = 0; i < thick; i++, p++) {
        kernelOf[p] = -1;
        tapOf[p] = -1;
      }
      for (int t = 0; t < taps; t++) {
        for (int i = 0; i < tap; i++, p++) {
          kernelOf[p] = k;
          tapOf[p] = t;
        }
        if (t < taps - 1) {
          for (int i = 0; i < thin; i++, p++) {
            kernelOf[p] = k;
            tapOf[p] = -1;
          }
        }
      }
    }
    for (int i = 0; i < thick; i++, p++) {
      kernelOf[p] = -1;
      tapOf[p] = -1;
    }
  }

  /**
   * Renders a whole page into a new image at {@code tap} pixels per tap: a convenience for export
   * and benchmarks. Needs the JavaFX toolkit.
   */
  public static WritableImage toImage(
      KernelSnapshot kernel, ChannelWindow window, int tap, double scale) {
    HeatmapGeometry g =
        HeatmapGeometry.of(window.outCount(), window.inCount(), kernel.kh(), kernel.kw(), tap);
    int[] px = render(kernel, window, g, scale, null);
    WritableImage img = new WritableImage(g.width(), g.height());
    write(img, px, g.width(), g.height());
    return img;
  }

  /** Copies rendered pixels into an image of the same size. */
  public static void write(WritableImage image, int[] argb, int width, int height) {
    image
        .getPixelWriter()
        .setPixels(0, 0, width, height, PixelFormat.getIntArgbPreInstance(), argb, 0, width);
  }
}
