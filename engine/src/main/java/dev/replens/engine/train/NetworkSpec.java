package dev.replens.engine.train;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The small classifier a block is trained in:
 *
 * <pre>
 *   stem: conv 3x3 (inputChannels → stemChannels) + BN + ReLU
 *   depth × the user's block (the first maps stemChannels → channels, the rest channels → channels)
 *   global average pooling → linear (channels → numClasses)
 * </pre>
 *
 * <p>The user's block keeps its kernel, padding, branches and activation; its channel counts are
 * rewritten to the layer's ({@link #layerBlock}), its stride is 1 so the map keeps its size, and an
 * identity branch is dropped from a block that changes the channel count (as RepVGG does).
 *
 * @param block the user's block design
 * @param depth how many copies of the block
 * @param stemChannels the stem's output channels (the first block's input)
 * @param channels every block's output channels
 * @param inputChannels image channels
 * @param imageHeight image height
 * @param imageWidth image width
 * @param numClasses classes
 */
public record NetworkSpec(
    BlockSpec block,
    int depth,
    int stemChannels,
    int channels,
    int inputChannels,
    int imageHeight,
    int imageWidth,
    int numClasses) {

  /** The id of the stem's single branch. */
  public static final String STEM_BRANCH = "stem";

  public NetworkSpec {
    Objects.requireNonNull(block, "block");
    if (depth < 1) {
      throw new IllegalArgumentException("the network needs at least one block, not " + depth);
    }
    if (stemChannels < 1 || channels < 1 || inputChannels < 1 || numClasses < 2) {
      throw new IllegalArgumentException(
          "channels and classes must be positive (stem "
              + stemChannels
              + ", blocks "
              + channels
              + ", input "
              + inputChannels
              + ", classes "
              + numClasses
              + ")");
    }
  }

  /** The stem as a one-branch block: conv 3x3 + BN, ReLU. */
  public BlockSpec stem() {
    return new BlockSpec(
        inputChannels,
        stemChannels,
        3,
        1,
        1,
        1,
        List.of(
            Branch.of(STEM_BRANCH, Conv.square("conv", stemChannels, 3, 1), BatchNorm.of("bn"))),
        List.of(),
        Activation.RELU);
  }

  /**
   * Block {@code i} as designed, rewritten to its layer's channels.
   *
   * @throws IllegalArgumentException naming the problems if the rewritten block is invalid
   */
  public BlockSpec layerBlock(int i) {
    int in = i == 0 ? stemChannels : channels;
    return adapt(block, in, channels);
  }

  /** Every block as designed, layer by layer. */
  public List<BlockSpec> layerBlocks() {
    List<BlockSpec> out = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      out.add(layerBlock(i));
    }
    return out;
  }

  /**
   * Rewrites a block for {@code in → out} channels at stride 1. A conv's output channels follow the
   * block's: the block's out becomes {@code out}, the block's in becomes {@code in}, others scale
   * with {@code out}. Depthwise groups stay depthwise.
   */
  public static BlockSpec adapt(BlockSpec spec, int in, int out) {
    List<Branch> branches = new ArrayList<>();
    for (Branch b : spec.branches()) {
      if (in != out && b.ops().stream().anyMatch(o -> o instanceof Identity)) {
        continue;
      }
      int[] ch = b.channelsThrough(spec.inChannels());
      int[] newCh = new int[ch.length];
      newCh[0] = in;
      List<Op> ops = new ArrayList<>();
      for (int k = 0; k < b.ops().size(); k++) {
        Op op = b.ops().get(k);
        Op rewritten = rewrite(op, ch[k], newCh[k], spec, in, out);
        ops.add(rewritten);
        newCh[k + 1] = rewritten.outChannels(newCh[k]);
      }
      branches.add(b.withOps(ops));
    }
    int groups = mapGroups(spec.groups(), spec.inChannels(), in, spec);
    BlockSpec adapted =
        new BlockSpec(
            in,
            out,
            spec.kernel(),
            1,
            spec.padding(),
            groups,
            branches,
            spec.post(),
            spec.activation());
    List<Problem> errors = Validator.validate(adapted).stream().filter(Problem::isError).toList();
    if (branches.isEmpty() || !errors.isEmpty()) {
      String why =
          branches.isEmpty()
              ? "no branch is left"
              : errors.stream().map(Problem::toString).collect(Collectors.joining("; "));
      throw new IllegalArgumentException(
          "the block can't be used with " + in + " → " + out + " channels: " + why);
    }
    return adapted;
  }

  private static Op rewrite(Op op, int oldIn, int newIn, BlockSpec spec, int in, int out) {
    if (op instanceof Conv c) {
      int oc = mapChannels(c.outChannels(), spec, in, out);
      int g = c.groups() == oldIn ? newIn : mapGroups(c.groups(), oldIn, newIn, spec);
      return new Conv(c.id(), oc, c.kernelH(), c.kernelW(), g, c.bias());
    }
    if (op instanceof dev.replens.engine.model.FrequencyFilter f) {
      int oc = mapChannels(f.outChannels(), spec, in, out);
      int g = f.groups() == oldIn ? newIn : mapGroups(f.groups(), oldIn, newIn, spec);
      return new dev.replens.engine.model.FrequencyFilter(f.id(), oc, f.kernel(), g);
    }
    return op;
  }

  private static int mapChannels(int c, BlockSpec spec, int in, int out) {
    if (c == spec.outChannels()) {
      return out;
    }
    if (c == spec.inChannels()) {
      return in;
    }
    return Math.max(1, (int) Math.round((double) c * out / spec.outChannels()));
  }

  private static int mapGroups(int g, int oldIn, int newIn, BlockSpec spec) {
    if (g <= 1) {
      return 1;
    }
    if (g == oldIn) {
      return newIn;
    }
    return newIn % g == 0 ? g : 1;
  }
}
