package dev.replens.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks that a set of weights fits a design: every key present, right shapes, finite values. */
public final class WeightCheck {

  private WeightCheck() {}

  /** Every mismatch, one line each; empty if the weights fit. */
  public static List<String> problems(BlockSpec spec, Weights weights) {
    List<String> out = new ArrayList<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray a = weights.find(p.key()).orElse(null);
      if (a == null) {
        out.add("missing '" + p.key() + "' " + p.spec().shapeText());
      } else if (!Arrays.equals(a.shape(), p.spec().shape())) {
        out.add(
            "'"
                + p.key()
                + "' has shape "
                + Arrays.toString(a.shape())
                + ", expected "
                + p.spec().shapeText());
      } else {
        long bad = firstNonFinite(a);
        if (bad >= 0) {
          out.add(
              "'"
                  + p.key()
                  + "' holds "
                  + a.getDouble(bad)
                  + " at flat index "
                  + bad
                  + ": weights must be finite");
        }
      }
    }
    return out;
  }

  /** Throws {@link IllegalArgumentException} listing every mismatch, if there is one. */
  public static void require(BlockSpec spec, Weights weights) {
    List<String> p = problems(spec, weights);
    if (!p.isEmpty()) {
      throw new IllegalArgumentException(
          "the weights don't fit the design: " + String.join("; ", p));
    }
  }

  /** The flat index of the first NaN or infinity, or -1. */
  public static long firstNonFinite(INDArray a) {
    double[] v = a.dup().data().asDouble();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        return i;
      }
    }
    return -1;
  }
}
