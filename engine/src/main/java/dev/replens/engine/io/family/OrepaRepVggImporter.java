package dev.replens.engine.io.family;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code RepVGGBlock_OREPA} [Hu et al., "Online Convolutional Re-parameterization", CVPR 2022, on
 * top of RepVGG, CVPR 2021]: {@code relu(BN_d(conv(x, weight_gen())) + BN(conv1x1(x)) + BN(x))},
 * where {@code rbr_dense} ({@code OREPA_3x3_RepVGG}) squeezes five online branches (origin, avg,
 * prior, 1x1_kxk, gconv; no plain 1x1) into its 3x3 kernel.
 *
 * <p>The engine's blocks are flat: parallel chains and ops after the sum of all of them. {@code
 * rbr_dense}'s BN acts on the sum of its five branches only, so it can't be a post op. It is
 * written into each of the five chains instead ({@code rbr_dense_origin}, {@code rbr_dense_avg},
 * ...): every copy has the same γ and running variance; β and the running mean are kept in {@code
 * rbr_dense_origin} and are 0 in the other copies. Because eval-mode BN is affine, {@code BN(Σ u) =
 * Σ (γ/σ) u + (β − μγ/σ)}, the copies add up to the one BN exactly. (In training mode, with batch
 * statistics, they would not.)
 */
final class OrepaRepVggImporter extends FamilyImporter {

  static final OrepaParts.Keys KEYS = new OrepaParts.Keys("rbr_dense.", "weight_rbr_");

  @Override
  String primaryKey() {
    return "rbr_dense.weight_rbr_origin";
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.kernel() != 3 || g.padding() != 1 || g.groups() != 1) {
      out.add(
          "RepVGGBlock_OREPA is built with kernel 3, padding 1 and groups 1 (its gconv ignores"
              + " groups); the geometry says kernel "
              + g.kernel()
              + ", padding "
              + g.padding()
              + ", groups "
              + g.groups());
    }
    return out;
  }

  @Override
  List<String> checkGeometry(StateDict sd, Geometry g) {
    List<String> out = super.checkGeometry(sd, g);
    checkIdentityBranch(sd, g, "RepVGGBlock_OREPA", out);
    return out;
  }

  @Override
  void build(BlockBuilder b) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int in = g.inChannels();
    int out = g.outChannels();
    boolean identity = sd.hasPrefix("rbr_identity.");
    int rows = sd.dim(KEYS.buffer("vector"), 0, identity ? 6 : 5);
    if (rows != 5 && rows != 6) {
      rows = identity ? 6 : 5; // reported as a shape mismatch
    }
    List<Branch> dense = OrepaParts.branches(b, KEYS, "rbr_dense_", false, rows, in);
    INDArray gamma = sd.take("rbr_dense.bn.weight", out);
    INDArray beta = sd.take("rbr_dense.bn.bias", out);
    INDArray mean = sd.take("rbr_dense.bn.running_mean", out);
    INDArray var = sd.take("rbr_dense.bn.running_var", out);
    sd.ignore("rbr_dense.bn.num_batches_tracked");
    for (int i = 0; i < dense.size(); i++) {
      Branch br = dense.get(i);
      b.put(br.id(), "bn", "weight", gamma);
      b.put(br.id(), "bn", "bias", i == 0 ? beta : sd.zeros(out));
      b.put(br.id(), "bn", "running_mean", i == 0 ? mean : sd.zeros(out));
      b.put(br.id(), "bn", "running_var", var);
      List<Op> ops = new ArrayList<>(br.ops());
      ops.add(new BatchNorm("bn", b.eps()));
      b.branch(br.withOps(ops));
    }
    b.note(
        "rbr_dense (OREPA_3x3_RepVGG) is split into its five online branches rbr_dense_origin,"
            + " _avg, _prior, _1x1_kxk, _gconv. Its one BN, which acts on their sum, is copied"
            + " into each: same γ and running_var everywhere, β and running_mean only in"
            + " rbr_dense_origin (0 in the others), which adds up to the one BN exactly in eval"
            + " mode.");
    if (rows == 6) {
      b.note(
          "rbr_dense.vector has 6 rows (the block has an identity); row 5 is never used by the"
              + " official weight_gen and is ignored.");
    }
    b.branch(
        "rbr_1x1",
        b.conv("rbr_1x1.conv.weight", "rbr_1x1", "conv", out, in, 1, 1, 1),
        b.bn("rbr_1x1.bn", "rbr_1x1", "bn", out));
    if (identity) {
      b.branch("rbr_identity", new Identity("id"), b.bn("rbr_identity", "rbr_identity", "bn", in));
    } else if (g.identityPossible()) {
      b.note(
          "The file has no rbr_identity although in == out and stride 1: imported without an"
              + " identity branch.");
    }
    b.activation(Activation.RELU);
    b.note(
        "The block's ReLU is its activation; fusion stops before it, so the fused conv gives the"
            + " pre-activation sum.");
  }
}
