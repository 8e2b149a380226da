package dev.replens.engine.train;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.FusionBlockedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures how a block's branches relate: the cosine between their equivalent kernels, and the
 * directions in which each branch's own gradient moves the fused kernel (see {@link BlockMetrics}).
 *
 * <p>The direction {@code d_b = J_b g_b} is the derivative of branch b's equivalent kernel {@code
 * W_b(θ_b)} along its parameter gradient {@code g_b}, taken by a central difference in float64:
 * {@code (W_b(θ + h g) − W_b(θ − h g)) / 2h}. {@code W_b} is a polynomial of low degree in the
 * parameters, so the O(h²) error is far below what a chart shows.
 */
final class BranchAnalysis {

  private BranchAnalysis() {}

  /**
   * The metrics of one block, or empty if its branches have no kernel form.
   *
   * @param spec the block in its training form
   * @param weights its weights, BN running statistics included
   * @param gradients gradients by block key (trainable parameters only), or null to skip the
   *     gradient directions
   */
  static Optional<BlockMetrics> analyze(
      int block, BlockSpec spec, Weights weights, Map<String, INDArray> gradients) {
    Weights w = weights.castTo(DataType.DOUBLE);
    Equivalents eq;
    try {
      eq = Equivalents.of(new BlockState(spec, w));
    } catch (FusionBlockedException | IllegalArgumentException e) {
      return Optional.empty();
    }
    List<String> ids = new ArrayList<>(eq.branches().keySet());
    int n = ids.size();
    double[][] kernels = new double[n][];
    for (int i = 0; i < n; i++) {
      kernels[i] = flat(eq.branches().get(ids.get(i)).weight());
    }
    double[][] kernelCos = pairwise(kernels);
    double[][] dirs = new double[n][];
    for (int i = 0; i < n; i++) {
      dirs[i] =
          gradients == null
              ? new double[kernels[i].length]
              : direction(spec, w, spec.branches().get(i), gradients);
    }
    double[] total = new double[kernels.length == 0 ? 0 : kernels[0].length];
    for (double[] d : dirs) {
      for (int k = 0; k < d.length; k++) {
        total[k] += d[k];
      }
    }
    double[] toTotal = new double[n];
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      toTotal[i] = cosine(dirs[i], total);
      norms[i] = Math.sqrt(dot(dirs[i], dirs[i]));
    }
    KernelSnapshot fused = eq.fused().snapshot();
    return Optional.of(
        new BlockMetrics(block, ids, kernelCos, toTotal, pairwise(dirs), norms, fused));
  }

  /** {@code d_b} of one branch, flattened OIHW. */
  private static double[] direction(
      BlockSpec spec, Weights w, Branch b, Map<String, INDArray> gradients) {
    String prefix = b.id() + ".";
    double paramNorm = 0;
    double gradNorm = 0;
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        keys.add(e.getKey());
        INDArray g = e.getValue().castTo(DataType.DOUBLE);
        INDArray p = w.get(e.getKey());
        gradNorm += g.mul(g).sumNumber().doubleValue();
        paramNorm += p.mul(p).sumNumber().doubleValue();
      }
    }
    BlockSpec alone = spec.withBranches(List.of(b));
    int len =
        spec.outChannels() * (spec.inChannels() / spec.groups()) * spec.kernel() * spec.kernel();
    if (keys.isEmpty() || gradNorm == 0) {
      return new double[len];
    }
    double h = 1e-4 * Math.max(1.0, Math.sqrt(paramNorm)) / Math.sqrt(gradNorm);
    Weights plus = w;
    Weights minus = w;
    for (String k : keys) {
      INDArray g = gradients.get(k).castTo(DataType.DOUBLE);
      plus = plus.with(k, w.get(k).add(g.mul(h)));
      minus = minus.with(k, w.get(k).sub(g.mul(h)));
    }
    double[] a = flat(Equivalents.of(new BlockState(alone, plus)).branches().get(b.id()).weight());
    double[] c = flat(Equivalents.of(new BlockState(alone, minus)).branches().get(b.id()).weight());
    double[] d = new double[a.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = (a[k] - c[k]) / (2 * h);
    }
    return d;
  }

  private static double[][] pairwise(double[][] v) {
    int n = v.length;
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double c = cosine(v[i], v[j]);
        m[i][j] = c;
        m[j][i] = c;
      }
    }
    return m;
  }

  /** {@code cos(a, b)}, or 0 when either is the zero vector. */
  static double cosine(double[] a, double[] b) {
    double na = Math.sqrt(dot(a, a));
    double nb = Math.sqrt(dot(b, b));
    return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] flat(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }
}
