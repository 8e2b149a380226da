package dev.replens.engine.eval;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.Activation;
import java.util.Arrays;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * NCHW primitives on ND4J for evaluating blocks: grouped conv (ND4J's conv2d has no groups
 * argument, so groups run one by one), explicit padding and cropping, pooling and channel-wise ops.
 * Inputs are never modified.
 */
public final class ConvOps {

  private ConvOps() {}

  /**
   * Zero-pads (positive) or crops (negative) the two spatial dimensions of an NCHW map, the same
   * amount on both sides.
   */
  public static INDArray padOrCrop(INDArray x, int padH, int padW) {
    INDArray y = x;
    if (padH < 0 || padW < 0) {
      long h = y.size(2);
      long w = y.size(3);
      int ch = Math.max(0, -padH);
      int cw = Math.max(0, -padW);
      if (h - 2L * ch < 1 || w - 2L * cw < 1) {
        throw new IllegalArgumentException(
            "cropping " + ch + "x" + cw + " leaves nothing of a " + h + "x" + w + " map");
      }
      y =
          y.get(
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.interval(ch, h - ch),
                  NDArrayIndex.interval(cw, w - cw))
              .dup('c');
    }
    int ph = Math.max(0, padH);
    int pw = Math.max(0, padW);
    if (ph == 0 && pw == 0) {
      return y;
    }
    INDArray out =
        Nd4j.zeros(y.dataType(), y.size(0), y.size(1), y.size(2) + 2L * ph, y.size(3) + 2L * pw);
    out.put(
        new INDArrayIndex[] {
          NDArrayIndex.all(),
          NDArrayIndex.all(),
          NDArrayIndex.interval(ph, ph + y.size(2)),
          NDArrayIndex.interval(pw, pw + y.size(3))
        },
        y);
    return out;
  }

  /**
   * A grouped conv with no padding (pad first with {@link #padOrCrop}).
   *
   * @param x NCHW input
   * @param k the kernel, OIHW with its groups
   * @param stride the stride in both dimensions
   */
  public static INDArray conv(INDArray x, Kernel k, int stride) {
    if (x.size(1) != k.inChannels()) {
      throw new IllegalArgumentException(
          "the input has "
              + x.size(1)
              + " channels "
              + Arrays.toString(x.shape())
              + " but the kernel "
              + k.shapeText()
              + " expects "
              + k.inChannels());
    }
    if (x.size(2) < k.kernelH() || x.size(3) < k.kernelW()) {
      throw new IllegalArgumentException(
          "a "
              + x.size(2)
              + "x"
              + x.size(3)
              + " map is smaller than the "
              + k.kernelH()
              + "x"
              + k.kernelW()
              + " kernel");
    }
    Conv2DConfig cfg =
        Conv2DConfig.builder()
            .kH(k.kernelH())
            .kW(k.kernelW())
            .sH(stride)
            .sW(stride)
            .pH(0)
            .pW(0)
            .dH(1)
            .dW(1)
            .paddingMode(PaddingMode.VALID)
            .dataFormat("NCHW")
            .weightsFormat(WeightsFormat.OIYX)
            .build();
    int g = k.groups();
    if (g == 1) {
      return Nd4j.cnn().conv2d(x, k.weight(), k.bias(), cfg);
    }
    int iPer = k.inChannels() / g;
    int oPer = k.outChannels() / g;
    INDArray[] parts = new INDArray[g];
    for (int j = 0; j < g; j++) {
      INDArray xj =
          x.get(NDArrayIndex.all(), NDArrayIndex.interval(j * iPer, (j + 1) * iPer)).dup('c');
      INDArray wj = k.weight().get(NDArrayIndex.interval(j * oPer, (j + 1) * oPer)).dup('c');
      INDArray bj = k.bias().get(NDArrayIndex.interval(j * oPer, (j + 1) * oPer)).dup('c');
      parts[j] = Nd4j.cnn().conv2d(xj, wj, bj, cfg);
    }
    return Nd4j.concat(1, parts);
  }

  /** Average pooling over {@code k x k} windows, unpadded (pad first with zeros to count them). */
  public static INDArray avgPool(INDArray x, int k, int stride) {
    return Nd4j.cnn().avgPooling2d(x, avgPoolConfig(k, stride));
  }

  /**
   * The NCHW configuration of unpadded {@code k x k} average pooling, shared by evaluation and the
   * training graphs.
   */
  public static Pooling2DConfig avgPoolConfig(int k, int stride) {
    return Pooling2DConfig.builder()
        .kH(k)
        .kW(k)
        .sH(stride)
        .sW(stride)
        .pH(0)
        .pW(0)
        .dH(1)
        .dW(1)
        .paddingMode(PaddingMode.VALID)
        .divisor(Pooling2D.Divisor.INCLUDE_PADDING)
        .type(Pooling2D.Pooling2DType.AVG)
        .isNHWC(false)
        .build();
  }

  /** Takes every {@code stride}-th row and column. */
  public static INDArray subsample(INDArray x, int stride) {
    if (stride == 1) {
      return x;
    }
    return x.get(
            NDArrayIndex.all(),
            NDArrayIndex.all(),
            NDArrayIndex.interval(0, stride, x.size(2)),
            NDArrayIndex.interval(0, stride, x.size(3)))
        .dup('c');
  }

  /** {@code y[:, c] = s_c · x[:, c]}. */
  public static INDArray scale(INDArray x, INDArray s) {
    return x.mul(perChannel(s, x));
  }

  /** {@code y[:, c] = x[:, c] + t_c}. */
  public static INDArray shift(INDArray x, INDArray t) {
    return x.add(perChannel(t, x));
  }

  /** Applies an element-wise activation. */
  public static INDArray activate(INDArray x, Activation a) {
    return switch (a) {
      case NONE -> x;
      case RELU -> Transforms.relu(x, true);
      case SILU -> x.mul(Transforms.sigmoid(x, true));
      case SIGMOID -> Transforms.sigmoid(x, true);
    };
  }

  private static INDArray perChannel(INDArray v, INDArray x) {
    return v.castTo(x.dataType()).reshape(1, x.size(1), 1, 1).broadcast(x.shape());
  }
}
