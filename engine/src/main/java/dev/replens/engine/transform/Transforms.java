package dev.replens.engine.transform;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.memory.MemoryBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The exact re-parameterization transforms, one pure function each. None of them writes into its
 * arguments. Kernels are OIHW with a {@code [O]} bias.
 *
 * <p>References:
 *
 * <ul>
 *   <li>[RepVGG] Ding et al., "RepVGG: Making VGG-style ConvNets Great Again", CVPR 2021.
 *   <li>[ACNet] Ding et al., "ACNet: Strengthening the Kernel Skeletons for Powerful CNN via
 *       Asymmetric Convolution Blocks", ICCV 2019.
 *   <li>[DBB] Ding et al., "Diverse Branch Block: Building a Convolution as an Inception-like
 *       Unit", CVPR 2021, Sec. 3 (Transforms I–VI).
 *   <li>[OREPA] Hu et al., "Online Convolutional Re-parameterization", CVPR 2022.
 * </ul>
 */
public final class Transforms {

  private Transforms() {}

  /**
   * Folds an eval-mode BN into the conv before it [DBB Transform I].
   *
   * <pre>W' = W · γ/σ,   b' = β + (b − μ) · γ/σ,   σ = sqrt(var + ε)</pre>
   */
  public static Kernel fuseBatchNorm(Kernel k, BnStats bn) {
    requireChannels("BN", bn.gamma().length(), k.outChannels());
    INDArray s = bn.scale().castTo(k.dtype());
    INDArray w = k.weight().mul(perOut(s, k.weight()));
    INDArray b = bn.beta().castTo(k.dtype()).add(k.bias().sub(bn.mean()).mul(s));
    return new Kernel(w, b, k.groups());
  }

  /**
   * The identity as a {@code size x size} kernel [RepVGG, Sec. 3.3]: a 1 at the centre tap where
   * output channel o meets its own input channel.
   *
   * <pre>I[o, o mod (C/g), size/2, size/2] = 1</pre>
   */
  public static Kernel identityKernel(int channels, int groups, int size, DataType dtype) {
    int perGroup = channels / groups;
    INDArray w = Nd4j.zeros(dtype, channels, perGroup, size, size);
    for (int o = 0; o < channels; o++) {
      w.putScalar(new long[] {o, o % perGroup, size / 2, size / 2}, 1.0);
    }
    return Kernel.of(w, groups);
  }

  /**
   * Folds an identity branch followed by BN: the BN fold of the identity kernel [RepVGG].
   *
   * <pre>W'[o, o mod (C/g), c, c] = γ_o/σ_o,   b' = β − μγ/σ</pre>
   */
  public static Kernel fuseIdentityBatchNorm(int channels, int groups, int size, BnStats bn) {
    return fuseBatchNorm(identityKernel(channels, groups, size, bn.gamma().dataType()), bn);
  }

  /**
   * Zero-pads a smaller or asymmetric kernel (1x1, 1xK, Kx1, ...) to {@code size x size}, centred
   * [RepVGG; ACNet; DBB Transform VI]. The matching input padding is {@code p − K/2 + k/2} per
   * dimension, where a negative value crops the input (ACNet with padding 0).
   *
   * <pre>W'[:, :, (K−kH)/2 + y, (K−kW)/2 + x] = W[:, :, y, x]</pre>
   */
  public static Kernel padToSize(Kernel k, int size) {
    int kh = k.kernelH();
    int kw = k.kernelW();
    if (kh > size || kw > size || (size - kh) % 2 != 0 || (size - kw) % 2 != 0) {
      throw new IllegalArgumentException(
          "a "
              + kh
              + "x"
              + kw
              + " kernel can't be centred in "
              + size
              + "x"
              + size
              + ": both sizes must be odd and not larger");
    }
    if (kh == size && kw == size) {
      return k;
    }
    INDArray w = Nd4j.zeros(k.dtype(), k.outChannels(), k.weight().size(1), size, size);
    int top = (size - kh) / 2;
    int left = (size - kw) / 2;
    w.put(
        new INDArrayIndex[] {
          NDArrayIndex.all(),
          NDArrayIndex.all(),
          NDArrayIndex.interval(top, top + kh),
          NDArrayIndex.interval(left, left + kw)
        },
        k.weight());
    return new Kernel(w, k.bias(), k.groups());
  }

  /**
   * Average pooling as a conv kernel [DBB Transform V]. Exact when the pooling counts padded zeros,
   * as PyTorch's {@code AvgPool2d} does by default.
   *
   * <pre>W[o, o mod (C/g), :, :] = 1/k²</pre>
   */
  public static Kernel averagePoolKernel(int channels, int groups, int k, DataType dtype) {
    int perGroup = channels / groups;
    INDArray w = Nd4j.zeros(dtype, channels, perGroup, k, k);
    double v = 1.0 / (k * k);
    for (int o = 0; o < channels; o++) {
      w.put(
          new INDArrayIndex[] {
            NDArrayIndex.point(o),
            NDArrayIndex.point(o % perGroup),
            NDArrayIndex.all(),
            NDArrayIndex.all()
          },
          Nd4j.valueArrayOf(new long[] {k, k}, v, dtype));
    }
    return Kernel.of(w, groups);
  }

  /**
   * Merges a 1x1 conv followed by a KxK conv, both with the same groups, into one KxK conv [DBB
   * Transform III]. Group by group:
   *
   * <pre>W[o,i,h,w] = Σ_t W2[o,t,h,w] · W1[t,i],   b[o] = b2[o] + Σ_{t,h,w} W2[o,t,h,w] · b1[t]
   * </pre>
   *
   * <p>The bias term is exact at the borders only if the intermediate map is padded with what the
   * first conv (and any BN after it) produces from zeros, not with 0: DBB's {@code BNAndPadLayer},
   * and RepLens's {@link dev.replens.engine.model.PaddingMode#AT_INPUT}.
   */
  public static Kernel mergeSequential(Kernel first1x1, Kernel second) {
    if (first1x1.kernelH() != 1 || first1x1.kernelW() != 1) {
      throw new IllegalArgumentException(
          "the first kernel must be 1x1, got " + first1x1.shapeText());
    }
    if (first1x1.groups() != second.groups()) {
      throw new IllegalArgumentException(
          "both convs must have the same groups, got "
              + first1x1.groups()
              + " and "
              + second.groups()
              + "; use composeKernels");
    }
    requireChannels("the second conv's input", second.inChannels(), first1x1.outChannels());
    int g = second.groups();
    int t = first1x1.outChannels() / g;
    int o = second.outChannels() / g;
    int iPer = (int) first1x1.weight().size(1);
    int kh = second.kernelH();
    int kw = second.kernelW();
    List<Kernel> perGroup = new ArrayList<>();
    for (int j = 0; j < g; j++) {
      INDArray w1 =
          first1x1
              .weight()
              .get(NDArrayIndex.interval(j * t, (j + 1) * t))
              .reshape(t, iPer); // [T/g, I/g]
      INDArray w2 = second.weight().get(NDArrayIndex.interval(j * o, (j + 1) * o)); // [O/g,T/g,K,K]
      INDArray w2t = w2.permute(0, 2, 3, 1).dup('c').reshape((long) o * kh * kw, t);
      INDArray merged =
          w2t.mmul(w1).reshape(o, kh, kw, iPer).permute(0, 3, 1, 2).dup('c'); // [O/g,I/g,K,K]
      perGroup.add(Kernel.of(merged, 1));
    }
    INDArray w = concatDepth(perGroup).weight();
    INDArray b = second.bias().add(propagateShift(second, first1x1.bias()));
    return new Kernel(w, b, g);
  }

  /**
   * Composes two convs applied in sequence into one conv: the full (true) convolution of the
   * kernels over space, summed over the intermediate channels [OREPA, large-kernel composition].
   *
   * <pre>W[o,i] = Σ_t W2[o,t] ∗ W1[t,i],   b = b2 + Σ_{t,h,w} W2[o,t,h,w] · b1[t]</pre>
   *
   * <p>The result is {@code (k1 + k2 − 1)} wide and has {@code gcd(g1, g2)} groups, the finest
   * grouping both convs respect. The same border caveat as {@link #mergeSequential} applies.
   */
  public static Kernel composeKernels(Kernel first, Kernel second) {
    requireChannels("the second conv's input", second.inChannels(), first.outChannels());
    INDArray d1 = toDense(first); // [T, I, a, b]
    INDArray d2 = toDense(second); // [O, T, c, d]
    long outC = d2.size(0);
    long mid = d2.size(1);
    long inC = d1.size(1);
    int k1h = first.kernelH();
    int k1w = first.kernelW();
    int kh = k1h + second.kernelH() - 1;
    int kw = k1w + second.kernelW() - 1;
    INDArray w = Nd4j.zeros(first.dtype(), outC, inC, kh, kw);
    INDArray d1flat = d1.reshape(mid, inC * k1h * k1w);
    for (int a = 0; a < second.kernelH(); a++) {
      for (int c = 0; c < second.kernelW(); c++) {
        INDArray tap =
            d2.get(
                    NDArrayIndex.all(),
                    NDArrayIndex.all(),
                    NDArrayIndex.point(a),
                    NDArrayIndex.point(c))
                .reshape(outC, mid);
        INDArray contrib = tap.mmul(d1flat).reshape(outC, inC, k1h, k1w);
        INDArrayIndex[] window = {
          NDArrayIndex.all(),
          NDArrayIndex.all(),
          NDArrayIndex.interval(a, a + k1h),
          NDArrayIndex.interval(c, c + k1w)
        };
        w.put(window, w.get(window).add(contrib));
      }
    }
    INDArray b = second.bias().add(propagateShift(second, first.bias()));
    int g = gcd(first.groups(), second.groups());
    return fromDense(w, b, g);
  }

  /**
   * Adds parallel branches of equal shape and groups into one kernel [DBB Transform II; RepVGG]:
   * convolution is additive, {@code conv(x, A) + conv(x, B) = conv(x, A + B)}.
   *
   * <pre>W = Σ_b W_b,   b = Σ_b b_b</pre>
   */
  public static Kernel addBranches(List<Kernel> kernels) {
    if (kernels.isEmpty()) {
      throw new IllegalArgumentException("nothing to add");
    }
    Kernel first = kernels.get(0);
    INDArray w = first.weight().dup();
    INDArray b = first.bias().dup();
    for (Kernel k : kernels.subList(1, kernels.size())) {
      if (!Arrays.equals(k.weight().shape(), first.weight().shape())
          || k.groups() != first.groups()) {
        throw new IllegalArgumentException(
            "branches must have equal kernels to be added: "
                + first.shapeText()
                + " vs "
                + k.shapeText());
      }
      w.addi(k.weight());
      b.addi(k.bias());
    }
    return new Kernel(w, b, first.groups());
  }

  /**
   * Concatenates kernels along the output channels [DBB Transform IV], e.g. the per-group results
   * of a grouped merge. Each part is one group of the result.
   *
   * <pre>W = [W_1; W_2; …],   b = [b_1; b_2; …]</pre>
   */
  public static Kernel concatDepth(List<Kernel> parts) {
    INDArray[] ws = parts.stream().map(Kernel::weight).toArray(INDArray[]::new);
    INDArray[] bs = parts.stream().map(Kernel::bias).toArray(INDArray[]::new);
    int groups = parts.stream().mapToInt(Kernel::groups).sum();
    return new Kernel(Nd4j.concat(0, ws), Nd4j.concat(0, bs), groups);
  }

  /**
   * OREPA's frequency prior branch as a kernel: learnable coefficients times a fixed per-channel
   * DCT basis [OREPA, Sec. 3.2].
   *
   * <pre>W[o,i,h,w] = c[o,i] · B[o,h,w]</pre>
   *
   * @param coefficients {@code [O, I/g, 1, 1]}
   * @param prior {@code [O, k, k]}
   */
  public static Kernel frequencyKernel(INDArray coefficients, INDArray prior, int groups) {
    long o = coefficients.size(0);
    long ig = coefficients.size(1);
    if (prior.size(0) != o) {
      throw new IllegalArgumentException(
          "the prior "
              + Arrays.toString(prior.shape())
              + " must have one basis per output channel ("
              + o
              + ")");
    }
    long k1 = prior.size(1);
    long k2 = prior.size(2);
    INDArray c = coefficients.reshape(o, ig, 1, 1).broadcast(o, ig, k1, k2);
    INDArray p =
        prior.reshape(o, 1, k1, k2).castTo(coefficients.dataType()).broadcast(o, ig, k1, k2);
    return Kernel.of(c.mul(p), groups);
  }

  /**
   * Scales every output channel: OREPA's linear scaling layer folded into the kernel.
   *
   * <pre>W'[o] = s_o · W[o],   b'[o] = s_o · b[o]</pre>
   */
  public static Kernel scaleChannels(Kernel k, INDArray scale) {
    requireChannels("scale", scale.length(), k.outChannels());
    INDArray s = scale.castTo(k.dtype()).reshape(k.outChannels());
    return new Kernel(k.weight().mul(perOut(s, k.weight())), k.bias().mul(s), k.groups());
  }

  /**
   * Adds a channel-wise constant to the bias: a shift after the conv folded into it.
   *
   * <pre>b'[o] = b[o] + t_o</pre>
   */
  public static Kernel shiftChannels(Kernel k, INDArray shift) {
    requireChannels("shift", shift.length(), k.outChannels());
    return new Kernel(
        k.weight(), k.bias().add(shift.castTo(k.dtype()).reshape(k.outChannels())), k.groups());
  }

  /**
   * OREPA's online squeezing: the branches' kernels, each scaled by its linear scaling vector,
   * summed into the one kernel the block convolves with [OREPA, Eq. 6].
   *
   * <pre>W = Σ_b s_b ⊙ W_b</pre>
   */
  public static Kernel squeeze(List<Kernel> kernels, List<INDArray> scales) {
    if (kernels.size() != scales.size()) {
      throw new IllegalArgumentException(
          kernels.size() + " kernels but " + scales.size() + " scaling vectors");
    }
    List<Kernel> scaled = new ArrayList<>();
    for (int i = 0; i < kernels.size(); i++) {
      scaled.add(scaleChannels(kernels.get(i), scales.get(i)));
    }
    return addBranches(scaled);
  }

  /**
   * The constant a conv adds when its whole input is the per-channel constant {@code t}: how a
   * shift inside a chain reaches the chain's output.
   *
   * <pre>Δb[o] = Σ_{i,h,w} W[o,i,h,w] · t[g(o)·I/g + i]</pre>
   */
  public static INDArray propagateShift(Kernel k, INDArray shift) {
    requireChannels("the shift", shift.length(), k.inChannels());
    int g = k.groups();
    int oPer = k.outChannels() / g;
    int iPer = (int) k.weight().size(1);
    INDArray summed = k.weight().sum(2, 3); // [O, I/g]
    INDArray t = shift.castTo(k.dtype()).reshape(k.inChannels());
    INDArray out = Nd4j.zeros(k.dtype(), k.outChannels());
    for (int j = 0; j < g; j++) {
      INDArray wj = summed.get(NDArrayIndex.interval(j * oPer, (j + 1) * oPer), NDArrayIndex.all());
      INDArray tj = t.get(NDArrayIndex.interval(j * iPer, (j + 1) * iPer)).reshape(iPer, 1);
      out.put(
          new INDArrayIndex[] {NDArrayIndex.interval(j * oPer, (j + 1) * oPer)},
          wj.mmul(tj).reshape(oPer));
    }
    return out;
  }

  /**
   * Writes a kernel with another number of groups. Going finer requires the weights linking
   * different new groups to be zero; going coarser fills those links with zeros.
   */
  public static Kernel regroup(Kernel k, int groups) {
    if (k.groups() == groups) {
      return k;
    }
    return fromDense(toDense(k), k.bias(), groups);
  }

  /** The block-diagonal dense kernel {@code [O, I, kH, kW]} of a grouped kernel. */
  public static INDArray toDense(Kernel k) {
    int g = k.groups();
    if (g == 1) {
      return k.weight();
    }
    int oPer = k.outChannels() / g;
    int iPer = (int) k.weight().size(1);
    INDArray d = Nd4j.zeros(k.dtype(), k.outChannels(), k.inChannels(), k.kernelH(), k.kernelW());
    for (int j = 0; j < g; j++) {
      d.put(
          new INDArrayIndex[] {
            NDArrayIndex.interval(j * oPer, (j + 1) * oPer),
            NDArrayIndex.interval(j * iPer, (j + 1) * iPer),
            NDArrayIndex.all(),
            NDArrayIndex.all()
          },
          k.weight().get(NDArrayIndex.interval(j * oPer, (j + 1) * oPer)));
    }
    return d;
  }

  /** Writes a dense {@code [O, I, kH, kW]} kernel with {@code groups} groups. */
  static Kernel fromDense(INDArray dense, INDArray bias, int groups) {
    long outC = dense.size(0);
    long inC = dense.size(1);
    if (outC % groups != 0 || inC % groups != 0) {
      throw new IllegalArgumentException(
          "groups " + groups + " don't divide a kernel with " + inC + " in and " + outC + " out");
    }
    if (groups == 1) {
      return new Kernel(dense, bias, 1);
    }
    int oPer = (int) (outC / groups);
    int iPer = (int) (inC / groups);
    int kh = (int) dense.size(2);
    int kw = (int) dense.size(3);
    int taps = kh * kw;
    double[] d = dense.dup('c').data().asDouble();
    double[] w = new double[MemoryBudget.length("a grouped kernel", outC, iPer, kh, kw)];
    double offBlock = 0;
    for (int o = 0; o < outC; o++) {
      int own = o / oPer;
      for (int i = 0; i < inC; i++) {
        int src = (int) ((o * inC + i) * taps);
        if (i / iPer == own) {
          System.arraycopy(d, src, w, (o * iPer + i % iPer) * taps, taps);
        } else {
          for (int t = 0; t < taps; t++) {
            offBlock += Math.abs(d[src + t]);
          }
        }
      }
    }
    if (offBlock != 0) {
      throw new IllegalArgumentException(
          "the kernel links channels across its "
              + groups
              + " groups (|off-group weights| = "
              + offBlock
              + "), so it can't be written as a grouped conv");
    }
    INDArray grouped =
        Nd4j.create(w, new long[] {outC, iPer, kh, kw}, DataType.DOUBLE).castTo(dense.dataType());
    return new Kernel(grouped, bias, groups);
  }

  private static INDArray perOut(INDArray s, INDArray w) {
    return s.reshape(w.size(0), 1, 1, 1).broadcast(w.shape());
  }

  private static void requireChannels(String what, long actual, long expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          what + " has " + actual + " channels but the kernel has " + expected);
    }
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
