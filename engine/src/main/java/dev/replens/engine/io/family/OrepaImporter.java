package dev.replens.engine.io.family;

import dev.replens.engine.model.Branch;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code OREPA} [Hu et al., "Online Convolutional Re-parameterization", CVPR 2022]: six online
 * branches squeezed into one KxK kernel, then one BN. See {@link OrepaParts} for the branches; the
 * BN ({@code bn.*}) is the block's post op.
 */
final class OrepaImporter extends FamilyImporter {

  static final OrepaParts.Keys KEYS = new OrepaParts.Keys("", "weight_orepa_");

  @Override
  String primaryKey() {
    return "weight_orepa_origin";
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.kernel() % 2 == 0 || g.padding() != g.kernel() / 2) {
      out.add(
          "OREPA needs an odd kernel and padding K/2 (its constructor asserts padding =="
              + " kernel // 2); the geometry says kernel "
              + g.kernel()
              + ", padding "
              + g.padding());
    }
    return out;
  }

  /** The official default of the 1x1_kxk internal channels: in if groups ≤ 4, else 2·in. */
  static int defaultInternal(Geometry g) {
    return g.groups() <= 4 ? g.inChannels() : 2 * g.inChannels();
  }

  @Override
  void build(BlockBuilder b) {
    Geometry g = b.geometry();
    for (Branch br : OrepaParts.branches(b, KEYS, "", true, 6, defaultInternal(g))) {
      b.branch(br);
    }
    b.post(b.bn("bn", "post", "bn", g.outChannels()));
    b.note("bn: OREPA's single BN after the squeezed kernel is the block's post op.");
  }
}
