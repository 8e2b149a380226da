package dev.replens.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks that a set of weights fits a design: every key present, right shapes, finite values, and
 * BN variances that keep {@code sqrt(σ² + eps)} real. Every value problem names the weight and the
 * index of its first bad value.
 */
public final class WeightCheck {

  private WeightCheck() {}

  /** Every mismatch, one line each; empty if the weights fit. */
  public static List<String> problems(BlockSpec spec, Weights weights) {
    List<String> out = new ArrayList<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray a = weights.find(p.key()).orElse(null);
      if (a == null) {
        out.add("missing '" + p.key() + "' " + p.spec().shapeText());
      } else if (!Arrays.equals(a.shape(), p.spec().shape())) {
        out.add(
            "'"
                + p.key()
                + "' has shape "
                + Arrays.toString(a.shape())
                + ", expected "
                + p.spec().shapeText());
      } else {
        valueProblem(p, a).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The value problems alone (non-finite values, BN variances at or below −eps) of the weights that
   * are present with the right shape.
   */
  public static List<String> valueProblems(BlockSpec spec, Weights weights) {
    List<String> out = new ArrayList<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray a = weights.find(p.key()).orElse(null);
      if (a != null && Arrays.equals(a.shape(), p.spec().shape())) {
        valueProblem(p, a).ifPresent(out::add);
      }
    }
    return out;
  }

  private static java.util.Optional<String> valueProblem(BlockSpec.KeyedParam p, INDArray a) {
    double[] v = a.dup('c').data().asDouble();
    long[] shape = a.shape();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        return java.util.Optional.of(
            "'"
                + p.key()
                + "' holds "
                + v[i]
                + " at "
                + index(i, shape)
                + ": weights must be finite");
      }
    }
    if (p.op() instanceof BatchNorm bn && p.spec().name().equals("running_var")) {
      for (int i = 0; i < v.length; i++) {
        if (!(v[i] + bn.eps() > 0)) {
          return java.util.Optional.of(
              "'"
                  + p.key()
                  + "' holds the variance "
                  + v[i]
                  + " at "
                  + index(i, shape)
                  + ": a BN variance must be above −eps ("
                  + bn.eps()
                  + "), or sqrt(σ² + eps) is not a real number");
        }
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Where a flat (C-order) index lies in an array, as people read it: {@code [2, 0, 1, 1]}, or
   * {@code [5]} for a vector.
   */
  public static String index(long flat, long[] shape) {
    long[] idx = new long[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = shape[d] == 0 ? 0 : rest % shape[d];
      rest = shape[d] == 0 ? 0 : rest / shape[d];
    }
    return Arrays.toString(idx);
  }

  /** Throws {@link IllegalArgumentException} listing every mismatch, if there is one. */
  public static void require(BlockSpec spec, Weights weights) {
    List<String> p = problems(spec, weights);
    if (!p.isEmpty()) {
      throw new IllegalArgumentException(
          "the weights don't fit the design: " + String.join("; ", p));
    }
  }

  /**
   * The flat (c-order) index of the first NaN or infinity, or -1. A dense float32 or float64 array
   * is read in place: the trainer checks every parameter and gradient each step, and a copy of each
   * was most of a step's garbage.
   */
  public static long firstNonFinite(INDArray a) {
    boolean dense = !a.isView() && a.ordering() == 'c' && a.data().length() == a.length();
    if (dense && a.dataType() == DataType.FLOAT) {
      java.nio.FloatBuffer f = a.data().asNioFloat();
      for (int i = 0, n = (int) a.length(); i < n; i++) {
        if (!Float.isFinite(f.get(i))) {
          return i;
        }
      }
      return -1;
    }
    if (dense && a.dataType() == DataType.DOUBLE) {
      java.nio.DoubleBuffer d = a.data().asNioDouble();
      for (int i = 0, n = (int) a.length(); i < n; i++) {
        if (!Double.isFinite(d.get(i))) {
          return i;
        }
      }
      return -1;
    }
    double[] v = a.dup('c').data().asDouble();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        return i;
      }
    }
    return -1;
  }
}
