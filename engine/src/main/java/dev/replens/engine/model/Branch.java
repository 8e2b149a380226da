package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One parallel branch of a block: a chain of ops applied in order. The outputs of all branches are
 * summed.
 *
 * <p>A branch's geometry follows from the block: with block kernel K, padding p and a chain whose
 * receptive field is {@code r}, the branch pads (or, if negative, crops) its input by {@code p −
 * K/2 + r/2} per dimension, which aligns every branch's window centre with the KxK window's centre
 * (ACNet, Fig. 2). A branch may declare its own stride and padding, as the PyTorch module it came
 * from did; validation checks that they agree with the block.
 *
 * @param id the branch id, unique within the block; also the prefix of its weight keys
 * @param ops the chain, first op first
 * @param paddingMode where the chain's zero padding happens
 * @param declaredStride the stride the branch's module declared, or null to inherit the block's
 * @param declaredPadding the padding the branch's module declared, or null to derive it
 */
@JsonPropertyOrder({"id", "ops", "paddingMode", "stride", "padding"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Branch(
    String id,
    List<Op> ops,
    PaddingMode paddingMode,
    @JsonProperty("stride") Integer declaredStride,
    @JsonProperty("padding") Padding2D declaredPadding) {

  public Branch {
    Objects.requireNonNull(id, "id");
    ops = List.copyOf(ops);
    paddingMode = paddingMode == null ? PaddingMode.AT_INPUT : paddingMode;
  }

  @JsonCreator
  static Branch fromJson(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "ops", required = true) List<Op> ops,
      @JsonProperty("paddingMode") PaddingMode paddingMode,
      @JsonProperty("stride") Integer stride,
      @JsonProperty("padding") Padding2D padding) {
    return new Branch(id, ops, paddingMode, stride, padding);
  }

  /** A branch with the default padding mode and nothing declared. */
  public static Branch of(String id, Op... ops) {
    return new Branch(id, List.of(ops), PaddingMode.AT_INPUT, null, null);
  }

  /** Writes the padding mode only when it is not the default. */
  @JsonProperty("paddingMode")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  PaddingMode paddingModeForJson() {
    return paddingMode == PaddingMode.AT_INPUT ? null : paddingMode;
  }

  @Override
  @JsonIgnore
  public PaddingMode paddingMode() {
    return paddingMode;
  }

  /** The op with this id, if any. */
  public Optional<Op> op(String opId) {
    return ops.stream().filter(o -> o.id().equals(opId)).findFirst();
  }

  /** The index of the op with this id, or -1. */
  public int indexOf(String opId) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).id().equals(opId)) {
        return i;
      }
    }
    return -1;
  }

  /** The chain's receptive field height: {@code 1 + Σ (kH − 1)} over its spatial ops. */
  @JsonIgnore
  public int receptiveFieldH() {
    return 1 + ops.stream().mapToInt(o -> o.kernelH() - 1).sum();
  }

  /** The chain's receptive field width. */
  @JsonIgnore
  public int receptiveFieldW() {
    return 1 + ops.stream().mapToInt(o -> o.kernelW() - 1).sum();
  }

  /** The index of the op that applies the block's stride: the last spatial op, or -1. */
  @JsonIgnore
  public int strideOpIndex() {
    for (int i = ops.size() - 1; i >= 0; i--) {
      if (ops.get(i).spatial()) {
        return i;
      }
    }
    return -1;
  }

  /** Input channels of every op, given the block's input channels (one more entry: the output). */
  public int[] channelsThrough(int blockInChannels) {
    int[] c = new int[ops.size() + 1];
    c[0] = blockInChannels;
    for (int i = 0; i < ops.size(); i++) {
      c[i + 1] = ops.get(i).outChannels(c[i]);
    }
    return c;
  }

  /** A copy with other ops. */
  public Branch withOps(List<Op> newOps) {
    return new Branch(id, newOps, paddingMode, declaredStride, declaredPadding);
  }

  /** A copy with another id. */
  public Branch withId(String newId) {
    return new Branch(newId, ops, paddingMode, declaredStride, declaredPadding);
  }

  /** A copy with another padding mode. */
  public Branch withPaddingMode(PaddingMode mode) {
    return new Branch(id, ops, mode, declaredStride, declaredPadding);
  }

  /** A copy with the op at {@code index} replaced. */
  public Branch withOp(int index, Op op) {
    List<Op> copy = new ArrayList<>(ops);
    copy.set(index, op);
    return withOps(copy);
  }

  /** The ops as a short arrow chain, e.g. {@code conv 1x1 → BN → conv 3x3 → BN}. */
  public String describe() {
    return String.join(" → ", ops.stream().map(Op::describe).toList());
  }
}
