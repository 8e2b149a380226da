package dev.replens.engine.io.family;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RepVGGBlock} [Ding et al., "RepVGG: Making VGG-style ConvNets Great Again", CVPR 2021,
 * Sec. 3.3]: {@code relu(BN(conv3x3(x)) + BN(conv1x1(x)) + BN(x))}.
 *
 * <table>
 *   <caption>Branches</caption>
 *   <tr><th>branch</th><th>ops</th><th>file keys</th></tr>
 *   <tr><td>rbr_dense</td><td>conv 3x3 → BN</td><td>rbr_dense.conv.weight, rbr_dense.bn.*</td></tr>
 *   <tr><td>rbr_1x1</td><td>conv 1x1 → BN</td><td>rbr_1x1.conv.weight, rbr_1x1.bn.*</td></tr>
 *   <tr><td>rbr_identity</td><td>identity → BN</td><td>rbr_identity.* (a bare BN), only if in
 *       == out and stride 1</td></tr>
 * </table>
 *
 * <p>The ReLU becomes the block's activation, which fusion carries over.
 */
final class RepVggImporter extends FamilyImporter {

  @Override
  String primaryKey() {
    return "rbr_dense.conv.weight";
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.kernel() != 3 || g.padding() != 1) {
      out.add(
          "RepVGGBlock is built with kernel 3 and padding 1 (its constructor asserts both); the"
              + " geometry says kernel "
              + g.kernel()
              + ", padding "
              + g.padding());
    }
    return out;
  }

  @Override
  List<String> checkGeometry(StateDict sd, Geometry g) {
    List<String> out = super.checkGeometry(sd, g);
    checkIdentityBranch(sd, g, "RepVGG", out);
    return out;
  }

  @Override
  void build(BlockBuilder b) {
    Geometry g = b.geometry();
    int in = g.inChannels();
    int out = g.outChannels();
    int groups = g.groups();
    b.branch(
        "rbr_dense",
        b.conv("rbr_dense.conv.weight", "rbr_dense", "conv", out, in, 3, 3, groups),
        b.bn("rbr_dense.bn", "rbr_dense", "bn", out));
    b.branch(
        "rbr_1x1",
        b.conv("rbr_1x1.conv.weight", "rbr_1x1", "conv", out, in, 1, 1, groups),
        b.bn("rbr_1x1.bn", "rbr_1x1", "bn", out));
    if (b.sd().hasPrefix("rbr_identity.")) {
      b.branch("rbr_identity", new Identity("id"), b.bn("rbr_identity", "rbr_identity", "bn", in));
      b.note(
          "rbr_identity: the BN on the identity (in == out, stride 1) is kept as identity → BN.");
    } else if (g.identityPossible()) {
      b.note(
          "The file has no rbr_identity although in == out and stride 1: imported without an"
              + " identity branch.");
    } else {
      b.note("No rbr_identity: RepVGG builds it only when in == out and stride 1.");
    }
    b.activation(Activation.RELU);
    b.note(
        "The block's ReLU is its activation; fusion stops before it, so the fused conv gives the"
            + " pre-activation sum.");
  }

  @Override
  String hint(String unknownKey) {
    return unknownKey.startsWith("rbr_reparam.")
        ? "this is a deployed block, already fused into one conv"
        : null;
  }
}
