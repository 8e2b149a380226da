package dev.replens.engine.io.family;

import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Padding2D;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ACBlock} [Ding et al., "ACNet: Strengthening the Kernel Skeletons for Powerful CNN via
 * Asymmetric Convolution Blocks", ICCV 2019, Sec. 3.2]: a KxK, a Kx1 and a 1xK conv, each with its
 * BN, summed.
 *
 * <table>
 *   <caption>Branches</caption>
 *   <tr><th>branch</th><th>ops</th><th>file keys</th></tr>
 *   <tr><td>square</td><td>conv KxK → BN</td><td>square_conv.weight, square_bn.*</td></tr>
 *   <tr><td>ver</td><td>conv Kx1 → BN</td><td>ver_conv.weight, ver_bn.*</td></tr>
 *   <tr><td>hor</td><td>conv 1xK → BN</td><td>hor_conv.weight, hor_bn.*</td></tr>
 *   <tr><td>post</td><td>last_bn (optional)</td><td>last_bn.*</td></tr>
 * </table>
 *
 * <p>With {@code padding < K/2} ACNet crops the input of the asymmetric convs; the engine's branch
 * padding {@code p − K/2 + k/2} is then negative, which is the same crop. {@code use_affine=False}
 * drops the BN γ and β; they are imported as 1 and 0. The older {@code use_last_bn} revision adds a
 * BN after the sum, imported as a post op.
 */
final class AcbImporter extends FamilyImporter {

  private static final List<String> BNS = List.of("square_bn", "ver_bn", "hor_bn");

  @Override
  String primaryKey() {
    return "square_conv.weight";
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.kernel() % 2 == 0) {
      out.add(
          "ACBlock's kernel must be odd so that the Kx1 and 1xK windows sit on the KxK window's"
              + " centre; the geometry says kernel "
              + g.kernel());
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
    int p = g.padding();
    int groups = g.groups();
    boolean affine = BNS.stream().anyMatch(bn -> sd.has(bn + ".weight") || sd.has(bn + ".bias"));
    b.branch(
        "square",
        b.conv("square_conv.weight", "square", "conv", out, in, k, k, groups),
        bn(b, "square_bn", "square", affine));
    int c0 = p - k / 2;
    b.branch(
        new Branch(
            "ver",
            List.<Op>of(
                b.conv("ver_conv.weight", "ver", "conv", out, in, k, 1, groups),
                bn(b, "ver_bn", "ver", affine)),
            null,
            g.stride(),
            new Padding2D(p, c0)));
    b.branch(
        new Branch(
            "hor",
            List.<Op>of(
                b.conv("hor_conv.weight", "hor", "conv", out, in, 1, k, groups),
                bn(b, "hor_bn", "hor", affine)),
            null,
            g.stride(),
            new Padding2D(c0, p)));
    if (c0 < 0) {
      b.note(
          "padding "
              + p
              + " < K/2: as in ACNet, ver sees the input with "
              + -c0
              + (c0 == -1 ? " column" : " columns")
              + " cropped on each side and hor with as many rows cropped (the engine's negative"
              + " branch padding).");
    }
    if (!affine) {
      b.note("use_affine=False: the BNs have no γ and β; imported as γ = 1, β = 0.");
    }
    if (sd.hasPrefix("last_bn.")) {
      b.post(b.bn("last_bn", "post", "last_bn", out));
      b.note("last_bn (use_last_bn): the BN after the sum is a post op.");
    }
  }

  private static BatchNorm bn(BlockBuilder b, String prefix, String branchId, boolean affine) {
    if (affine) {
      return b.bn(prefix, branchId, "bn", b.geometry().outChannels());
    }
    StateDict sd = b.sd();
    int c = b.geometry().outChannels();
    b.put(branchId, "bn", "weight", Nd4j.ones(sd.dtype(), c));
    b.put(branchId, "bn", "bias", Nd4j.zeros(sd.dtype(), c));
    b.put(branchId, "bn", "running_mean", sd.take(prefix + ".running_mean", c));
    b.put(branchId, "bn", "running_var", sd.take(prefix + ".running_var", c));
    sd.ignore(prefix + ".num_batches_tracked");
    return new BatchNorm("bn", b.eps());
  }
}
