package dev.replens.engine.eval;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Padding2D;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.Weights;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs a block as designed, branch by branch and op by op, with eval-mode BN (or, to show what
 * fusion does not reproduce, train-mode BN). This is the reference every fused form is measured
 * against, so it computes each op directly (BN as {@code (x − μ)/σ·γ + β}, pooling with ND4J's
 * pooling op, the frequency filter as a 1x1 conv followed by a per-channel filter) rather than
 * through the kernel transforms it checks.
 */
public final class BlockForward {

  private BlockForward() {}

  /** The block output, activation included. */
  public static INDArray forward(BlockSpec spec, Weights w, INDArray x) {
    return ConvOps.activate(preActivation(spec, w, x), spec.activation());
  }

  /** The block output before its activation: {@code post(Σ_b branch_b(x))}. */
  public static INDArray preActivation(BlockSpec spec, Weights w, INDArray x) {
    return sum(spec, w, x, null);
  }

  /** Receives the batch statistics a train-mode BN normalised with, {@code [C]} each. */
  public interface BatchStats {
    void accept(String branchId, String opId, INDArray mean, INDArray var);
  }

  /**
   * The block output before its activation with every BN in training mode: normalised by the
   * batch's own per-channel mean and biased variance, which go to {@code stats} (null for none),
   * instead of the running statistics [Ioffe &amp; Szegedy, ICML 2015, Alg. 1]. Only eval mode is
   * what fusion reproduces.
   */
  public static INDArray trainModePreActivation(
      BlockSpec spec, Weights w, INDArray x, BatchStats stats) {
    return sum(spec, w, x, stats == null ? (b, o, m, v) -> {} : stats);
  }

  /** {@code post(Σ_b branch_b(x))}; BN in train mode when {@code train} is non-null. */
  private static INDArray sum(BlockSpec spec, Weights w, INDArray x, BatchStats train) {
    checkInput(spec, w, x);
    INDArray sum = null;
    for (Branch b : spec.branches()) {
      INDArray y = branch(spec, w, b, x, train);
      if (sum != null && !Arrays.equals(sum.shape(), y.shape())) {
        throw new IllegalArgumentException(
            "branch '"
                + b.id()
                + "' gives "
                + Arrays.toString(y.shape())
                + " but the branches before it give "
                + Arrays.toString(sum.shape()));
      }
      sum = sum == null ? y : sum.add(y);
    }
    if (sum == null) {
      throw new IllegalArgumentException("the block has no branches");
    }
    for (Op op : spec.post()) {
      sum = channelWise(w, BlockSpec.POST, op, sum, train);
    }
    return sum;
  }

  /** One branch's output for the block input {@code x}. */
  public static INDArray branch(BlockSpec spec, Weights w, Branch b, INDArray x) {
    return branch(spec, w, b, x, null);
  }

  private static INDArray branch(
      BlockSpec spec, Weights w, Branch b, INDArray x, BatchStats train) {
    int strideOp = b.strideOpIndex();
    INDArray m = x;
    boolean perOp = b.paddingMode() == PaddingMode.PER_OP;
    Padding2D branchPad = spec.branchPadding(b);
    if (!perOp) {
      m = ConvOps.padOrCrop(m, branchPad.h(), branchPad.w());
    }
    boolean firstSpatial = true;
    for (int i = 0; i < b.ops().size(); i++) {
      Op op = b.ops().get(i);
      int stride = i == strideOp ? spec.stride() : 1;
      if (perOp && op.spatial()) {
        int ph =
            firstSpatial ? spec.padding() - spec.kernel() / 2 + op.kernelH() / 2 : op.kernelH() / 2;
        int pw =
            firstSpatial ? spec.padding() - spec.kernel() / 2 + op.kernelW() / 2 : op.kernelW() / 2;
        m = ConvOps.padOrCrop(m, ph, pw);
        firstSpatial = false;
      }
      m = apply(w, b.id(), op, m, stride, train);
    }
    return m;
  }

  private static INDArray apply(
      Weights w, String branchId, Op op, INDArray m, int stride, BatchStats train) {
    if (op instanceof Conv c) {
      INDArray weight = w.get(branchId, c.id(), "weight");
      INDArray bias =
          c.bias()
              ? w.get(branchId, c.id(), "bias")
              : Nd4j.zeros(weight.dataType(), c.outChannels());
      return ConvOps.conv(m, new Kernel(weight, bias, c.groups()), stride);
    }
    if (op instanceof Identity) {
      return ConvOps.subsample(m, stride);
    }
    if (op instanceof AvgPool p) {
      return ConvOps.avgPool(m, p.kernel(), stride);
    }
    if (op instanceof FrequencyFilter f) {
      INDArray coeff = w.get(branchId, f.id(), "weight");
      INDArray prior = w.get(branchId, f.id(), "prior");
      INDArray mixed = ConvOps.conv(m, Kernel.of(coeff, f.groups()), 1);
      INDArray perChannel = prior.reshape(f.outChannels(), 1, f.kernel(), f.kernel());
      return ConvOps.conv(mixed, Kernel.of(perChannel, f.outChannels()), stride);
    }
    if (op instanceof Nonlinearity n) {
      return ConvOps.activate(m, n.kind());
    }
    return channelWise(w, branchId, op, m, train);
  }

  private static INDArray channelWise(
      Weights w, String branchId, Op op, INDArray m, BatchStats train) {
    if (op instanceof BatchNorm bn) {
      INDArray gamma = w.get(branchId, bn.id(), "weight");
      INDArray beta = w.get(branchId, bn.id(), "bias");
      INDArray mean;
      INDArray var;
      if (train != null) {
        mean = m.mean(0, 2, 3);
        var = m.var(false, 0, 2, 3);
        train.accept(branchId, bn.id(), mean, var);
      } else {
        mean = w.get(branchId, bn.id(), "running_mean");
        var = w.get(branchId, bn.id(), "running_var");
      }
      INDArray sigma = Transforms.sqrt(var.add(bn.eps()), true);
      INDArray centred = ConvOps.shift(m, mean.neg());
      return ConvOps.shift(ConvOps.scale(centred, gamma.div(sigma)), beta);
    }
    if (op instanceof ChannelScale s) {
      return ConvOps.scale(m, w.get(branchId, s.id(), "weight"));
    }
    if (op instanceof ChannelBias t) {
      return ConvOps.shift(m, w.get(branchId, t.id(), "bias"));
    }
    throw new IllegalArgumentException(op.describe() + " is not a channel-wise op");
  }

  private static void checkInput(BlockSpec spec, Weights w, INDArray x) {
    if (x.rank() != 4 || x.size(1) != spec.inChannels()) {
      throw new IllegalArgumentException(
          "the input must be NCHW with "
              + spec.inChannels()
              + " channels, got "
              + Arrays.toString(x.shape()));
    }
    if (x.dataType() != w.dtype()) {
      throw new IllegalArgumentException(
          "the input is " + x.dataType() + " but the weights are " + w.dtype());
    }
  }
}
