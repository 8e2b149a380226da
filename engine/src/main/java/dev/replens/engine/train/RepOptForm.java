package dev.replens.engine.train;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import dev.replens.engine.transform.Transforms;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * RepOptimizer's single-conv form of a CSLA block {@code y = s_id·x + s_1·conv1x1(x) +
 * s_c·convKxK(x)} (constant per-channel scales, BN after the sum) [RepOptimizer: Ding et al.,
 * "Re-parameterizing Your Optimizers rather than Architectures", ICLR 2023, Sec. 3].
 *
 * <pre>
 *   W' = s_c·W_K + s_1·pad(W_1) + s_id·I                     (initialization)
 *   SGD:   M = s_c²  everywhere, + s_1² at the centre tap, + 1 at the centre tap where o = i
 *   AdamW: M = |s_c| everywhere, + |s_1| at the centre tap, + 1 at the centre tap where o = i
 *   SGD:   g' = M ⊙ g, then weight decay (λ·W') and momentum as usual
 *   AdamW: the moments see M ⊙ g, and the step m̂/(√v̂ + ε) is multiplied by M once more
 * </pre>
 *
 * <p>Why: the CSLA block's equivalent kernel is {@code W' = s_c·W_K + s_1·pad(W_1) + D·I}, and the
 * gradient of each branch weight is its scale times the gradient {@code g} of {@code W'}. One SGD
 * step on every branch moves {@code W'} by {@code −lr·(s_c²·g + s_1²·g_centre + g_diag) − lr·λ·W'};
 * momentum is linear, so the buffers map the same way. Adam's step is invariant to a constant scale
 * of its gradient, so each branch moves by its unscaled Adam step and {@code W'} by {@code |s|}
 * times it.
 *
 * <p>The identity term follows the reference implementation [DingXiaoH/RepOptimizers, {@code
 * repoptvgg_handler.py}: {@code mask[ids, ids, 1:2, 1:2] += 1.0} for SGD and AdamW alike]: the
 * reference CSLA block keeps its identity scale {@code D} trainable ({@code LinearAddBlock} freezes
 * only the conv scales), and {@code D}'s gradient is exactly {@code g} at those taps. The 1x1 and
 * identity terms are present only if the user's block has such a branch (an identity also needs
 * equal channels and stride 1). For AdamW the reference uses the signed scales; the absolute value
 * used here is the same for positive scales and keeps the equivalence when a searched scale is
 * negative.
 *
 * @param kernel K
 * @param out output channels
 * @param in input channels
 * @param groups the conv's groups
 * @param scaleKxK {@code s_c}, per output channel
 * @param scale1x1 {@code s_1} per output channel, or null without a 1x1 branch
 * @param scaleIdentity {@code s_id} per output channel, or null without an identity branch
 */
public record RepOptForm(
    int kernel,
    int out,
    int in,
    int groups,
    double[] scaleKxK,
    double[] scale1x1,
    double[] scaleIdentity) {

  public RepOptForm {
    scaleKxK = scaleKxK.clone();
    scale1x1 = scale1x1 == null ? null : scale1x1.clone();
    scaleIdentity = scaleIdentity == null ? null : scaleIdentity.clone();
  }

  /**
   * The CSLA structure of {@code spec} with all scales 1: a KxK term always, a 1x1 term if a branch
   * is a single 1x1 conv (with channel-wise ops), an identity term if a branch is an identity and
   * the block keeps its channels at stride 1.
   */
  public static RepOptForm of(BlockSpec spec) {
    boolean oneByOne = false;
    boolean identity = false;
    for (Branch b : spec.branches()) {
      long convs = b.ops().stream().filter(o -> o instanceof Conv).count();
      boolean onlyChannelWise = b.ops().stream().allMatch(o -> o instanceof Conv || !o.spatial());
      if (convs == 1 && onlyChannelWise && b.receptiveFieldH() == 1 && b.receptiveFieldW() == 1) {
        oneByOne = true;
      }
      if (b.ops().stream().anyMatch((Op o) -> o instanceof Identity)
          && spec.inChannels() == spec.outChannels()
          && spec.stride() == 1) {
        identity = true;
      }
    }
    double[] ones = new double[spec.outChannels()];
    Arrays.fill(ones, 1.0);
    return new RepOptForm(
        spec.kernel(),
        spec.outChannels(),
        spec.inChannels(),
        spec.groups(),
        ones,
        oneByOne ? ones : null,
        identity ? ones : null);
  }

  /** The CSLA structure of {@code spec} with the same scale on every channel of each branch. */
  public static RepOptForm of(BlockSpec spec, double sKxK, double s1x1, double sIdentity) {
    RepOptForm f = of(spec);
    return f.withScales(
        filled(f.out, sKxK),
        f.scale1x1 == null ? null : filled(f.out, s1x1),
        f.scaleIdentity == null ? null : filled(f.out, sIdentity));
  }

  /**
   * A copy with other scales; a branch the form doesn't have must get null.
   *
   * @throws IllegalArgumentException if a scale vector has the wrong length or a branch is added or
   *     dropped
   */
  public RepOptForm withScales(double[] sKxK, double[] s1x1, double[] sIdentity) {
    check("s_c", sKxK, true);
    check("s_1", s1x1, scale1x1 != null);
    check("s_id", sIdentity, scaleIdentity != null);
    return new RepOptForm(kernel, out, in, groups, sKxK, s1x1, sIdentity);
  }

  /** The same form without the 1x1 and identity terms: only {@code s_c·W_K}. */
  public RepOptForm kxkOnly() {
    return new RepOptForm(kernel, out, in, groups, scaleKxK, null, null);
  }

  private void check(String name, double[] v, boolean present) {
    if (!present) {
      if (v != null) {
        throw new IllegalArgumentException("the block has no branch for " + name);
      }
      return;
    }
    if (v == null || v.length != out) {
      throw new IllegalArgumentException(
          name + " needs " + out + " values, not " + (v == null ? "none" : v.length));
    }
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  /**
   * The kernel a CSLA block's branches add up to before its BN: {@code s_c·W_K + s_1·pad(W_1) +
   * s_id·I}, read from the block's own weights (scales included) with the exact transforms.
   *
   * @param csla a block in the form of {@link TrainingForms#csla}
   */
  public static Kernel cslaKernel(dev.replens.engine.pipeline.BlockState csla) {
    return Transforms.addBranches(
        new java.util.ArrayList<>(
            dev.replens.engine.pipeline.Equivalents.of(csla).branches().values()));
  }

  @Override
  public double[] scaleKxK() {
    return scaleKxK.clone();
  }

  @Override
  public double[] scale1x1() {
    return scale1x1 == null ? null : scale1x1.clone();
  }

  @Override
  public double[] scaleIdentity() {
    return scaleIdentity == null ? null : scaleIdentity.clone();
  }

  /**
   * The initial single-conv weight {@code s_c·W_K + s_1·pad(W_1) + s_id·I}, OIHW, with {@code W_K}
   * and {@code W_1} drawn Kaiming-normal from the seed.
   */
  public INDArray initialWeight(DataType dtype, long seed) {
    int per = in / groups;
    SplittableRandom r = new SplittableRandom(seed);
    INDArray wk =
        SeededNormal.array(
            r, new long[] {out, per, kernel, kernel}, Math.sqrt(2.0 / (per * kernel * kernel)));
    INDArray w = wk.mul(column(scaleKxK).broadcast(wk.shape()));
    if (scale1x1 != null) {
      INDArray w1 = SeededNormal.array(r, new long[] {out, per, 1, 1}, Math.sqrt(2.0 / per));
      Kernel padded = Transforms.padToSize(Kernel.of(w1, groups), kernel);
      w.addi(padded.weight().mul(column(scale1x1).broadcast(w.shape())));
    }
    if (scaleIdentity != null) {
      Kernel id = Transforms.identityKernel(out, groups, kernel, DataType.DOUBLE);
      w.addi(id.weight().mul(column(scaleIdentity).broadcast(w.shape())));
    }
    return w.castTo(dtype);
  }

  /**
   * The gradient multiplier for SGD (squared scales) or Adam/AdamW (unsquared), OIHW {@code [out,
   * in/groups, K, K]}.
   */
  public INDArray multipliers(OptimizerConfig.Kind kind, DataType dtype) {
    boolean squared = kind == OptimizerConfig.Kind.SGD;
    int per = in / groups;
    INDArray m = Nd4j.zeros(DataType.DOUBLE, out, per, kernel, kernel);
    int c = kernel / 2;
    for (int o = 0; o < out; o++) {
      double sk = squared ? scaleKxK[o] * scaleKxK[o] : Math.abs(scaleKxK[o]);
      m.get(org.nd4j.linalg.indexing.NDArrayIndex.point(o)).assign(sk);
      if (scale1x1 != null) {
        double s1 = squared ? scale1x1[o] * scale1x1[o] : Math.abs(scale1x1[o]);
        for (int i = 0; i < per; i++) {
          m.putScalar(new long[] {o, i, c, c}, m.getDouble(o, i, c, c) + s1);
        }
      }
      if (scaleIdentity != null) {
        int i = o % per;
        m.putScalar(new long[] {o, i, c, c}, m.getDouble(o, i, c, c) + 1.0);
      }
    }
    return m.castTo(dtype);
  }

  /**
   * The per-branch scale tensors {@code S_b} for {@link Optimizer#updateBranchScaled}, OIHW: {@code
   * |s_c|} on every tap; {@code |s_1|} at the centre taps (if there is a 1x1 branch); 1 at the
   * centre taps where o = i (if there is an identity). They add up to the AdamW {@link
   * #multipliers}.
   */
  public List<INDArray> branchScales(DataType dtype) {
    int per = in / groups;
    int c = kernel / 2;
    List<INDArray> scales = new java.util.ArrayList<>();
    INDArray k = Nd4j.zeros(DataType.DOUBLE, this.out, per, kernel, kernel);
    for (int o = 0; o < this.out; o++) {
      k.get(org.nd4j.linalg.indexing.NDArrayIndex.point(o)).assign(Math.abs(scaleKxK[o]));
    }
    scales.add(k.castTo(dtype));
    if (scale1x1 != null) {
      INDArray one = Nd4j.zeros(DataType.DOUBLE, this.out, per, kernel, kernel);
      for (int o = 0; o < this.out; o++) {
        for (int i = 0; i < per; i++) {
          one.putScalar(new long[] {o, i, c, c}, Math.abs(scale1x1[o]));
        }
      }
      scales.add(one.castTo(dtype));
    }
    if (scaleIdentity != null) {
      INDArray id = Nd4j.zeros(DataType.DOUBLE, this.out, per, kernel, kernel);
      for (int o = 0; o < this.out; o++) {
        id.putScalar(new long[] {o, o % per, c, c}, 1.0);
      }
      scales.add(id.castTo(dtype));
    }
    return scales;
  }

  private static INDArray column(double[] s) {
    return Nd4j.create(s, new long[] {s.length, 1, 1, 1}, DataType.DOUBLE);
  }
}
