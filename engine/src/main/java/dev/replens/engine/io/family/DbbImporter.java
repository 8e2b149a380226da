package dev.replens.engine.io.family;

import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * DingXiaoH's {@code DiverseBranchBlock} [Ding et al., "Diverse Branch Block: Building a
 * Convolution as an Inception-like Unit", CVPR 2021].
 *
 * <table>
 *   <caption>Branches</caption>
 *   <tr><th>branch</th><th>ops</th><th>file keys</th></tr>
 *   <tr><td>dbb_origin</td><td>conv KxK → BN</td><td>dbb_origin.conv.weight,
 *       dbb_origin.bn.*</td></tr>
 *   <tr><td>dbb_avg</td><td>conv 1x1 → BN → avg-pool → BN, or (depthwise) avg-pool →
 *       BN</td><td>dbb_avg.conv.weight, dbb_avg.bn.bn.*, dbb_avg.avgbn.*</td></tr>
 *   <tr><td>dbb_1x1</td><td>conv 1x1 → BN (absent when groups &gt;= out)</td>
 *       <td>dbb_1x1.conv.weight, dbb_1x1.bn.*</td></tr>
 *   <tr><td>dbb_1x1_kxk</td><td>conv 1x1 → BN → conv KxK → BN</td>
 *       <td>dbb_1x1_kxk.idconv1.weight or .conv1.weight, .bn1.bn.*, .conv2.weight, .bn2.*</td></tr>
 * </table>
 */
final class DbbImporter extends FamilyImporter {

  @Override
  String primaryKey() {
    return "dbb_origin.conv.weight";
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.padding() != g.kernel() / 2) {
      out.add(
          "DiverseBranchBlock pads by K/2 (its constructor asserts padding == kernel // 2); the"
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
    if (DbbParts.avgPoolsInput(sd, "dbb_avg") && g.inChannels() != g.outChannels()) {
      out.add(
          "dbb_avg has no 1x1 conv (the depthwise form pools the input itself), which needs in"
              + " == out; the geometry says in "
              + g.inChannels()
              + ", out "
              + g.outChannels());
    }
    return out;
  }

  @Override
  void build(BlockBuilder b) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int in = g.inChannels();
    int out = g.outChannels();
    int k = g.kernel();
    int groups = g.groups();
    b.branch(
        "dbb_origin",
        b.conv("dbb_origin.conv.weight", "dbb_origin", "conv", out, in, k, k, groups),
        b.bn("dbb_origin.bn", "dbb_origin", "bn", out));
    b.branch("dbb_avg", DbbParts.avgBranch(b, "dbb_avg").toArray(Op[]::new));
    if (sd.hasPrefix("dbb_1x1.")) {
      b.branch(
          "dbb_1x1",
          b.conv("dbb_1x1.conv.weight", "dbb_1x1", "conv", out, in, 1, 1, groups),
          b.bn("dbb_1x1.bn", "dbb_1x1", "bn", out));
    } else {
      b.note("No dbb_1x1: DBB omits it when groups >= out (e.g. depthwise).");
    }
    boolean idconv = sd.has("dbb_1x1_kxk.idconv1.weight");
    boolean conv1 = sd.has("dbb_1x1_kxk.conv1.weight");
    if (idconv && conv1) {
      sd.problem(
          "the file has both 'dbb_1x1_kxk.idconv1.weight' and 'dbb_1x1_kxk.conv1.weight'; a DBB"
              + " has one of them");
    }
    if (!idconv && !conv1) {
      // Neither is there: expect what the official constructor builds by default.
      idconv = groups < out;
    }
    int internal = idconv ? in : sd.dim("dbb_1x1_kxk.conv1.weight", 0, 2 * in);
    List<Op> ops =
        DbbParts.oneByOneKxK(b, "dbb_1x1_kxk", idconv ? "idconv1" : "conv1", internal, idconv);
    b.branch("dbb_1x1_kxk", ops.toArray(Op[]::new));
    if (!idconv && conv1) {
      b.note(
          "dbb_1x1_kxk.conv1 is a plain 1x1 conv with "
              + internal
              + " internal channels (DBB uses it when internal != in, e.g. 2·in for depthwise).");
    }
  }
}
