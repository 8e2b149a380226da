package dev.replens.engine.torch;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.PaddingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The module layout of an official block that a design matches exactly, so that the exported
 * module's {@code state_dict} uses the official keys (those the importers in {@code
 * engine/io/family} read) and official checkpoints load into it.
 *
 * <ul>
 *   <li>{@code RepVGGBlock} [Ding et al., "RepVGG: Making VGG-style ConvNets Great Again", CVPR
 *       2021]: {@code rbr_dense.conv}, {@code rbr_dense.bn}, {@code rbr_1x1.conv}, {@code
 *       rbr_1x1.bn} and the bare BN {@code rbr_identity}; deployed as {@code rbr_reparam}.
 *   <li>{@code ACBlock} [Ding et al., "ACNet", ICCV 2019]: {@code square_conv}, {@code square_bn},
 *       {@code ver_conv}, {@code ver_bn}, {@code hor_conv}, {@code hor_bn} and the optional {@code
 *       last_bn}; deployed as {@code fused_conv}.
 * </ul>
 *
 * <p>Designs of the other families keep RepLens' keys: DBB's {@code BNAndPadLayer} and {@code
 * IdentityBasedConv1x1} and OREPA's online {@code weight_gen} store their values differently, not
 * only under other names.
 *
 * @param className the official class name
 * @param citation the paper, for the docstring
 * @param deployName the attribute of the fused conv
 * @param paths the module path of every op that has an official one, keyed by {@code <branch>.<op>}
 *     ({@code post.<op>} for post ops); a branch with any such path is written as flat attributes
 *     instead of an {@code nn.Sequential}
 */
record OfficialLayout(
    String className, String citation, String deployName, Map<String, String> paths) {

  /** The official layout the block matches, if any. */
  static Optional<OfficialLayout> match(BlockSpec s) {
    return repVgg(s).or(() -> acb(s));
  }

  private static Optional<OfficialLayout> repVgg(BlockSpec s) {
    Set<String> ids = Set.copyOf(s.branches().stream().map(Branch::id).toList());
    boolean shape =
        s.kernel() == 3
            && s.padding() == 1
            && s.post().isEmpty()
            && s.activation() == Activation.RELU
            && ids.containsAll(Set.of("rbr_dense", "rbr_1x1"))
            && Set.of("rbr_dense", "rbr_1x1", "rbr_identity").containsAll(ids)
            && s.branches().stream().allMatch(b -> b.paddingMode() == PaddingMode.AT_INPUT)
            && convBn(s, "rbr_dense", 3, 3)
            && convBn(s, "rbr_1x1", 1, 1)
            && (!ids.contains("rbr_identity")
                || identityBn(s.branch("rbr_identity").orElseThrow()));
    if (!shape) {
      return Optional.empty();
    }
    return Optional.of(
        new OfficialLayout(
            "RepVGGBlock",
            "Ding et al., \"RepVGG: Making VGG-style ConvNets Great Again\", CVPR 2021",
            "rbr_reparam",
            Map.of("rbr_identity.bn", "rbr_identity")));
  }

  private static Optional<OfficialLayout> acb(BlockSpec s) {
    int k = s.kernel();
    Set<String> ids = Set.copyOf(s.branches().stream().map(Branch::id).toList());
    boolean post =
        s.post().isEmpty()
            || (s.post().size() == 1
                && s.post().get(0) instanceof BatchNorm bn
                && bn.id().equals("last_bn"));
    boolean shape =
        ids.equals(Set.of("square", "ver", "hor"))
            && post
            && s.activation() == Activation.NONE
            && s.branches().stream().allMatch(b -> b.paddingMode() == PaddingMode.AT_INPUT)
            && convBn(s, "square", k, k)
            && convBn(s, "ver", k, 1)
            && convBn(s, "hor", 1, k);
    if (!shape) {
      return Optional.empty();
    }
    Map<String, String> paths = new LinkedHashMap<>();
    for (String b : List.of("square", "ver", "hor")) {
      paths.put(b + ".conv", b + "_conv");
      paths.put(b + ".bn", b + "_bn");
    }
    if (!s.post().isEmpty()) {
      paths.put(BlockSpec.POST + ".last_bn", "last_bn");
    }
    return Optional.of(
        new OfficialLayout(
            "ACBlock",
            "Ding et al., \"ACNet: Strengthening the Kernel Skeletons for Powerful CNN via"
                + " Asymmetric Convolution Blocks\", ICCV 2019",
            "fused_conv",
            paths));
  }

  /** Whether the branch is {@code conv kh x kw (id conv, no bias, block groups) → BN (id bn)}. */
  private static boolean convBn(BlockSpec s, String branchId, int kh, int kw) {
    Optional<Branch> b = s.branch(branchId);
    if (b.isEmpty() || b.get().ops().size() != 2) {
      return false;
    }
    List<Op> ops = b.get().ops();
    return ops.get(0) instanceof Conv c
        && c.id().equals("conv")
        && c.kernelH() == kh
        && c.kernelW() == kw
        && !c.bias()
        && c.groups() == s.groups()
        && c.outChannels() == s.outChannels()
        && ops.get(1) instanceof BatchNorm bn
        && bn.id().equals("bn");
  }

  private static boolean identityBn(Branch b) {
    return b.ops().size() == 2
        && b.ops().get(0) instanceof Identity
        && b.ops().get(1) instanceof BatchNorm bn
        && bn.id().equals("bn");
  }
}
