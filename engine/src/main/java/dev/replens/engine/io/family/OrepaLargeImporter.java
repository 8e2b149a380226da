package dev.replens.engine.io.family;

import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code OREPA_LargeConv} [Hu et al., "Online Convolutional Re-parameterization", CVPR 2022]: a KxK
 * kernel generated from {@code L = (K−1)/2} stacked 3x3 OREPA generators {@code weight0 …
 * weight{L−1}} (each {@code weight_only}, without BN), then one BN.
 *
 * <p>The official {@code weight_gen} composes the layers with {@code F.conv2d(W.transpose(0,1),
 * w_i, padding=2)}, a cross-correlation:
 *
 * <pre>W_new[o,i,y,x] = Σ_{t,u,v} w_i[o,t,u,v] · W[t,i,y+u−2,x+v−2]</pre>
 *
 * That equals applying layer 0 and then every later layer with its kernel rotated by 180°, not the
 * layers as they are. The block is therefore one chain {@code layers}: conv {@code weight0} → conv
 * rot180({@code weight1}) → … on the input zero-padded once, the stride applied by the last conv,
 * and the BN as post op. The engine's model has no nested branches, so each layer's six online
 * branches (see {@link OrepaParts}) are squeezed at import, with the engine's own fusion pipeline:
 * each conv of the chain holds its layer's {@code weight_gen()}.
 */
final class OrepaLargeImporter extends FamilyImporter {

  static final String BRANCH = "layers";

  @Override
  String primaryKey() {
    return "weight0.weight_orepa_origin";
  }

  @Override
  int[] primaryKernel(Geometry g) {
    return new int[] {3, 3};
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.kernel() % 2 == 0 || g.kernel() < 5) {
      out.add(
          "OREPA_LargeConv needs an odd kernel of at least 5 (built from (K−1)/2 3x3 layers); the"
              + " geometry says kernel "
              + g.kernel());
    }
    if (g.groups() != 1) {
      out.add(
          "OREPA_LargeConv only works with groups 1 (its later layers have groups 1 but are"
              + " composed with the block's groups); the geometry says groups "
              + g.groups());
    }
    return out;
  }

  /** How many layers {@code weight0, weight1, …} the file has. */
  private static int layersInFile(StateDict sd) {
    int n = 0;
    while (sd.hasPrefix("weight" + n + ".")) {
      n++;
    }
    return n;
  }

  @Override
  List<String> checkGeometry(StateDict sd, Geometry g) {
    List<String> out = super.checkGeometry(sd, g);
    int layers = layersInFile(sd);
    int expected = (g.kernel() - 1) / 2;
    if (layers > 0 && layers != expected && g.kernel() % 2 == 1) {
      out.add(
          "kernel: the geometry says "
              + g.kernel()
              + ", i.e. "
              + expected
              + " stacked 3x3 layers, but the file has "
              + layers
              + " (weight0 … weight"
              + (layers - 1)
              + "), i.e. kernel "
              + (2 * layers + 1));
    }
    return out;
  }

  @Override
  void build(BlockBuilder b) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int out = g.outChannels();
    int layers = (g.kernel() - 1) / 2;
    List<Op> chain = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      int in = i == 0 ? g.inChannels() : out;
      int groups = i == 0 ? g.groups() : 1;
      Geometry lg = new Geometry(in, out, 3, 1, 1, groups);
      BlockBuilder layer = new BlockBuilder(sd, lg, b.eps());
      OrepaParts.Keys keys = new OrepaParts.Keys("weight" + i + ".", "weight_orepa_");
      for (Branch br :
          OrepaParts.branches(layer, keys, "", true, 6, OrepaImporter.defaultInternal(lg))) {
        layer.branch(br);
      }
      INDArray w = sd.hasProblems() ? sd.zeros(out, in / groups, 3, 3) : weightGen(layer, i);
      if (i == 0) {
        layer.notes().forEach(n -> b.note("weight0 (and likewise every layer): " + n));
      }
      String op = "weight" + i;
      b.put(BRANCH, op, "weight", i == 0 ? w : OrepaParts.rotate180(w));
      chain.add(new Conv(op, out, 3, 3, groups, false));
    }
    b.branch(BRANCH, chain.toArray(Op[]::new));
    b.post(b.bn("bn", "post", "bn", out));
    b.note(
        "Each layer weight0 … weight"
            + (layers - 1)
            + " is a weight_only OREPA 3x3 generator; its six online branches are squeezed at"
            + " import (the engine has no nested branches), so each conv of the chain '"
            + BRANCH
            + "' holds that layer's weight_gen().");
    b.note(
        "The official weight_gen composes the layers by cross-correlation (F.conv2d), which equals"
            + " layer 0 followed by every later layer with its 3x3 kernel rotated by 180°: the"
            + " chain holds rot180(weight1 …), not the layers as they are.");
    b.note("bn: the BN after the composed kernel is the block's post op.");
  }

  private static INDArray weightGen(BlockBuilder layer, int index) {
    Pipeline p = FusionPipeline.run(layer.spec(), Weights.of(layer.weights(), layer.sd().dtype()));
    if (!p.complete()) {
      throw new IllegalStateException(
          "layer weight" + index + " can't be squeezed: " + p.blockedBy());
    }
    return p.fusedKernel().weight();
  }
}
