package dev.replens.engine.network;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Symmetric INT8 quantization of a fused kernel, per tensor and per output channel ({@link
 * Int8Report}). Computed in double from the kernel's values.
 */
final class Int8Analysis {

  private static final double LEVELS = 127;

  /**
   * The dynamic range from which a channel stands out enough to look for the branch that widened
   * it; below it {@link Int8Report#inflatingBranch} is null.
   */
  static final double INFLATED = 2;

  private Int8Analysis() {}

  /**
   * Quantizes the kernel both ways and names the branch that contributes most to its largest entry.
   *
   * @param weight the fused kernel, OIHW
   * @param branchKernels each branch fused on its own, OIHW of the same shape, by branch id; empty
   *     when there are no branches to tell apart
   */
  static Int8Report of(INDArray weight, Map<String, INDArray> branchKernels) {
    int out = (int) weight.size(0);
    double[] w = weight.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int per = w.length / Math.max(1, out);
    float[] min = new float[out];
    float[] max = new float[out];
    double[] absMax = new double[out];
    double tensorMax = 0;
    int argMax = 0;
    for (int o = 0; o < out; o++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int j = o * per; j < (o + 1) * per; j++) {
        lo = Math.min(lo, w[j]);
        hi = Math.max(hi, w[j]);
        if (Math.abs(w[j]) > tensorMax) {
          tensorMax = Math.abs(w[j]);
          argMax = j;
        }
      }
      min[o] = (float) lo;
      max[o] = (float) hi;
      absMax[o] = Math.max(Math.abs(lo), Math.abs(hi));
    }
    double errTensor = 0;
    double errChannel = 0;
    int counted = 0;
    for (int o = 0; o < out; o++) {
      double norm = 0;
      double et2 = 0;
      double ec2 = 0;
      for (int j = o * per; j < (o + 1) * per; j++) {
        norm += w[j] * w[j];
        double et = w[j] - quantize(w[j], tensorMax / LEVELS);
        double ec = w[j] - quantize(w[j], absMax[o] / LEVELS);
        et2 += et * et;
        ec2 += ec * ec;
      }
      if (norm > 0) {
        errTensor += Math.sqrt(et2 / norm);
        errChannel += Math.sqrt(ec2 / norm);
        counted++;
      }
    }
    double[] sorted = absMax.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length == 0
            ? 0
            : sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    double range = tensorMax == 0 ? 1 : median == 0 ? Double.POSITIVE_INFINITY : tensorMax / median;
    String inflating = null;
    double best = -1;
    for (Map.Entry<String, INDArray> e : branchKernels.entrySet()) {
      INDArray b = e.getValue();
      if (b.length() != w.length) {
        continue;
      }
      long[] shape = b.shape();
      long rest = argMax;
      long[] at = new long[shape.length];
      for (int d = shape.length - 1; d >= 0; d--) {
        at[d] = rest % shape[d];
        rest /= shape[d];
      }
      double v = Math.abs(b.getDouble(at));
      if (v > best) {
        best = v;
        inflating = e.getKey();
      }
    }
    return new Int8Report(
        counted == 0 ? 0 : errTensor / counted,
        counted == 0 ? 0 : errChannel / counted,
        range,
        inflating,
        min,
        max);
  }

  private static double quantize(double v, double scale) {
    if (scale == 0) {
      return 0;
    }
    double q = Math.max(-LEVELS, Math.min(LEVELS, Math.rint(v / scale)));
    return q * scale;
  }
}
