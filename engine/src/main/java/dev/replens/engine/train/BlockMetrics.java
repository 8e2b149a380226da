package dev.replens.engine.train;

import dev.replens.engine.kernel.KernelSnapshot;
import java.util.Arrays;
import java.util.List;

/**
 * How the branches of one block relate at one step. Safe to hand to another thread: every array is
 * a copy, and the accessors return copies.
 *
 * <p>Each branch b has an equivalent KxK kernel {@code W_b} (eval mode, {@code Equivalents}). Its
 * gradient direction {@code d_b} is the first-order change of {@code W_b} when b's own parameters
 * move along their loss gradient, {@code d_b = J_b ∇_{θ_b} L} (the branch's gradient mapped into
 * the fused kernel's space); the total is {@code Σ_b d_b}. OREPA's branch-diversity argument is
 * about these directions: with per-branch BN or scales the branches keep distinct directions.
 *
 * @param block the block's layer index
 * @param branches branch ids, in block order
 * @param kernelCosine {@code cos(W_a, W_b)} for every pair, a symmetric matrix
 * @param gradientCosineToTotal {@code cos(d_b, Σ d)} per branch
 * @param gradientCosine {@code cos(d_a, d_b)} for every pair, a symmetric matrix
 * @param gradientNorms {@code |d_b|} per branch
 * @param fusedKernel the block's fused kernel with its bias, for the heatmap
 */
public record BlockMetrics(
    int block,
    List<String> branches,
    double[][] kernelCosine,
    double[] gradientCosineToTotal,
    double[][] gradientCosine,
    double[] gradientNorms,
    KernelSnapshot fusedKernel) {

  public BlockMetrics {
    branches = List.copyOf(branches);
    kernelCosine = copy(kernelCosine);
    gradientCosineToTotal = gradientCosineToTotal.clone();
    gradientCosine = copy(gradientCosine);
    gradientNorms = gradientNorms.clone();
  }

  @Override
  public double[][] kernelCosine() {
    return copy(kernelCosine);
  }

  @Override
  public double[] gradientCosineToTotal() {
    return gradientCosineToTotal.clone();
  }

  @Override
  public double[][] gradientCosine() {
    return copy(gradientCosine);
  }

  @Override
  public double[] gradientNorms() {
    return gradientNorms.clone();
  }

  /** {@code cos(W_a, W_b)} of branches a and b. */
  public double kernelCosine(int a, int b) {
    return kernelCosine[a][b];
  }

  /** {@code cos(d_a, d_b)} of branches a and b. */
  public double gradientCosine(int a, int b) {
    return gradientCosine[a][b];
  }

  private static double[][] copy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockMetrics b
        && b.block == block
        && b.branches.equals(branches)
        && Arrays.deepEquals(b.kernelCosine, kernelCosine)
        && Arrays.equals(b.gradientCosineToTotal, gradientCosineToTotal)
        && Arrays.deepEquals(b.gradientCosine, gradientCosine)
        && Arrays.equals(b.gradientNorms, gradientNorms)
        && b.fusedKernel.equals(fusedKernel);
  }

  @Override
  public int hashCode() {
    return block * 31 + Arrays.hashCode(gradientNorms);
  }

  @Override
  public String toString() {
    return "BlockMetrics[block " + block + ", " + branches + "]";
  }
}
