package dev.replens.engine.eval;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How far one output is from a reference output of the same shape.
 *
 * @param maxAbs {@code max |y − ref|}
 * @param maxRel {@code max |y − ref| / max(|ref|, 1e-3 · max|ref|)}: relative to each element, with
 *     a floor so that near-zero reference values don't dominate
 * @param perChannelMaxAbs the max absolute error of each output channel
 * @param errorMap {@code max |y − ref|} over batch and channels, per spatial position, row-major
 * @param height rows of the error map
 * @param width columns of the error map
 */
public record Comparison(
    double maxAbs,
    double maxRel,
    double[] perChannelMaxAbs,
    double[] errorMap,
    int height,
    int width) {

  public Comparison {
    perChannelMaxAbs = perChannelMaxAbs.clone();
    errorMap = errorMap.clone();
  }

  /** Compares {@code y} with {@code ref}; both NCHW of equal shape. */
  public static Comparison of(INDArray ref, INDArray y) {
    if (!Arrays.equals(ref.shape(), y.shape())) {
      throw new IllegalArgumentException(
          "can't compare outputs of shapes "
              + Arrays.toString(ref.shape())
              + " and "
              + Arrays.toString(y.shape()));
    }
    int n = (int) ref.size(0);
    int c = (int) ref.size(1);
    int h = (int) ref.size(2);
    int w = (int) ref.size(3);
    double[] r = ref.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] v = y.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double refMax = 0;
    for (double d : r) {
      refMax = Math.max(refMax, Math.abs(d));
    }
    double floor = Math.max(1e-3 * refMax, Double.MIN_NORMAL);
    double maxAbs = 0;
    double maxRel = 0;
    double[] perChannel = new double[c];
    double[] map = new double[h * w];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < h * w; p++) {
          int i = (b * c + ch) * h * w + p;
          double d = Math.abs(v[i] - r[i]);
          if (Double.isNaN(d)) {
            d = Double.POSITIVE_INFINITY;
          }
          maxAbs = Math.max(maxAbs, d);
          maxRel = Math.max(maxRel, d / Math.max(Math.abs(r[i]), floor));
          perChannel[ch] = Math.max(perChannel[ch], d);
          map[p] = Math.max(map[p], d);
        }
      }
    }
    return new Comparison(maxAbs, maxRel, perChannel, map, h, w);
  }

  /** The output channel with the largest error. */
  public int worstChannel() {
    int best = 0;
    for (int i = 1; i < perChannelMaxAbs.length; i++) {
      if (perChannelMaxAbs[i] > perChannelMaxAbs[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Whether every position whose error exceeds the tolerance lies within {@code ring} rows or
   * columns of the map's edge (and at least one does): the signature of a padding mismatch.
   */
  public boolean errorOnlyNearBorder(int ring, double tolerance) {
    if (maxAbs <= tolerance) {
      return false;
    }
    for (int y = ring; y < height - ring; y++) {
      for (int x = ring; x < width - ring; x++) {
        if (errorMap[y * width + x] > tolerance) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public double[] perChannelMaxAbs() {
    return perChannelMaxAbs.clone();
  }

  @Override
  public double[] errorMap() {
    return errorMap.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Comparison other
        && other.maxAbs == maxAbs
        && other.maxRel == maxRel
        && Arrays.equals(other.perChannelMaxAbs, perChannelMaxAbs)
        && Arrays.equals(other.errorMap, errorMap);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(maxAbs) * 31 + Arrays.hashCode(errorMap);
  }

  @Override
  public String toString() {
    return String.format("max |Δ| = %.3g, max rel = %.3g", maxAbs, maxRel);
  }
}
