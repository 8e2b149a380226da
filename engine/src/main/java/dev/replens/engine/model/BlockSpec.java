package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A re-parameterizable block: parallel branches whose outputs are summed, then optional
 * channel-wise post ops (OREPA's BN after the sum), then an optional activation.
 *
 * <pre>
 *   y = act( post( Σ_b branch_b(x) ) )
 * </pre>
 *
 * <p>The block's geometry (in/out channels, kernel K, stride, padding, groups) is the geometry of
 * the single conv it fuses into. The activation is never fused; it is carried over.
 *
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernel the target kernel size K (odd)
 * @param stride the block stride
 * @param padding the block padding of the KxK conv
 * @param groups the groups of the fused conv
 * @param branches the parallel branches
 * @param post channel-wise ops after the sum (BN, scale, shift); their weight keys start with
 *     {@value #POST}
 * @param activation the activation after the block
 */
@JsonPropertyOrder({
  "inChannels",
  "outChannels",
  "kernel",
  "stride",
  "padding",
  "groups",
  "branches",
  "post",
  "activation"
})
public record BlockSpec(
    int inChannels,
    int outChannels,
    int kernel,
    int stride,
    int padding,
    int groups,
    List<Branch> branches,
    List<Op> post,
    Activation activation) {

  /** The pseudo branch id under which post ops keep their weights. */
  public static final String POST = "post";

  public BlockSpec {
    branches = List.copyOf(branches);
    post = List.copyOf(post);
    Objects.requireNonNull(activation, "activation");
  }

  @JsonCreator
  static BlockSpec fromJson(
      @JsonProperty(value = "inChannels", required = true) int inChannels,
      @JsonProperty(value = "outChannels", required = true) int outChannels,
      @JsonProperty(value = "kernel", required = true) int kernel,
      @JsonProperty("stride") Integer stride,
      @JsonProperty("padding") Integer padding,
      @JsonProperty("groups") Integer groups,
      @JsonProperty(value = "branches", required = true) List<Branch> branches,
      @JsonProperty("post") List<Op> post,
      @JsonProperty("activation") Activation activation) {
    return new BlockSpec(
        inChannels,
        outChannels,
        kernel,
        stride == null ? 1 : stride,
        padding == null ? kernel / 2 : padding,
        groups == null ? 1 : groups,
        branches,
        post == null ? List.of() : post,
        activation == null ? Activation.NONE : activation);
  }

  /** The weight key of an op's parameter: {@code <branchId>.<opId>.<param>}. */
  public static String key(String branchId, String opId, String param) {
    return branchId + "." + opId + "." + param;
  }

  /** The branch with this id, if any. */
  public Optional<Branch> branch(String id) {
    return branches.stream().filter(b -> b.id().equals(id)).findFirst();
  }

  /** The index of the branch with this id, or -1. */
  public int indexOfBranch(String id) {
    for (int i = 0; i < branches.size(); i++) {
      if (branches.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The padding (negative: cropping) a branch applies to the block input, per dimension. */
  public Padding2D branchPadding(Branch b) {
    return new Padding2D(
        padding - kernel / 2 + b.receptiveFieldH() / 2,
        padding - kernel / 2 + b.receptiveFieldW() / 2);
  }

  /** Output height and width for an input of the given size. */
  public int[] outputSize(int h, int w) {
    return new int[] {
      Math.floorDiv(h + 2 * padding - kernel, stride) + 1,
      Math.floorDiv(w + 2 * padding - kernel, stride) + 1
    };
  }

  /** A copy with other branches. */
  public BlockSpec withBranches(List<Branch> newBranches) {
    return new BlockSpec(
        inChannels, outChannels, kernel, stride, padding, groups, newBranches, post, activation);
  }

  /** A copy with the branch of the same id replaced. */
  public BlockSpec withBranch(Branch replacement) {
    List<Branch> copy = new ArrayList<>(branches);
    int i = indexOfBranch(replacement.id());
    if (i < 0) {
      throw new IllegalArgumentException("no branch '" + replacement.id() + "'");
    }
    copy.set(i, replacement);
    return withBranches(copy);
  }

  /** A copy with other post ops. */
  public BlockSpec withPost(List<Op> newPost) {
    return new BlockSpec(
        inChannels, outChannels, kernel, stride, padding, groups, branches, newPost, activation);
  }

  /** A copy with another activation. */
  public BlockSpec withActivation(Activation a) {
    return new BlockSpec(
        inChannels, outChannels, kernel, stride, padding, groups, branches, post, a);
  }

  /** A copy with other geometry and the same branches. */
  public BlockSpec withGeometry(
      int newIn, int newOut, int newKernel, int newStride, int newPadding, int newGroups) {
    return new BlockSpec(
        newIn, newOut, newKernel, newStride, newPadding, newGroups, branches, post, activation);
  }

  /** Every parameter of the block: weight key and spec, branches first, then post ops. */
  public List<KeyedParam> params() {
    List<KeyedParam> out = new ArrayList<>();
    for (Branch b : branches) {
      int[] ch = b.channelsThrough(inChannels);
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        for (ParamSpec p : op.params(ch[i])) {
          out.add(new KeyedParam(key(b.id(), op.id(), p.name()), b.id(), op, p));
        }
      }
    }
    for (Op op : post) {
      for (ParamSpec p : op.params(outChannels)) {
        out.add(new KeyedParam(key(POST, op.id(), p.name()), POST, op, p));
      }
    }
    return out;
  }

  /**
   * A parameter with its weight key.
   *
   * @param key the weight key
   * @param branchId the branch id, or {@value BlockSpec#POST}
   * @param op the op
   * @param spec the parameter's name and shape
   */
  public record KeyedParam(String key, String branchId, Op op, ParamSpec spec) {}
}
