package dev.replens.engine.io.family;

import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code DiverseBranchBlock} of DyRep [Huang et al., "DyRep: Bootstrapping Training with
 * Dynamic Re-parameterization", CVPR 2022]: DBB's branches plus 1xK, Kx1 and identity, any subset
 * of them grown or cut during training. Which ones a checkpoint has is read off its keys.
 *
 * <table>
 *   <caption>Branches, in DyRep's mask order</caption>
 *   <tr><th>branch</th><th>ops</th><th>file keys</th></tr>
 *   <tr><td>dbb_1x1</td><td>conv 1x1 → BN</td><td>dbb_1x1.conv.weight, dbb_1x1.bn.*</td></tr>
 *   <tr><td>dbb_1x1_kxk</td><td>conv 1x1 → BN → conv KxK → BN</td><td>dbb_1x1_kxk.conv1.weight,
 *       .bn1.bn.*, .conv2.weight, .bn2.*</td></tr>
 *   <tr><td>dbb_1x1_avg</td><td>conv 1x1 → BN → avg-pool → BN, or avg-pool → BN</td>
 *       <td>dbb_1x1_avg.conv.weight, .bn.bn.*, .avgbn.*</td></tr>
 *   <tr><td>dbb_kxk</td><td>conv KxK with bias → BN (always)</td><td>dbb_kxk.conv.weight,
 *       dbb_kxk.conv.bias, dbb_kxk.bn.*</td></tr>
 *   <tr><td>dbb_1xk</td><td>conv 1xK → BN</td><td>dbb_1xk.conv.weight, dbb_1xk.bn.*</td></tr>
 *   <tr><td>dbb_kx1</td><td>conv Kx1 → BN</td><td>dbb_kx1.conv.weight, dbb_kx1.bn.*</td></tr>
 *   <tr><td>dbb_id</td><td>identity → BN</td><td>dbb_id.* (a bare BN)</td></tr>
 * </table>
 */
final class DyRepImporter extends FamilyImporter {

  /** DyRep's branch mask order. */
  static final List<String> ORDER =
      List.of("dbb_1x1", "dbb_1x1_kxk", "dbb_1x1_avg", "dbb_kxk", "dbb_1xk", "dbb_kx1", "dbb_id");

  /** Branches that only equal their centred KxK embedding when padding == K/2. */
  private static final List<String> CENTRED = List.of("dbb_1x1", "dbb_1xk", "dbb_kx1", "dbb_id");

  @Override
  String primaryKey() {
    return "dbb_kxk.conv.weight";
  }

  @Override
  List<String> constraints(Geometry g) {
    return List.of();
  }

  @Override
  List<String> checkGeometry(StateDict sd, Geometry g) {
    List<String> out = super.checkGeometry(sd, g);
    if (g.padding() != g.kernel() / 2) {
      for (String id : CENTRED) {
        if (sd.hasPrefix(id + ".")) {
          out.add(
              "the file has '"
                  + id
                  + "', which DyRep only grows on convs with padding K/2 = "
                  + g.kernel() / 2
                  + "; the geometry says padding "
                  + g.padding());
        }
      }
    }
    if (sd.hasPrefix("dbb_id.") && !g.identityPossible()) {
      out.add(
          "the file has an identity branch 'dbb_id', which needs in == out and stride 1; the"
              + " geometry says in "
              + g.inChannels()
              + ", out "
              + g.outChannels()
              + ", stride "
              + g.stride());
    }
    if (sd.hasPrefix("dbb_1x1_avg.")
        && DbbParts.avgPoolsInput(sd, "dbb_1x1_avg")
        && g.inChannels() != g.outChannels()) {
      out.add(
          "dbb_1x1_avg has no 1x1 conv (the depthwise form pools the input itself), which needs in"
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
    List<String> found = new ArrayList<>();
    for (String id : ORDER) {
      if (!id.equals("dbb_kxk") && !sd.hasPrefix(id + ".")) {
        continue;
      }
      found.add(id);
      switch (id) {
        case "dbb_1x1" ->
            b.branch(
                id,
                b.conv(id + ".conv.weight", id, "conv", out, in, 1, 1, groups),
                b.bn(id + ".bn", id, "bn", out));
        case "dbb_1x1_kxk" -> {
          int internal = sd.dim(id + ".conv1.weight", 0, in);
          b.branch(id, DbbParts.oneByOneKxK(b, id, "conv1", internal, false).toArray(Op[]::new));
          if (internal != in) {
            b.note("dbb_1x1_kxk has " + internal + " internal channels (internal_channels).");
          }
        }
        case "dbb_1x1_avg" -> b.branch(id, DbbParts.avgBranch(b, id).toArray(Op[]::new));
        case "dbb_kxk" -> {
          b.put(id, "conv", "weight", sd.take(id + ".conv.weight", out, in / groups, k, k));
          b.put(id, "conv", "bias", sd.take(id + ".conv.bias", out));
          b.branch(id, new Conv("conv", out, k, k, groups, true), b.bn(id + ".bn", id, "bn", out));
        }
        case "dbb_1xk" ->
            b.branch(
                id,
                b.conv(id + ".conv.weight", id, "conv", out, in, 1, k, groups),
                b.bn(id + ".bn", id, "bn", out));
        case "dbb_kx1" ->
            b.branch(
                id,
                b.conv(id + ".conv.weight", id, "conv", out, in, k, 1, groups),
                b.bn(id + ".bn", id, "bn", out));
        case "dbb_id" -> b.branch(id, new Identity("id"), b.bn(id, id, "bn", out));
        default -> throw new IllegalStateException(id);
      }
    }
    int[] mask = ORDER.stream().mapToInt(id -> found.contains(id) ? 1 : 0).toArray();
    b.note(
        "Branches found: "
            + String.join(", ", found)
            + " (DyRep mask "
            + Arrays.toString(mask)
            + " in the order "
            + String.join(", ", ORDER)
            + ").");
    b.note("dbb_kxk's conv has a bias (conv.bias); it moves after the sum when linearized.");
    ignoreDynamicBn(b);
  }

  /** DyRep's DynamicBN keeps {@code _running_mean}/{@code _running_var}; eval mode ignores them. */
  private static void ignoreDynamicBn(BlockBuilder b) {
    StateDict sd = b.sd();
    boolean any = false;
    for (String id : ORDER) {
      for (String bn : List.of(".bn", ".bn1.bn", ".bn2", ".bn.bn", ".avgbn", "")) {
        for (String p : List.of("._running_mean", "._running_var")) {
          String key = id + bn + p;
          if (sd.has(key)) {
            sd.ignore(key);
            any = true;
          }
        }
      }
    }
    if (any) {
      b.note("DynamicBN's _running_mean/_running_var are ignored (eval mode uses running_*).");
    }
  }
}
