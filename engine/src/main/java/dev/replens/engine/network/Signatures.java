package dev.replens.engine.network;

import dev.replens.engine.io.family.Family;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The official key signatures of the re-parameterizable blocks: the module names that mark a
 * block's branches in training form and its single conv in deploy form. A key belongs to the block
 * whose prefix ends just before its first marker segment, e.g. {@code backbone.ERBlock_2.1.conv1}
 * for {@code backbone.ERBlock_2.1.conv1.rbr_dense.conv.weight}.
 *
 * <p>Sources (read, not copied): {@code DingXiaoH/RepVGG} {@code repvgg.py} (also the {@code
 * RepVGGBlock} of {@code meituan/YOLOv6}), {@code DingXiaoH/DiverseBranchBlock} {@code
 * diversebranchblock.py}, {@code DingXiaoH/ACNet} {@code acnet/acb.py}, {@code
 * JUGGHM/OREPA_CVPR2022} {@code blocks.py}, {@code blocks_repvgg.py}, and DyRep's {@code
 * lib/models/utils/dbb/dbb_block.py}; the layouts are in {@code tools/golden/KEYS.md}.
 */
final class Signatures {

  private Signatures() {}

  /** Training-form marker segments that name their family on their own. */
  private static final Map<String, Family> TRAINING =
      Map.ofEntries(
          Map.entry("rbr_dense", Family.REPVGG),
          Map.entry("rbr_1x1", Family.REPVGG),
          Map.entry("rbr_identity", Family.REPVGG),
          Map.entry("dbb_origin", Family.DBB),
          Map.entry("dbb_avg", Family.DBB),
          Map.entry("dbb_1x1", Family.DBB),
          Map.entry("dbb_1x1_kxk", Family.DBB),
          Map.entry("dbb_kxk", Family.DYREP_DBB),
          Map.entry("dbb_1x1_avg", Family.DYREP_DBB),
          Map.entry("dbb_1xk", Family.DYREP_DBB),
          Map.entry("dbb_kx1", Family.DYREP_DBB),
          Map.entry("dbb_id", Family.DYREP_DBB),
          Map.entry("square_conv", Family.ACB),
          Map.entry("square_bn", Family.ACB),
          Map.entry("ver_conv", Family.ACB),
          Map.entry("ver_bn", Family.ACB),
          Map.entry("hor_conv", Family.ACB),
          Map.entry("hor_bn", Family.ACB));

  /** The deploy-form conv of each family, by its official attribute name. */
  private static final Map<String, Family> DEPLOY =
      Map.of(
          "rbr_reparam", Family.REPVGG,
          "dbb_reparam", Family.DBB,
          "fused_conv", Family.ACB,
          "orepa_reparam", Family.OREPA,
          "or1x1_reparam", Family.OREPA_1X1,
          "or_large_reparam", Family.OREPA_LARGE,
          "conv_deployed", Family.DYREP_DBB);

  /** Segments that belong to a block only beside one of its strong markers. */
  static final Map<Family, Set<String>> WEAK =
      Map.of(
          Family.ACB, Set.of("last_bn"),
          Family.OREPA, Set.of("vector", "id_tensor", "bn"),
          Family.OREPA_1X1, Set.of("vector", "bn"));

  /** The family a training-form marker segment names, if it is one. */
  static Optional<Family> training(String segment) {
    Family f = TRAINING.get(segment);
    if (f != null) {
      return Optional.of(f);
    }
    if (segment.startsWith("weight_orepa_")) {
      return Optional.of(Family.OREPA);
    }
    if (segment.startsWith("weight_or1x1_")) {
      return Optional.of(Family.OREPA_1X1);
    }
    return Optional.empty();
  }

  /** The family a deploy-form conv name belongs to, if it is one. */
  static Optional<Family> deploy(String segment) {
    return Optional.ofNullable(DEPLOY.get(segment));
  }

  /** The official name of the family's deploy conv, e.g. {@code rbr_reparam}. */
  static String deployName(Family f) {
    return switch (f) {
      case REPVGG, OREPA_REPVGG -> "rbr_reparam";
      case DBB -> "dbb_reparam";
      case ACB -> "fused_conv";
      case OREPA -> "orepa_reparam";
      case OREPA_1X1 -> "or1x1_reparam";
      case OREPA_LARGE -> "or_large_reparam";
      case DYREP_DBB -> "conv_deployed";
    };
  }

  /** {@code prefix.rest}, or {@code rest} for the empty prefix. */
  static String join(String prefix, String rest) {
    return prefix.isEmpty() ? rest : prefix + "." + rest;
  }
}
