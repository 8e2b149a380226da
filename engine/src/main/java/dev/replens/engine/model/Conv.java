package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A convolution with a {@code kernelH x kernelW} kernel (1x1, 1xK, Kx1, KxK, ...), grouped or
 * depthwise, with or without a bias. Its weight is OIHW: {@code [out, in/groups, kH, kW]}.
 *
 * @param id the op id within its branch
 * @param outChannels output channels
 * @param kernelH kernel height
 * @param kernelW kernel width
 * @param groups channel groups; {@code groups == in == out} is depthwise
 * @param bias whether the conv adds a learnable bias
 */
@JsonPropertyOrder({"id", "outChannels", "kernel", "groups", "bias"})
@JsonIgnoreProperties({"kernelH", "kernelW"})
public record Conv(String id, int outChannels, int kernelH, int kernelW, int groups, boolean bias)
    implements Op {

  public Conv {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static Conv fromJson(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "outChannels", required = true) int outChannels,
      @JsonProperty(value = "kernel", required = true) KernelSize kernel,
      @JsonProperty("groups") Integer groups,
      @JsonProperty("bias") Boolean bias) {
    return new Conv(
        id, outChannels, kernel.h(), kernel.w(), groups == null ? 1 : groups, bias != null && bias);
  }

  /** A square {@code k x k} conv without bias. */
  public static Conv square(String id, int outChannels, int k, int groups) {
    return new Conv(id, outChannels, k, k, groups, false);
  }

  /** The kernel size as written in design files. */
  @JsonProperty("kernel")
  public KernelSize kernel() {
    return new KernelSize(kernelH, kernelW);
  }

  @Override
  public int outChannels(int inChannels) {
    return outChannels;
  }

  @Override
  public int groups(int inChannels) {
    return groups;
  }

  @Override
  public boolean spatial() {
    return true;
  }

  /** Whether this conv is depthwise for the given input channels. */
  public boolean depthwise(int inChannels) {
    return groups > 1 && groups == inChannels && inChannels == outChannels;
  }

  /** A copy with another kernel size. */
  public Conv withKernel(int h, int w) {
    return new Conv(id, outChannels, h, w, groups, bias);
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    List<ParamSpec> p = new ArrayList<>();
    p.add(
        new ParamSpec(
            "weight", new long[] {outChannels, inChannels / groups, kernelH, kernelW}, true));
    if (bias) {
      p.add(new ParamSpec("bias", new long[] {outChannels}, true));
    }
    return p;
  }

  @Override
  public String describe() {
    String kind = groups > 1 && groups == outChannels ? "depthwise conv " : "conv ";
    return kind
        + kernelH
        + "x"
        + kernelW
        + (groups > 1 && groups != outChannels ? " g" + groups : "");
  }
}
