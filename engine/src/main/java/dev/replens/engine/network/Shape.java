package dev.replens.engine.network;

import dev.replens.engine.io.family.Family;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A block's channels, kernel and groups as its state dict's shapes give them away. Groups show
 * where a key's first dimension is the input channels (an identity BN, DBB's {@code idconv1},
 * OREPA's depthwise {@code gconv_dw}); where none is, the block is taken as ungrouped.
 */
record Shape(int out, int in, int kernel, int groups) {

  private static final Pattern LAYER = Pattern.compile("^weight(\\d+)\\..*");

  /** The key whose shape {@code [O, I/g, K, K]} every block of the family has. */
  static String primaryKey(Family f) {
    return switch (f) {
      case REPVGG -> "rbr_dense.conv.weight";
      case OREPA_REPVGG -> "rbr_dense.weight_rbr_origin";
      case DBB -> "dbb_origin.conv.weight";
      case DYREP_DBB -> "dbb_kxk.conv.weight";
      case ACB -> "square_conv.weight";
      case OREPA -> "weight_orepa_origin";
      case OREPA_1X1 -> "weight_or1x1_origin";
      case OREPA_LARGE -> "weight0.weight_orepa_origin";
    };
  }

  /** The shape, or null if the primary key is missing or not a conv weight. */
  static Shape infer(Family f, Map<String, INDArray> t) {
    INDArray w = t.get(primaryKey(f));
    if (w == null || w.rank() != 4) {
      return null;
    }
    int out = (int) w.size(0);
    int ipg = (int) w.size(1);
    int kernel = (int) w.size(2);
    int in = ipg;
    switch (f) {
      case REPVGG -> in = firstDim(t, "rbr_identity.running_var", ipg);
      case DBB -> {
        if (t.containsKey("dbb_1x1_kxk.idconv1.weight")) {
          in = firstDim(t, "dbb_1x1_kxk.idconv1.weight", ipg);
        } else if (ipg == 1 && !t.containsKey("dbb_1x1.conv.weight")) {
          in = out; // the depthwise form: groups == out channels
        }
      }
      case DYREP_DBB -> {
        if (t.containsKey("dbb_id.running_var")) {
          in = out;
        } else if (ipg == 1
            && !t.containsKey("dbb_1x1_avg.conv.weight")
            && t.containsKey("dbb_1x1_avg.avgbn.running_var")) {
          in = out;
        }
      }
      case OREPA, OREPA_LARGE -> {
        String dw = f == Family.OREPA ? "weight_orepa_gconv_dw" : "weight0.weight_orepa_gconv_dw";
        INDArray d = t.get(dw);
        if (d != null && d.size(0) % 8 == 0) {
          in = (int) (d.size(0) / 8);
        }
        if (f == Family.OREPA_LARGE) {
          int layers = 0;
          for (String k : t.keySet()) {
            Matcher m = LAYER.matcher(k);
            if (m.matches()) {
              layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
          }
          kernel = 2 * layers + 1;
        }
      }
      default -> {}
    }
    if (in < ipg || in % ipg != 0 || out % (in / ipg) != 0) {
      in = ipg;
    }
    return new Shape(out, in, kernel, in / ipg);
  }

  private static int firstDim(Map<String, INDArray> t, String key, int fallback) {
    INDArray a = t.get(key);
    return a == null || a.rank() < 1 ? fallback : (int) a.size(0);
  }
}
