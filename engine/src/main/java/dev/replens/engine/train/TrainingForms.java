package dev.replens.engine.train;

import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.PaddingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The block each {@link TrainMode} actually trains, derived from the user's block. Every form is an
 * ordinary {@link BlockSpec}, so its trained weights evaluate with {@code BlockForward} and fuse
 * with {@code FusionPipeline} like any design.
 */
public final class TrainingForms {

  /** The branch id of the single conv in the plain and RepOpt forms. */
  public static final String SINGLE_BRANCH = "conv";

  /** The CSLA form's KxK branch: conv, then its constant scale {@code s_c}. */
  public static final String CSLA_KXK = "conv_kxk";

  /** The CSLA form's 1x1 branch: conv, then its constant scale {@code s_1}. */
  public static final String CSLA_1X1 = "conv_1x1";

  /** The CSLA form's identity branch, then its scale {@code s_id}. */
  public static final String CSLA_IDENTITY = "identity";

  /** The op id of every scale in the CSLA form. */
  public static final String CSLA_SCALE = "scale";

  private TrainingForms() {}

  /** The form {@code mode} trains for the block {@code spec}. */
  public static BlockSpec of(BlockSpec spec, TrainMode mode) {
    return switch (mode) {
      case OFFLINE -> spec;
      case ONLINE -> online(spec);
      case PLAIN -> plain(spec);
      case REPOPT -> repopt(spec);
      case CSLA -> csla(spec, false);
    };
  }

  /**
   * OREPA's linearized block [OREPA, Sec. 3.1]: every BN inside a branch becomes a learnable
   * channel-wise scale, every shift inside a branch is dropped (a constant per channel, which the
   * BN after the sum removes in train mode), and one BN follows the sum.
   *
   * @throws IllegalArgumentException if a branch holds a nonlinearity, which can't be squeezed
   */
  public static BlockSpec online(BlockSpec spec) {
    List<Branch> branches = new ArrayList<>();
    for (Branch b : spec.branches()) {
      List<Op> ops = new ArrayList<>();
      for (Op op : b.ops()) {
        if (op instanceof Nonlinearity) {
          throw new IllegalArgumentException(
              "branch '"
                  + b.id()
                  + "' holds "
                  + op.describe()
                  + " '"
                  + op.id()
                  + "', which is not linear, so its kernel can't be squeezed online");
        } else if (op instanceof BatchNorm bn) {
          ops.add(ChannelScale.of(bn.id()));
        } else if (op instanceof ChannelBias) {
          continue;
        } else if (op instanceof Conv c && c.bias()) {
          ops.add(new Conv(c.id(), c.outChannels(), c.kernelH(), c.kernelW(), c.groups(), false));
        } else {
          ops.add(op);
        }
      }
      if (ops.isEmpty()) {
        ops.add(new Identity("id"));
      }
      branches.add(b.withOps(ops).withPaddingMode(PaddingMode.AT_INPUT));
    }
    List<Op> post = new ArrayList<>(spec.post());
    if (post.stream().noneMatch(o -> o instanceof BatchNorm)) {
      post.add(0, BatchNorm.of(uniqueId(post, "bn")));
    }
    return spec.withBranches(branches).withPost(post);
  }

  /** One KxK conv with the block's groups, then BN, then the block's activation. */
  public static BlockSpec plain(BlockSpec spec) {
    Branch only =
        Branch.of(
            SINGLE_BRANCH,
            new Conv(
                "conv", spec.outChannels(), spec.kernel(), spec.kernel(), spec.groups(), false),
            BatchNorm.of("bn"));
    return new BlockSpec(
        spec.inChannels(),
        spec.outChannels(),
        spec.kernel(),
        spec.stride(),
        spec.padding(),
        spec.groups(),
        List.of(only),
        List.of(),
        spec.activation());
  }

  /**
   * RepOptimizer's single-conv form: one KxK conv whose gradients are scaled by {@link
   * RepOptForm#multipliers}, then BN after it (CSLA's BN follows the sum), then the activation.
   */
  public static BlockSpec repopt(BlockSpec spec) {
    Branch only =
        Branch.of(
            SINGLE_BRANCH,
            new Conv(
                "conv", spec.outChannels(), spec.kernel(), spec.kernel(), spec.groups(), false));
    return new BlockSpec(
        spec.inChannels(),
        spec.outChannels(),
        spec.kernel(),
        spec.stride(),
        spec.padding(),
        spec.groups(),
        List.of(only),
        List.of(BatchNorm.of("bn")),
        spec.activation());
  }

  /**
   * RepOptimizer's CSLA block for {@code spec}: {@code y = s_c·convKxK(x) + s_1·conv1x1(x) +
   * s_id·x}, then BN, then the activation. The 1x1 and identity branches are there if the design
   * has them ({@link RepOptForm#of}); the convs take the block's groups and have no bias.
   *
   * <p>With {@code trainableScales} false, the conv scales are constants and the identity scale is
   * trained, as the reference CSLA block does ({@code LinearAddBlock(is_csla=True)} freezes only
   * {@code scale_conv} and {@code scale_1x1}); its gradient is the {@code +1} at the centre taps
   * where o = i in RepOptimizer's multiplier. With true, every scale is trained: the paper's
   * hyper-search model.
   */
  public static BlockSpec csla(BlockSpec spec, boolean trainableScales) {
    RepOptForm form = RepOptForm.of(spec);
    int k = spec.kernel();
    int out = spec.outChannels();
    int g = spec.groups();
    List<Branch> branches = new ArrayList<>();
    branches.add(
        Branch.of(
            CSLA_KXK,
            new Conv("conv", out, k, k, g, false),
            new ChannelScale(CSLA_SCALE, trainableScales)));
    if (form.scale1x1() != null) {
      branches.add(
          Branch.of(
              CSLA_1X1,
              new Conv("conv", out, 1, 1, g, false),
              new ChannelScale(CSLA_SCALE, trainableScales)));
    }
    if (form.scaleIdentity() != null) {
      branches.add(Branch.of(CSLA_IDENTITY, new Identity("id"), ChannelScale.of(CSLA_SCALE)));
    }
    return new BlockSpec(
        spec.inChannels(),
        out,
        k,
        spec.stride(),
        spec.padding(),
        g,
        branches,
        List.of(BatchNorm.of("bn")),
        spec.activation());
  }

  private static String uniqueId(List<Op> ops, String base) {
    String id = base;
    int k = 2;
    while (true) {
      String candidate = id;
      if (ops.stream().noneMatch(o -> o.id().equals(candidate))) {
        return id;
      }
      id = base + k++;
    }
  }
}
