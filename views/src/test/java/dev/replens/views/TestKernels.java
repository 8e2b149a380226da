package dev.replens.views;

import dev.replens.engine.kernel.KernelSnapshot;
import java.util.Random;

/** Hand-built kernel snapshots for view tests. */
public final class TestKernels {

  private TestKernels() {}

  /**
   * An all-zero {@code out × in × k × k} kernel, groups {@code g}, with taps set by {@code set}.
   */
  public static KernelSnapshot zeros(int out, int in, int k, int groups, double... oiyxv) {
    int inPer = in / groups;
    double[] w = new double[out * inPer * k * k];
    for (int j = 0; j + 5 <= oiyxv.length; j += 5) {
      int o = (int) oiyxv[j];
      int i = (int) oiyxv[j + 1];
      int y = (int) oiyxv[j + 2];
      int x = (int) oiyxv[j + 3];
      w[((o * inPer + i) * k + y) * k + x] = oiyxv[j + 4];
    }
    return new KernelSnapshot(out, inPer, k, k, groups, w, new double[out]);
  }

  /** A kernel of uniform random values in [−1, 1], with a random bias. */
  public static KernelSnapshot random(int out, int in, int k, int groups, long seed) {
    Random r = new Random(seed);
    int inPer = in / groups;
    double[] w = new double[out * inPer * k * k];
    for (int j = 0; j < w.length; j++) {
      w[j] = r.nextDouble() * 2 - 1;
    }
    double[] b = new double[out];
    for (int j = 0; j < b.length; j++) {
      b[j] = r.nextDouble() - 0.5;
    }
    return new KernelSnapshot(out, inPer, k, k, groups, w, b);
  }
}
