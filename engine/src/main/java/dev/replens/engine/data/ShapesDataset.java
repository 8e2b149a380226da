package dev.replens.engine.data;

import dev.replens.engine.memory.MemoryBudget;
import java.util.List;
import java.util.SplittableRandom;

/**
 * "shapes": a procedural 10-class image dataset, generated from a seed so that nothing is
 * downloaded and the same seed always gives the same pixels.
 *
 * <p>The classes are patterns whose learned kernels are worth looking at: four oriented bars (edge
 * and line detectors), a fine and a coarse grating (spatial frequency), and four simple shapes.
 * Each image draws its own position, size, thickness, small rotation, contrast, background and
 * noise level, so a class is not one template; in the RGB variant foreground and background colours
 * are random too, so colour carries no label information.
 *
 * <p>Image {@code i} has label {@code i mod 10} and is drawn from its own random stream (seed and
 * index), so a larger set starts with the same images as a smaller one.
 */
public final class ShapesDataset {

  /** The two variants. */
  public enum Variant {
    /** One channel, 28×28, like MNIST. */
    GRAY_28(1, 28, "shapes-28"),
    /** Three channels, 32×32, like CIFAR. */
    RGB_32(3, 32, "shapes-rgb-32");

    private final int channels;
    private final int size;
    private final String id;

    Variant(int channels, int size, String id) {
      this.channels = channels;
      this.size = size;
      this.id = id;
    }

    public int channels() {
      return channels;
    }

    public int size() {
      return size;
    }

    /** The name used on the command line and in dataset names. */
    public String id() {
      return id;
    }
  }

  /** The class names, index = label. */
  public static final List<String> CLASSES =
      List.of(
          "bar 0°",
          "bar 45°",
          "bar 90°",
          "bar 135°",
          "fine grating",
          "coarse grating",
          "circle",
          "square",
          "triangle",
          "cross");

  private ShapesDataset() {}

  /** {@code count} images of the variant. */
  public static Dataset generate(Variant v, int count, long seed) {
    return generate(v, 0, count, seed, v.id());
  }

  /**
   * A training set of {@code trainCount} images and a validation set of the next {@code
   * validationCount} images of the same stream (disjoint draws).
   */
  public static DatasetSplit split(Variant v, int trainCount, int validationCount, long seed) {
    return new DatasetSplit(
        generate(v, 0, trainCount, seed, v.id() + " (train)"),
        generate(v, trainCount, validationCount, seed, v.id() + " (validation)"));
  }

  /**
   * Draws images {@code first} to {@code first + count - 1} of the stream.
   *
   * @throws dev.replens.engine.memory.TooLargeException if the images exceed the memory budget
   */
  private static Dataset generate(Variant v, int first, int count, long seed, String name) {
    if (count < 0) {
      throw new IllegalArgumentException("the image count must not be negative: " + count);
    }
    int s = v.size();
    int len = v.channels() * s * s;
    MemoryBudget.ofThisMachine()
        .require("the " + name + " images", "data sets", "float32", 4, count, v.channels(), s, s);
    float[] images = new float[count * len];
    int[] labels = new int[count];
    float[] mask = new float[s * s];
    for (int k = 0; k < count; k++) {
      int i = first + k;
      int label = i % CLASSES.size();
      SplittableRandom r =
          new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i * 0x632BE59BD9B4E019L);
      java.util.Arrays.fill(mask, 0f);
      drawShape(label, s, r, mask);
      compose(v, r, mask, images, k * len);
      labels[k] = label;
    }
    return new Dataset(name, v.channels(), s, s, images, labels, CLASSES);
  }

  private static void compose(Variant v, SplittableRandom r, float[] mask, float[] out, int off) {
    int plane = mask.length;
    double noise = uniform(r, 0.03, 0.12);
    if (v.channels() == 1) {
      double bg = uniform(r, 0.0, 0.3);
      double contrast = uniform(r, 0.45, 1.0 - bg);
      for (int p = 0; p < plane; p++) {
        out[off + p] = clamp(bg + contrast * mask[p] + noise * r.nextDouble(-1.7, 1.7));
      }
      return;
    }
    for (int c = 0; c < v.channels(); c++) {
      double bg = uniform(r, 0.0, 0.35);
      double fg = uniform(r, 0.55, 1.0);
      for (int p = 0; p < plane; p++) {
        out[off + c * plane + p] =
            clamp(bg + (fg - bg) * mask[p] + noise * r.nextDouble(-1.7, 1.7));
      }
    }
  }

  /** Draws class {@code label}'s pattern as a coverage map in [0, 1] into {@code mask}. */
  private static void drawShape(int label, int s, SplittableRandom r, float[] mask) {
    switch (label) {
      case 0, 1, 2, 3 -> bar(s, r, mask, 45.0 * label + uniform(r, -8, 8));
      case 4 -> grating(s, r, mask, uniform(r, 2.6, 3.6));
      case 5 -> grating(s, r, mask, uniform(r, 7.0, 10.0));
      case 6 -> circle(s, r, mask);
      case 7 -> square(s, r, mask);
      case 8 -> triangle(s, r, mask);
      default -> cross(s, r, mask);
    }
  }

  private static void bar(int s, SplittableRandom r, float[] mask, double angleDeg) {
    double cx = uniform(r, 0.35, 0.65) * s;
    double cy = uniform(r, 0.35, 0.65) * s;
    double half = uniform(r, 0.22, 0.42) * s;
    double thick = uniform(r, 1.2, 2.6);
    double a = Math.toRadians(angleDeg);
    double dx = Math.cos(a) * half;
    double dy = -Math.sin(a) * half;
    segment(s, mask, cx - dx, cy - dy, cx + dx, cy + dy, thick);
  }

  private static void grating(int s, SplittableRandom r, float[] mask, double period) {
    double a = r.nextDouble(Math.PI);
    double phase = r.nextDouble(2 * Math.PI);
    double cx = uniform(r, 0.4, 0.6) * s;
    double cy = uniform(r, 0.4, 0.6) * s;
    double radius = uniform(r, 0.3, 0.45) * s;
    double ca = Math.cos(a);
    double sa = Math.sin(a);
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double px = x + 0.5;
        double py = y + 0.5;
        double wave = 0.5 + 0.5 * Math.cos(2 * Math.PI * (px * ca + py * sa) / period + phase);
        double inside = soft(radius - Math.hypot(px - cx, py - cy));
        mask[y * s + x] = (float) Math.max(mask[y * s + x], wave * inside);
      }
    }
  }

  private static void circle(int s, SplittableRandom r, float[] mask) {
    double radius = uniform(r, 0.18, 0.33) * s;
    double cx = uniform(radius + 1, s - radius - 1, r);
    double cy = uniform(radius + 1, s - radius - 1, r);
    double thick = uniform(r, 1.2, 2.4);
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double d = Math.abs(Math.hypot(x + 0.5 - cx, y + 0.5 - cy) - radius);
        mask[y * s + x] = (float) Math.max(mask[y * s + x], soft(thick / 2 - d));
      }
    }
  }

  private static void square(int s, SplittableRandom r, float[] mask) {
    double half = uniform(r, 0.17, 0.3) * s;
    double reach = half * Math.sqrt(2);
    double cx = uniform(reach + 1, s - reach - 1, r);
    double cy = uniform(reach + 1, s - reach - 1, r);
    double a = Math.toRadians(uniform(r, -12, 12));
    double thick = uniform(r, 1.2, 2.4);
    double ca = Math.cos(a);
    double sa = Math.sin(a);
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double px = x + 0.5 - cx;
        double py = y + 0.5 - cy;
        double u = px * ca + py * sa;
        double v = -px * sa + py * ca;
        double d = Math.abs(Math.max(Math.abs(u), Math.abs(v)) - half);
        mask[y * s + x] = (float) Math.max(mask[y * s + x], soft(thick / 2 - d));
      }
    }
  }

  private static void triangle(int s, SplittableRandom r, float[] mask) {
    double radius = uniform(r, 0.2, 0.36) * s;
    double cx = uniform(radius + 1, s - radius - 1, r);
    double cy = uniform(radius + 1, s - radius - 1, r);
    double rot = r.nextDouble(2 * Math.PI);
    double[] vx = new double[3];
    double[] vy = new double[3];
    for (int k = 0; k < 3; k++) {
      double a = rot + k * 2 * Math.PI / 3;
      vx[k] = cx + radius * Math.cos(a);
      vy[k] = cy + radius * Math.sin(a);
    }
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double px = x + 0.5;
        double py = y + 0.5;
        double inside = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
          int j = (k + 1) % 3;
          double ex = vx[j] - vx[k];
          double ey = vy[j] - vy[k];
          double len = Math.hypot(ex, ey);
          // Signed distance to the edge line, positive on the side of the centre.
          double d = ((px - vx[k]) * ey - (py - vy[k]) * ex) / len;
          double dc = ((cx - vx[k]) * ey - (cy - vy[k]) * ex) / len;
          inside = Math.min(inside, Math.signum(dc) * d);
        }
        mask[y * s + x] = (float) Math.max(mask[y * s + x], soft(inside));
      }
    }
  }

  private static void cross(int s, SplittableRandom r, float[] mask) {
    double arm = uniform(r, 0.15, 0.3) * s;
    double reach = arm * 1.05;
    double cx = uniform(reach + 1, s - reach - 1, r);
    double cy = uniform(reach + 1, s - reach - 1, r);
    double a = Math.toRadians(uniform(r, -10, 10));
    double thick = uniform(r, 1.4, 2.6);
    double dx = Math.cos(a) * arm;
    double dy = Math.sin(a) * arm;
    segment(s, mask, cx - dx, cy - dy, cx + dx, cy + dy, thick);
    segment(s, mask, cx + dy, cy - dx, cx - dy, cy + dx, thick);
  }

  /** Draws an anti-aliased line segment of the given thickness. */
  private static void segment(
      int s, float[] mask, double ax, double ay, double bx, double by, double thick) {
    double ex = bx - ax;
    double ey = by - ay;
    double len2 = ex * ex + ey * ey;
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double px = x + 0.5 - ax;
        double py = y + 0.5 - ay;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, (px * ex + py * ey) / len2));
        double d = Math.hypot(px - t * ex, py - t * ey);
        mask[y * s + x] = (float) Math.max(mask[y * s + x], soft(thick / 2 - d));
      }
    }
  }

  /** Coverage of a pixel whose centre lies {@code d} inside an edge: a one-pixel ramp. */
  private static double soft(double d) {
    return Math.max(0, Math.min(1, d + 0.5));
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return hi <= lo ? lo : r.nextDouble(lo, hi);
  }

  private static double uniform(double lo, double hi, SplittableRandom r) {
    return uniform(r, lo, Math.max(lo, hi));
  }

  private static float clamp(double v) {
    return (float) Math.max(0, Math.min(1, v));
  }
}
