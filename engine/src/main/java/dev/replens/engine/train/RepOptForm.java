package dev.replens.engine.train;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import dev.replens.engine.transform.Transforms;
import java.util.Arrays;
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
 *   SGD:  M = s_c²  everywhere, + s_1² at the centre tap, + 1 at the centre tap where o = i
 *   Adam: M = s_c   everywhere, + s_1  at the centre tap, + 1 at the centre tap where o = i
 *   g' = M ⊙ g, then weight decay and momentum as usual
 * </pre>
 *
 * The identity term follows the reference implementation; the 1x1 and identity terms are present
 * only if the user's block has such a branch (an identity also needs equal channels and stride 1).
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
        gaussian(
            r, new long[] {out, per, kernel, kernel}, Math.sqrt(2.0 / (per * kernel * kernel)));
    INDArray w = wk.mul(column(scaleKxK).broadcast(wk.shape()));
    if (scale1x1 != null) {
      INDArray w1 = gaussian(r, new long[] {out, per, 1, 1}, Math.sqrt(2.0 / per));
      Kernel padded = Transforms.padToSize(Kernel.of(w1, groups), kernel);
      w.addi(padded.weight().mul(column(scale1x1).broadcast(w.shape())));
    }
    if (scaleIdentity != null) {
      Kernel id = Transforms.identityKernel(out, groups, kernel, DataType.DOUBLE);
      w.addi(id.weight().mul(column(scaleIdentity).broadcast(w.shape())));
    }
    return w.castTo(dtype);
  }

  /** The gradient multiplier for SGD (squared scales) or Adam/AdamW (unsquared), OIHW. */
  public INDArray multipliers(OptimizerConfig.Kind kind, DataType dtype) {
    boolean squared = kind == OptimizerConfig.Kind.SGD;
    int per = in / groups;
    INDArray m = Nd4j.zeros(DataType.DOUBLE, out, per, kernel, kernel);
    int c = kernel / 2;
    for (int o = 0; o < out; o++) {
      double sk = squared ? scaleKxK[o] * scaleKxK[o] : scaleKxK[o];
      m.get(org.nd4j.linalg.indexing.NDArrayIndex.point(o)).assign(sk);
      if (scale1x1 != null) {
        double s1 = squared ? scale1x1[o] * scale1x1[o] : scale1x1[o];
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

  private static INDArray column(double[] s) {
    return Nd4j.create(s, new long[] {s.length, 1, 1, 1}, DataType.DOUBLE);
  }

  private static INDArray gaussian(SplittableRandom r, long[] shape, double std) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = nextGaussian(r) * std;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  private static double nextGaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(Math.max(u, 1e-300))) * Math.cos(2 * Math.PI * v);
  }
}
