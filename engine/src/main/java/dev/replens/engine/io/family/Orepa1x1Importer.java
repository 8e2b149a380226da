package dev.replens.engine.io.family;

import dev.replens.engine.model.ChannelScale;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code OREPA_1x1} [Hu et al., "Online Convolutional Re-parameterization", CVPR 2022]: a 1x1 conv
 * plus a linear-to-identity pair of 1x1 convs, each scaled by a row of {@code vector}, then one BN.
 *
 * <pre>W[o,i] = vector[0,o]·origin[o,i] + vector[1,o]·Σ_t conv2[o,t]·conv1[t,i]</pre>
 *
 * <table>
 *   <caption>Branches</caption>
 *   <tr><th>branch</th><th>ops</th><th>file keys</th></tr>
 *   <tr><td>origin</td><td>conv 1x1 → scale</td><td>weight_or1x1_origin, vector[0]</td></tr>
 *   <tr><td>l2i</td><td>conv 1x1 → conv 1x1 → scale</td><td>weight_or1x1_l2i_conv1,
 *       weight_or1x1_l2i_conv2, vector[1]</td></tr>
 *   <tr><td>post</td><td>BN</td><td>bn.*</td></tr>
 * </table>
 */
final class Orepa1x1Importer extends FamilyImporter {

  @Override
  String primaryKey() {
    return "weight_or1x1_origin";
  }

  @Override
  List<String> constraints(Geometry g) {
    List<String> out = new ArrayList<>();
    if (g.kernel() != 1 || g.padding() != 0 || g.groups() != 1) {
      out.add(
          "OREPA_1x1 is a 1x1 conv with padding 0 and groups 1 (its constructor asserts all"
              + " three); the geometry says kernel "
              + g.kernel()
              + ", padding "
              + g.padding()
              + ", groups "
              + g.groups());
    }
    return out;
  }

  @Override
  void build(BlockBuilder b) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int in = g.inChannels();
    int out = g.outChannels();
    INDArray vector = sd.take("vector", 2, out);
    b.branch(
        "origin",
        b.conv("weight_or1x1_origin", "origin", "conv", out, in, 1, 1, 1),
        scale(b, "origin", vector, 0));
    int t = sd.dim("weight_or1x1_l2i_conv1", 0, Math.min(in, out));
    b.branch(
        "l2i",
        b.conv("weight_or1x1_l2i_conv1", "l2i", "conv1", t, in, 1, 1, 1),
        b.conv("weight_or1x1_l2i_conv2", "l2i", "conv2", out, t, 1, 1, 1),
        scale(b, "l2i", vector, 1));
    b.note(
        "l2i: conv1 ["
            + t
            + ", "
            + in
            + "] then conv2 ["
            + out
            + ", "
            + t
            + "] ("
            + (out > in ? "out > in: conv1 is the eye-initialised one" : "out <= in: conv2 is")
            + ").");
    b.post(b.bn("bn", "post", "bn", out));
    b.note("Each branch ends with its row of vector as a channel-wise scale; bn is a post op.");
  }

  private static ChannelScale scale(BlockBuilder b, String id, INDArray vector, int row) {
    b.put(
        id,
        "vector",
        "weight",
        vector
            .get(NDArrayIndex.point(row), NDArrayIndex.all())
            .dup()
            .reshape(b.geometry().outChannels()));
    return ChannelScale.of("vector");
  }
}
