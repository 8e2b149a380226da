package dev.replens.engine.kernel;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A conv kernel with its bias: the unit every transform consumes and produces. A value: no engine
 * code writes into its arrays.
 *
 * @param weight OIHW, {@code [out, in/groups, kH, kW]}
 * @param bias {@code [out]}
 * @param groups channel groups
 */
public record Kernel(INDArray weight, INDArray bias, int groups) {

  public Kernel {
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(bias, "bias");
    if (weight.rank() != 4) {
      throw new IllegalArgumentException(
          "a kernel weight is OIHW (rank 4), got shape " + Arrays.toString(weight.shape()));
    }
    if (groups < 1 || weight.size(0) % groups != 0) {
      throw new IllegalArgumentException(
          "groups " + groups + " must divide the " + weight.size(0) + " out channels");
    }
    if (bias.length() != weight.size(0)) {
      throw new IllegalArgumentException(
          "bias has "
              + bias.length()
              + " entries but the weight "
              + Arrays.toString(weight.shape())
              + " has "
              + weight.size(0)
              + " out channels");
    }
    if (bias.dataType() != weight.dataType()) {
      throw new IllegalArgumentException(
          "bias is " + bias.dataType() + " but weight is " + weight.dataType());
    }
    if (bias.rank() != 1) {
      bias = bias.reshape(bias.length());
    }
  }

  /** A kernel with a zero bias. */
  public static Kernel of(INDArray weight, int groups) {
    return new Kernel(weight, Nd4j.zeros(weight.dataType(), weight.size(0)), groups);
  }

  public int outChannels() {
    return (int) weight.size(0);
  }

  public int inChannels() {
    return (int) weight.size(1) * groups;
  }

  public int kernelH() {
    return (int) weight.size(2);
  }

  public int kernelW() {
    return (int) weight.size(3);
  }

  public DataType dtype() {
    return weight.dataType();
  }

  /** The shape as text, e.g. {@code [8, 8, 3, 3] g1}. */
  public String shapeText() {
    return Arrays.toString(weight.shape()) + (groups > 1 ? " g" + groups : "");
  }

  /** An immutable copy for views, in double precision. */
  public KernelSnapshot snapshot() {
    return KernelSnapshot.of(this);
  }
}
