package dev.replens.engine.io.family;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The online branches of one OREPA kernel generator [Hu et al., "Online Convolutional
 * Re-parameterization", CVPR 2022, Sec. 3 and Fig. 3], as the engine's chains. OREPA never runs
 * them as feature maps: its {@code weight_gen()} squeezes them into one kernel at every forward
 * pass, then convolves and applies one BN,
 *
 * <pre>
 *   W = Σ_b vector[b] ⊙ W_b,   y = BN(conv(x, W))
 * </pre>
 *
 * so each branch here ends with its row of {@code vector} as a channel-wise scale, and the BN is
 * the block's post op. The rows, in the official init's order: origin, avg, prior, 1x1_kxk, 1x1
 * (OREPA only), gconv.
 *
 * <table>
 *   <caption>Branches (keys of {@code OREPA}; {@code RepVGGBlock_OREPA} writes {@code
 *   rbr_dense.weight_rbr_*})</caption>
 *   <tr><th>branch</th><th>ops</th><th>file keys</th></tr>
 *   <tr><td>origin</td><td>conv KxK → scale</td><td>weight_orepa_origin</td></tr>
 *   <tr><td>avg</td><td>conv 1x1 → avg-pool KxK (or a depthwise KxK conv holding the buffer) →
 *       scale</td><td>weight_orepa_avg_conv, weight_orepa_avg_avg</td></tr>
 *   <tr><td>prior</td><td>frequency filter → scale</td><td>weight_orepa_pfir_conv,
 *       weight_orepa_prior</td></tr>
 *   <tr><td>1x1_kxk</td><td>conv 1x1 → conv KxK → scale</td><td>weight_orepa_1x1_kxk_idconv1 +
 *       id_tensor, weight_orepa_1x1_kxk_conv2</td></tr>
 *   <tr><td>1x1</td><td>conv 1x1 → scale</td><td>weight_orepa_1x1</td></tr>
 *   <tr><td>gconv</td><td>depthwise conv KxK (×E) → grouped conv 1x1 → scale</td>
 *       <td>weight_orepa_gconv_dw, weight_orepa_gconv_pw</td></tr>
 * </table>
 *
 * <p>The buffers {@code weight_orepa_avg_avg}, {@code weight_orepa_prior} and {@code id_tensor} are
 * used as stored: the official code creates them in float32 (a float64 checkpoint holds
 * float32-rounded values) and for K &gt; 3 it writes only the top-left 3x3 of the prior, leaving
 * the rest uninitialised.
 */
final class OrepaParts {

  private OrepaParts() {}

  /**
   * Where a generator's keys live.
   *
   * @param prefix the module prefix, e.g. {@code ""}, {@code "rbr_dense."}, {@code "weight1."}
   * @param stem the parameter stem, {@code "weight_orepa_"} or {@code "weight_rbr_"}
   */
  record Keys(String prefix, String stem) {
    String param(String name) {
      return prefix + stem + name;
    }

    String buffer(String name) {
      return prefix + name;
    }
  }

  /**
   * Reads the generator's keys into the builder and returns its branches (not yet added).
   *
   * @param idPrefix the prefix of the branch ids, e.g. {@code "rbr_dense_"}
   * @param with1x1 whether the generator has the plain 1x1 branch (OREPA does, RepVGG's does not)
   * @param vectorRows the rows of {@code vector} in the file (6, or 5 for RepVGG's without 1x1)
   * @param defaultInternal the official default of the 1x1_kxk internal channels
   */
  static List<Branch> branches(
      BlockBuilder b,
      Keys k,
      String idPrefix,
      boolean with1x1,
      int vectorRows,
      int defaultInternal) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int in = g.inChannels();
    int out = g.outChannels();
    int kk = g.kernel();
    int groups = g.groups();
    INDArray vector = sd.take(k.buffer("vector"), vectorRows, out);
    List<Branch> branches = new ArrayList<>();

    String id = idPrefix + "origin";
    branches.add(
        withScale(
            b, id, vector, 0, b.conv(k.param("origin"), id, "conv", out, in, kk, kk, groups)));

    id = idPrefix + "avg";
    Conv avgConv = b.conv(k.param("avg_conv"), id, "avg_conv", out, in, 1, 1, groups);
    INDArray avgAvg = sd.take(k.param("avg_avg"), kk, kk);
    Op pool;
    if (isExactAverage(avgAvg, kk)) {
      pool = new AvgPool("avg", kk);
      b.note(
          "avg: "
              + k.param("avg_avg")
              + " holds exactly 1/K² in the file's type, so it is an avg-pool.");
    } else {
      pool = new Conv("avg_avg", out, kk, kk, out, false);
      b.put(id, "avg_avg", "weight", avgAvg.reshape(1, 1, kk, kk).broadcast(out, 1, kk, kk).dup());
      b.note(
          "avg: "
              + k.param("avg_avg")
              + " is not exactly 1/K² in the file's type (the official buffer is float32-rounded),"
              + " so it is kept as a depthwise KxK conv holding the stored values instead of an"
              + " avg-pool.");
    }
    branches.add(withScale(b, id, vector, 1, avgConv, pool));

    id = idPrefix + "prior";
    b.put(id, "pfir", "weight", sd.take(k.param("pfir_conv"), out, in / groups, 1, 1));
    b.put(id, "pfir", "prior", sd.take(k.param("prior"), out, kk, kk));
    branches.add(withScale(b, id, vector, 2, new FrequencyFilter("pfir", out, kk, groups)));
    b.note(
        "prior: "
            + k.param("prior")
            + " is the frequency filter's basis as stored"
            + (kk > 3
                ? "; for K > 3 the official fre_init writes only its top-left 3x3 and the rest is"
                    + " whatever the checkpoint holds"
                : "")
            + ".");

    id = idPrefix + "1x1_kxk";
    branches.add(withScale(b, id, vector, 3, oneByOneKxK(b, k, id, defaultInternal)));

    int next = 4;
    if (with1x1) {
      id = idPrefix + "1x1";
      branches.add(
          withScale(
              b, id, vector, next++, b.conv(k.param("1x1"), id, "conv", out, in, 1, 1, groups)));
    }

    id = idPrefix + "gconv";
    branches.add(withScale(b, id, vector, next, gconv(b, k, id)));
    b.note(
        "Each branch ends with its row of "
            + k.buffer("vector")
            + " as a channel-wise scale (OREPA's linear scaling).");
    return branches;
  }

  private static Op[] oneByOneKxK(BlockBuilder b, Keys k, String id, int defaultInternal) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int in = g.inChannels();
    int groups = g.groups();
    String idconv = k.param("1x1_kxk_idconv1");
    String conv1 = k.param("1x1_kxk_conv1");
    boolean plain = sd.has(conv1) && !sd.has(idconv);
    if (sd.has(conv1) && sd.has(idconv)) {
      sd.problem("the file has both '" + idconv + "' and '" + conv1 + "'; OREPA has one of them");
    }
    String first = plain ? conv1 : idconv;
    int t = sd.dim(first, 0, defaultInternal);
    if (t % groups != 0) {
      sd.problem(
          "'"
              + first
              + "' has "
              + t
              + " output channels, which the block's "
              + groups
              + " groups don't divide");
      t = defaultInternal;
    }
    String op = plain ? "conv1" : "idconv1";
    INDArray w = sd.take(first, t, in / groups, 1, 1);
    if (!plain) {
      INDArray idTensor = sd.take(k.buffer("id_tensor"), t, in / groups, 1, 1);
      w = w.add(idTensor);
      b.note(
          "1x1_kxk: the first conv holds "
              + idconv
              + " + "
              + k.buffer("id_tensor")
              + " (the identity buffer as stored; the parameter has this name even when the"
              + " internal channels differ from in).");
    }
    b.put(id, op, "weight", w);
    Conv c1 = new Conv(op, t, 1, 1, groups, false);
    Conv c2 =
        b.conv(
            k.param("1x1_kxk_conv2"),
            id,
            "conv2",
            g.outChannels(),
            t,
            g.kernel(),
            g.kernel(),
            groups);
    return new Op[] {c1, c2};
  }

  /**
   * OREPA's gconv branch, {@code dwsc2full(dw, pw, groups=in, groups_conv=g)}: a depthwise conv
   * with multiplier E (input channel j feeds dw channels j·E … j·E + E − 1), then a grouped 1x1
   * conv. The official code views pw as {@code [O/g, g, I/g, E]}, so output {@code c·O/g + a} of
   * group c uses pw row {@code a·g + c}; the rows are reordered here so that a plain grouped conv
   * computes the same.
   */
  private static Op[] gconv(BlockBuilder b, Keys k, String id) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int in = g.inChannels();
    int out = g.outChannels();
    int kk = g.kernel();
    int groups = g.groups();
    String dwKey = k.param("gconv_dw");
    int rows = sd.dim(dwKey, 0, 8 * in);
    if (rows % in != 0 || rows % groups != 0) {
      sd.problem(
          "'"
              + dwKey
              + "' has "
              + rows
              + " rows, not a multiple of the "
              + in
              + " in channels (OREPA expands each by 8)");
      rows = 8 * in;
    }
    b.put(id, "dw", "weight", sd.take(dwKey, rows, 1, kk, kk));
    INDArray pw = sd.take(k.param("gconv_pw"), out, rows / groups, 1, 1);
    int perGroup = out / groups;
    INDArray eff = pw;
    if (groups > 1) {
      eff = Nd4j.create(pw.dataType(), pw.shape());
      for (int r = 0; r < out; r++) {
        int c = r / perGroup;
        int a = r % perGroup;
        eff.get(NDArrayIndex.point(r), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
            .assign(
                pw.get(
                    NDArrayIndex.point((long) a * groups + c),
                    NDArrayIndex.all(),
                    NDArrayIndex.all(),
                    NDArrayIndex.all()));
      }
      b.note(
          "gconv: the rows of "
              + k.param("gconv_pw")
              + " are reordered (row a·g + c → output c·out/g + a) to reproduce dwsc2full's"
              + " interleaved view with a plain grouped 1x1 conv.");
    }
    b.put(id, "pw", "weight", eff);
    b.note(
        "gconv: "
            + k.param("gconv_dw")
            + " is a depthwise KxK conv with multiplier "
            + rows / in
            + ", followed by "
            + k.param("gconv_pw")
            + " as a grouped 1x1 conv.");
    return new Op[] {
      new Conv("dw", rows, kk, kk, in, false), new Conv("pw", out, 1, 1, groups, false)
    };
  }

  private static Branch withScale(BlockBuilder b, String id, INDArray vector, int row, Op... ops) {
    int out = b.geometry().outChannels();
    INDArray v =
        row < vector.size(0)
            ? vector.get(NDArrayIndex.point(row), NDArrayIndex.all()).dup().reshape(out)
            : b.sd().zeros(out);
    b.put(id, "vector", "weight", v);
    List<Op> chain = new ArrayList<>(List.of(ops));
    chain.add(ChannelScale.of("vector"));
    return Branch.of(id, chain.toArray(Op[]::new));
  }

  /** Whether every entry is 1/K² exactly as the array's type rounds it. */
  static boolean isExactAverage(INDArray a, int k) {
    double exact = 1.0 / (k * k);
    double[] v = a.dup().data().asDouble();
    for (double x : v) {
      boolean same = a.dataType() == DataType.FLOAT ? (float) x == (float) exact : x == exact;
      if (!same) {
        return false;
      }
    }
    return v.length > 0;
  }

  /** A KxK kernel rotated by 180°: {@code W'[o, i, y, x] = W[o, i, kH−1−y, kW−1−x]}. */
  static INDArray rotate180(INDArray w) {
    long[] s = w.shape();
    INDArray out = Nd4j.create(w.dataType(), s);
    for (long o = 0; o < s[0]; o++) {
      for (long i = 0; i < s[1]; i++) {
        for (long y = 0; y < s[2]; y++) {
          for (long x = 0; x < s[3]; x++) {
            out.putScalar(new long[] {o, i, s[2] - 1 - y, s[3] - 1 - x}, w.getDouble(o, i, y, x));
          }
        }
      }
    }
    return out;
  }
}
