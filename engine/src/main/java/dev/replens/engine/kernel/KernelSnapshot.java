package dev.replens.engine.kernel;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A copy of a kernel's numbers for drawing: OIHW weight values and the bias, in double precision.
 * Safe to hand to another thread.
 *
 * @param out out channels
 * @param inPerGroup in channels per group (the second weight dimension)
 * @param kh kernel height
 * @param kw kernel width
 * @param groups channel groups
 * @param weight {@code out * inPerGroup * kh * kw} values in OIHW order
 * @param bias {@code out} values
 */
public record KernelSnapshot(
    int out, int inPerGroup, int kh, int kw, int groups, double[] weight, double[] bias) {

  public KernelSnapshot {
    if (weight.length != out * inPerGroup * kh * kw || bias.length != out) {
      throw new IllegalArgumentException("snapshot arrays don't match the shape");
    }
    weight = weight.clone();
    bias = bias.clone();
  }

  /** Copies a kernel. */
  public static KernelSnapshot of(Kernel k) {
    return new KernelSnapshot(
        k.outChannels(),
        (int) k.weight().size(1),
        k.kernelH(),
        k.kernelW(),
        k.groups(),
        k.weight().castTo(DataType.DOUBLE).dup('c').data().asDouble(),
        k.bias().castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }

  /** The weight at {@code [o, i, y, x]} where {@code i} indexes within the group. */
  public double at(int o, int i, int y, int x) {
    return weight[((o * inPerGroup + i) * kh + y) * kw + x];
  }

  /** Total in channels. */
  public int in() {
    return inPerGroup * groups;
  }

  /**
   * The weight linking output {@code o} to absolute input channel {@code inAbs}, or 0 where the
   * groups leave them unconnected.
   */
  public double atAbsolute(int o, int inAbs, int y, int x) {
    int g = o / (out / groups);
    int local = inAbs - g * inPerGroup;
    return local < 0 || local >= inPerGroup ? 0.0 : at(o, local, y, x);
  }

  /** The largest absolute weight, for a symmetric color scale. */
  public double maxAbs() {
    double m = 0;
    for (double v : weight) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Override
  public double[] weight() {
    return weight.clone();
  }

  @Override
  public double[] bias() {
    return bias.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelSnapshot s
        && s.out == out
        && s.inPerGroup == inPerGroup
        && s.kh == kh
        && s.kw == kw
        && s.groups == groups
        && java.util.Arrays.equals(s.weight, weight)
        && java.util.Arrays.equals(s.bias, bias);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(weight) * 31 + java.util.Arrays.hashCode(bias);
  }

  @Override
  public String toString() {
    return "KernelSnapshot[" + out + "x" + inPerGroup + "x" + kh + "x" + kw + " g" + groups + "]";
  }
}
