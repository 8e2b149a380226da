package dev.replens.engine.train;

import dev.replens.engine.eval.ConvOps;
import dev.replens.engine.model.Activation;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff building blocks of a training graph, written around the costs measured on ND4J
 * 1.0.0-M2.1 (see the notes on each method). Activations are NCHW with a fixed batch size, so every
 * shape is known while building; {@link Act} carries it.
 *
 * <p>Weights come in as OIHW variables and are permuted to YXIO just before {@code conv2d}: the
 * conv backprop of M2.1 ignores a non-default weight format, and the permute of a small kernel is
 * free.
 */
final class GraphOps {

  /**
   * A grouped conv runs group by group up to this many groups (slicing costs a pass over the input
   * per group); above it the grouped weight is expanded to a block-diagonal dense kernel and one
   * conv runs, which is cheaper than many small convs (depthwise convs in particular).
   */
  static final int MAX_SLICED_GROUPS = 4;

  private final SameDiff sd;
  private final DataType dt;
  private final int batch;
  private final ReluKind relu;
  private final boolean fullShapeScale;

  /** An activation with its static shape. */
  record Act(SDVariable v, int c, int h, int w) {}

  /** How ReLU is built; see {@link #activate}. */
  enum ReluKind {
    /** {@code x · cast(x > 0)}: a same-shape multiply whose backprop is cheap. */
    MASK,
    /** ND4J's relu op. */
    OP
  }

  GraphOps(SameDiff sd, DataType dt, int batch, GraphTuning tuning) {
    this.sd = sd;
    this.dt = dt;
    this.batch = batch;
    this.relu = tuning.maskRelu() ? ReluKind.MASK : ReluKind.OP;
    this.fullShapeScale = tuning.fullShapeScale();
  }

  SameDiff sd() {
    return sd;
  }

  DataType dtype() {
    return dt;
  }

  int batch() {
    return batch;
  }

  SDVariable constant(INDArray a) {
    return sd.constant(a.castTo(dt));
  }

  /**
   * A conv with an OIHW weight {@code [O, I/g, kh, kw]}, zero padding {@code (ph, pw)} on the
   * input, stride and groups, and an optional bias {@code [O]}.
   */
  Act conv(
      Act x,
      SDVariable weightOihw,
      int out,
      int kh,
      int kw,
      int stride,
      int ph,
      int pw,
      int g,
      SDVariable bias) {
    int oh = (x.h() + 2 * ph - kh) / stride + 1;
    int ow = (x.w() + 2 * pw - kw) / stride + 1;
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException(
          "a " + kh + "x" + kw + " conv leaves nothing of a " + x.h() + "x" + x.w() + " map");
    }
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(kh)
            .kW(kw)
            .sH(stride)
            .sW(stride)
            .pH(ph)
            .pW(pw)
            .dH(1)
            .dW(1)
            .paddingMode(PaddingMode.VALID)
            .dataFormat("NCHW")
            .weightsFormat(WeightsFormat.YXIO)
            .build();
    SDVariable y;
    if (g == 1) {
      y = convYxio(x.v(), weightOihw.permute(2, 3, 1, 0), bias, cfg);
    } else if (g <= MAX_SLICED_GROUPS) {
      int iPer = x.c() / g;
      int oPer = out / g;
      List<SDVariable> parts = new ArrayList<>();
      for (int j = 0; j < g; j++) {
        SDVariable xj = sd.slice(x.v(), new int[] {0, j * iPer, 0, 0}, batch, iPer, x.h(), x.w());
        SDVariable wj = sd.slice(weightOihw, new int[] {j * oPer, 0, 0, 0}, oPer, iPer, kh, kw);
        SDVariable bj = bias == null ? null : sd.slice(bias, new int[] {j * oPer}, oPer);
        parts.add(convYxio(xj, wj.permute(2, 3, 1, 0), bj, cfg));
      }
      y = sd.concat(1, parts.toArray(new SDVariable[0]));
    } else {
      SDVariable dense = denseFromGrouped(weightOihw, out, x.c(), kh, kw, g);
      y = convYxio(x.v(), dense.permute(2, 3, 1, 0), bias, cfg);
    }
    return new Act(y, out, oh, ow);
  }

  private SDVariable convYxio(SDVariable x, SDVariable wYxio, SDVariable bias, Conv2DConfig cfg) {
    return bias == null ? sd.cnn().conv2d(x, wYxio, cfg) : sd.cnn().conv2d(x, wYxio, bias, cfg);
  }

  /**
   * The block-diagonal dense kernel {@code [O, I, kh, kw]} of a grouped kernel {@code [O, I/g, kh,
   * kw]}: the grouped kernel tiled {@code g} times along the input axis, times a 0/1 mask of the
   * diagonal blocks. Off-block entries are zero, so their gradients never reach the weights.
   */
  SDVariable denseFromGrouped(SDVariable w, int out, int in, int kh, int kw, int g) {
    if (g == 1) {
      return w;
    }
    int oPer = out / g;
    int iPer = in / g;
    INDArray mask = Nd4j.zeros(dt, out, in, 1, 1);
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        if (o / oPer == i / iPer) {
          mask.putScalar(new long[] {o, i, 0, 0}, 1.0);
        }
      }
    }
    return sd.tile(w, 1, g, 1, 1).mul(sd.constant(mask));
  }

  /**
   * Zero-pads (positive) or crops (negative) the spatial dimensions; used only where the padding
   * can't be folded into the next conv (ND4J's pad op costs about 3 ms even on small maps).
   */
  Act padOrCrop(Act x, int ph, int pw) {
    Act y = x;
    if (ph < 0 || pw < 0) {
      int ch = Math.max(0, -ph);
      int cw = Math.max(0, -pw);
      SDVariable v =
          sd.slice(y.v(), new int[] {0, 0, ch, cw}, batch, y.c(), y.h() - 2 * ch, y.w() - 2 * cw);
      y = new Act(v, y.c(), y.h() - 2 * ch, y.w() - 2 * cw);
    }
    int qh = Math.max(0, ph);
    int qw = Math.max(0, pw);
    if (qh == 0 && qw == 0) {
      return y;
    }
    INDArray pads = Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0}, {qh, qh}, {qw, qw}});
    SDVariable v = sd.nn().pad(y.v(), sd.constant(pads), 0.0);
    return new Act(v, y.c(), y.h() + 2 * qh, y.w() + 2 * qw);
  }

  /** Every {@code stride}-th row and column. */
  Act subsample(Act x, int stride) {
    if (stride == 1) {
      return x;
    }
    SDVariable v =
        sd.stridedSlice(
            x.v(),
            new long[] {0, 0, 0, 0},
            new long[] {batch, x.c(), x.h(), x.w()},
            new long[] {1, 1, stride, stride});
    return new Act(v, x.c(), (x.h() + stride - 1) / stride, (x.w() + stride - 1) / stride);
  }

  /** Average pooling over {@code k x k} windows, unpadded. */
  Act avgPool(Act x, int k, int stride) {
    Pooling2DConfig cfg = ConvOps.avgPoolConfig(k, stride);
    SDVariable v = sd.cnn().avgPooling2d(x.v(), cfg);
    return new Act(v, x.c(), (x.h() - k) / stride + 1, (x.w() - k) / stride + 1);
  }

  /**
   * {@code y[:, c] = s_c · x[:, c]}. The scale is first broadcast to the full shape by an add and
   * then multiplied element-wise: M2.1's backprop of a broadcast multiply took 30–60 ms on a [64,
   * 32, 32, 32] map, the add and the same-shape multiply about 3 ms each.
   */
  SDVariable scaleChannels(SDVariable x, SDVariable s, int c) {
    return fullShape(x, s.reshape(1, c, 1, 1));
  }

  /** {@code x · a} for a {@code [1, C, 1, 1]} factor, broadcast as configured. */
  private SDVariable fullShape(SDVariable x, SDVariable a) {
    if (!fullShapeScale) {
      return x.mul(a);
    }
    return x.mul(sd.zerosLike(x).add(a));
  }

  /** {@code y[:, c] = x[:, c] + t_c} (a broadcast add; its backprop is cheap). */
  SDVariable shiftChannels(SDVariable x, SDVariable t, int c) {
    return x.add(t.reshape(1, c, 1, 1));
  }

  /**
   * A train-mode batch norm built from basic ops (M2.1's batchNorm op can't be differentiated):
   *
   * <pre>μ = mean(x), σ² = mean((x − μ)²), y = (x − μ) · γ/sqrt(σ² + ε) + β</pre>
   *
   * over batch and space, per channel, with the biased variance as PyTorch uses in train mode.
   */
  BnNodes batchNormTrain(Act x, SDVariable gamma, SDVariable beta, double eps) {
    int c = x.c();
    SDVariable mean = x.v().mean(true, 0, 2, 3);
    SDVariable d = x.v().sub(mean);
    SDVariable var = d.mul(d).mean(true, 0, 2, 3);
    SDVariable a = sd.math().rsqrt(var.add(eps)).mul(gamma.reshape(1, c, 1, 1));
    SDVariable y = fullShape(d, a).add(beta.reshape(1, c, 1, 1));
    return new BnNodes(new Act(y, c, x.h(), x.w()), mean, var, (long) batch * x.h() * x.w());
  }

  /**
   * The nodes of a train-mode BN.
   *
   * @param out the normalized activation
   * @param mean the batch mean {@code [1, C, 1, 1]}
   * @param var the biased batch variance {@code [1, C, 1, 1]}
   * @param count values per channel, for the unbiased running variance
   */
  record BnNodes(Act out, SDVariable mean, SDVariable var, long count) {}

  /** An element-wise activation. ReLU is {@code x · cast(x > 0)} unless configured otherwise. */
  Act activate(Act x, Activation a) {
    SDVariable v =
        switch (a) {
          case NONE -> x.v();
          case RELU ->
              relu == ReluKind.MASK
                  ? x.v().mul(x.v().gt(0.0).castTo(dt))
                  : sd.nn().relu(x.v(), 0.0);
          case SILU -> x.v().mul(sd.nn().sigmoid(x.v()));
          case SIGMOID -> sd.nn().sigmoid(x.v());
        };
    return new Act(v, x.c(), x.h(), x.w());
  }
}
