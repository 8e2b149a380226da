package dev.replens.engine.lesson;

import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.RoundOff;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Why fusion needs eval-mode BN, measured. In training mode a BN normalizes with the mean and the
 * biased variance of its own input batch over (N, H, W) (Ioffe &amp; Szegedy 2015, Algorithm 1),
 *
 * <pre>
 * y = γ (x − mean_batch(x)) / sqrt(var_batch(x) + ε) + β
 * </pre>
 *
 * so its "scale" and "shift" depend on the other images in the batch: it is not a fixed affine map
 * and can't be folded into a conv. Fusion uses the running statistics (eval mode), which are
 * constants. This class runs a block with train-mode BN and compares it with the eval-mode block
 * and with the fused conv on the same probe.
 *
 * <p>Chains of conv, BN, identity, avg-pool, channel-wise scale and shift are supported, padded at
 * the input as {@link BlockForward} does.
 */
public final class TrainModeBatchNorm {

  private TrainModeBatchNorm() {}

  /**
   * What the comparison measured, on a probe of two images.
   *
   * @param evalVsFused {@code max |eval-mode block − fused conv|}: rounding only
   * @param trainVsFused {@code max |train-mode block − fused conv|}
   * @param roundOffBound the round-off bound of the eval-mode block against the fused conv on the
   *     probe ({@link RoundOff}): what {@code evalVsFused} may be, and what {@code trainVsFused} is
   *     far beyond
   * @param batchDependence how much image 0's train-mode output changes when the other image in its
   *     batch is replaced: {@code max |y_0(x_0, x_1) − y_0(x_0, x_1')|}
   * @param branchId the branch of the BN whose statistics are reported
   * @param opId that BN's id
   * @param batchMean that BN's batch mean of channel 0
   * @param runningMean its running mean of channel 0
   * @param batchVar its biased batch variance of channel 0
   * @param runningVar its running variance of channel 0
   */
  public record Report(
      double evalVsFused,
      double trainVsFused,
      double roundOffBound,
      double batchDependence,
      String branchId,
      String opId,
      double batchMean,
      double runningMean,
      double batchVar,
      double runningVar) {}

  /** The block output before its activation with every BN in training mode. */
  public static INDArray preActivation(BlockSpec spec, Weights w, INDArray x) {
    return BlockForward.trainModePreActivation(spec, w, x, null);
  }

  /**
   * Compares train-mode BN, eval-mode BN and the fused conv on the seeded probe ({@link
   * Evaluator#probe(BlockSpec, org.nd4j.linalg.api.buffer.DataType, long, int, int)}).
   *
   * @throws IllegalArgumentException if the block has no BN
   */
  public static Report compare(BlockSpec spec, Weights w, long seed) {
    INDArray x = Evaluator.probe(spec, w.dtype(), seed, Evaluator.PROBE_H, Evaluator.PROBE_W);
    String[] firstBn = new String[2];
    double[] stats = new double[2];
    INDArray train =
        BlockForward.trainModePreActivation(
            spec,
            w,
            x,
            (branch, bn, mean, var) -> {
              if (firstBn[0] == null) {
                firstBn[0] = branch;
                firstBn[1] = bn;
                stats[0] = mean.getDouble(0);
                stats[1] = var.getDouble(0);
              }
            });
    if (firstBn[0] == null) {
      throw new IllegalArgumentException("the block has no BN, so train and eval mode agree");
    }
    INDArray eval = BlockForward.preActivation(spec, w, x);
    double evalVsFused = Double.NaN;
    double trainVsFused = Double.NaN;
    double bound = Double.NaN;
    Pipeline p = FusionPipeline.run(spec, w);
    if (p.complete()) {
      INDArray fused = BlockForward.preActivation(p.fused().spec(), p.fused().weights(), x);
      evalVsFused = maxAbs(eval.sub(fused));
      trainVsFused = maxAbs(train.sub(fused));
      bound = RoundOff.bound(p.training(), p.fused(), x);
    }
    INDArray other =
        Evaluator.probe(spec, w.dtype(), seed + 1, Evaluator.PROBE_H, Evaluator.PROBE_W);
    INDArray swapped = Nd4j.concat(0, image(x, 0), image(other, 1));
    INDArray trainSwapped = BlockForward.trainModePreActivation(spec, w, swapped, null);
    double dependence = maxAbs(image(train, 0).sub(image(trainSwapped, 0)));
    String key = firstBn[0];
    return new Report(
        evalVsFused,
        trainVsFused,
        bound,
        dependence,
        key,
        firstBn[1],
        stats[0],
        w.get(key, firstBn[1], "running_mean").getDouble(0),
        stats[1],
        w.get(key, firstBn[1], "running_var").getDouble(0));
  }

  /** Image {@code n} of an NCHW batch, as a batch of one. */
  private static INDArray image(INDArray a, int n) {
    return a.get(
            NDArrayIndex.interval(n, n + 1),
            NDArrayIndex.all(),
            NDArrayIndex.all(),
            NDArrayIndex.all())
        .dup('c');
  }

  private static double maxAbs(INDArray a) {
    return a.amaxNumber().doubleValue();
  }
}
