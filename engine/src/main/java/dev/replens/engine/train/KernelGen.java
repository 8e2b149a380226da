package dev.replens.engine.train;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import java.util.function.Function;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * OREPA's online kernel generation inside the graph [OREPA, Sec. 3.2]: each branch of a linearized
 * block becomes one dense {@code [O, I, K, K]} kernel computed from its weights and scales, so the
 * block convolves once with their sum. The same transforms as {@code engine.transform.Transforms},
 * written in SameDiff ops so that gradients flow to every branch parameter:
 *
 * <ul>
 *   <li>identity and average pooling are constant kernels [RepVGG; DBB Transform V];
 *   <li>a channel-wise scale multiplies the output channels of the kernel so far;
 *   <li>a conv after a 1x1 kernel is a matrix product per tap [DBB Transform III]; a 1x1 conv after
 *       any kernel likewise; two spatial kernels compose by a full convolution of the kernels
 *       (computed with {@code conv2d} on the flipped second kernel);
 *   <li>a frequency filter is its coefficients times the fixed DCT basis;
 *   <li>the result is centred in KxK by a 0/1 placement matrix [DBB Transform VI] (a matrix product
 *       is cheaper than ND4J's pad op on small tensors).
 * </ul>
 *
 * Grouped kernels are carried as block-diagonal dense kernels, so grouping needs no special case.
 */
final class KernelGen {

  private final GraphOps ops;
  private final SameDiff sd;

  /** A dense kernel {@code [o, i, kh, kw]} as a graph node. */
  record Dense(SDVariable v, int o, int i, int kh, int kw) {}

  KernelGen(GraphOps ops) {
    this.ops = ops;
    this.sd = ops.sd();
  }

  /**
   * Branch {@code b}'s kernel, {@code [out, in, K, K]}, for a block in the online form.
   *
   * @param param the graph node of a parameter or buffer, by block key
   */
  SDVariable branchKernel(BlockSpec spec, Branch b, Function<String, SDVariable> param) {
    int[] ch = b.channelsThrough(spec.inChannels());
    Dense k = null;
    for (int n = 0; n < b.ops().size(); n++) {
      Op op = b.ops().get(n);
      String p = b.id() + "." + op.id() + ".";
      int in = ch[n];
      if (op instanceof ChannelScale) {
        SDVariable s = param.apply(p + "weight");
        if (k == null) {
          SDVariable diag = ops.constant(Nd4j.eye(in)).mul(s.reshape(in, 1));
          k = new Dense(diag.reshape(in, in, 1, 1), in, in, 1, 1);
        } else {
          k = new Dense(k.v().mul(s.reshape(k.o(), 1, 1, 1)), k.o(), k.i(), k.kh(), k.kw());
        }
        continue;
      }
      Dense next;
      if (op instanceof Identity) {
        if (k != null) {
          continue;
        }
        next = new Dense(ops.constant(Nd4j.eye(in).reshape(in, in, 1, 1)), in, in, 1, 1);
      } else if (op instanceof AvgPool a) {
        next =
            new Dense(ops.constant(averageKernel(in, a.kernel())), in, in, a.kernel(), a.kernel());
      } else if (op instanceof Conv c) {
        SDVariable w = param.apply(p + "weight");
        next =
            new Dense(
                ops.denseFromGrouped(w, c.outChannels(), in, c.kernelH(), c.kernelW(), c.groups()),
                c.outChannels(),
                in,
                c.kernelH(),
                c.kernelW());
      } else if (op instanceof FrequencyFilter f) {
        SDVariable coeff =
            ops.denseFromGrouped(param.apply(p + "weight"), f.outChannels(), in, 1, 1, f.groups());
        SDVariable prior = param.apply(p + "prior");
        int kk = f.kernel();
        SDVariable w =
            coeff.reshape(f.outChannels(), in, 1, 1).mul(prior.reshape(f.outChannels(), 1, kk, kk));
        next = new Dense(w, f.outChannels(), in, kk, kk);
      } else {
        throw new IllegalArgumentException(
            op.describe()
                + " '"
                + op.id()
                + "' in branch '"
                + b.id()
                + "' has no kernel form; train this block offline");
      }
      k = k == null ? next : compose(k, next);
    }
    if (k == null) {
      throw new IllegalArgumentException("branch '" + b.id() + "' has no ops");
    }
    if (k.kh() > spec.kernel() || k.kw() > spec.kernel()) {
      throw new IllegalArgumentException(
          "branch '"
              + b.id()
              + "' composes to a "
              + k.kh()
              + "x"
              + k.kw()
              + " kernel, larger than the block's K = "
              + spec.kernel());
    }
    return centre(k, spec.kernel());
  }

  /** {@code second ∘ first}: the kernel of applying {@code first}, then {@code second}. */
  Dense compose(Dense first, Dense second) {
    int t = first.o();
    int in = first.i();
    int out = second.o();
    if (first.kh() == 1 && first.kw() == 1) {
      // W[o,i,h,w] = Σ_t W2[o,t,h,w] · W1[t,i]
      int c = second.kh();
      int d = second.kw();
      SDVariable w2 = second.v().permute(0, 2, 3, 1).reshape(out * c * d, t);
      SDVariable m = w2.mmul(first.v().reshape(t, in));
      return new Dense(m.reshape(out, c, d, in).permute(0, 3, 1, 2), out, in, c, d);
    }
    if (second.kh() == 1 && second.kw() == 1) {
      // W[o,i,h,w] = Σ_t W2[o,t] · W1[t,i,h,w]
      int a = first.kh();
      int b = first.kw();
      SDVariable m = second.v().reshape(out, t).mmul(first.v().reshape(t, in * a * b));
      return new Dense(m.reshape(out, in, a, b), out, in, a, b);
    }
    // Full convolution of the kernels: conv2d over the first kernel (batch = its inputs, channels =
    // its outputs) with the spatially flipped second kernel, padded by its size − 1.
    int c = second.kh();
    int d = second.kw();
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(c)
            .kW(d)
            .sH(1)
            .sW(1)
            .pH(c - 1)
            .pW(d - 1)
            .dH(1)
            .dW(1)
            .paddingMode(PaddingMode.VALID)
            .dataFormat("NCHW")
            .weightsFormat(WeightsFormat.YXIO)
            .build();
    SDVariable flipped = sd.reverse(second.v(), 2, 3).permute(2, 3, 1, 0);
    SDVariable y = sd.cnn().conv2d(first.v().permute(1, 0, 2, 3), flipped, cfg);
    return new Dense(y.permute(1, 0, 2, 3), out, in, first.kh() + c - 1, first.kw() + d - 1);
  }

  /** Centres a {@code kh x kw} kernel in {@code K x K} with a placement matrix. */
  private SDVariable centre(Dense k, int size) {
    if (k.kh() == size && k.kw() == size) {
      return k.v();
    }
    int top = (size - k.kh()) / 2;
    int left = (size - k.kw()) / 2;
    INDArray place = Nd4j.zeros(k.kh() * k.kw(), size * size);
    for (int y = 0; y < k.kh(); y++) {
      for (int x = 0; x < k.kw(); x++) {
        place.putScalar(new long[] {y * k.kw() + x, (top + y) * size + left + x}, 1.0);
      }
    }
    SDVariable flat = k.v().reshape((long) k.o() * k.i(), (long) k.kh() * k.kw());
    return flat.mmul(ops.constant(place)).reshape(k.o(), k.i(), size, size);
  }

  private static INDArray averageKernel(int c, int k) {
    INDArray w = Nd4j.zeros(DataType.DOUBLE, c, c, k, k);
    for (int o = 0; o < c; o++) {
      for (int y = 0; y < k; y++) {
        for (int x = 0; x < k; x++) {
          w.putScalar(new long[] {o, o, y, x}, 1.0 / (k * k));
        }
      }
    }
    return w;
  }
}
