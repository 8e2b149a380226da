package dev.replens.engine.transform;

import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Weights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Eval-mode BN statistics, each {@code [C]}.
 *
 * @param gamma γ ({@code weight})
 * @param beta β ({@code bias})
 * @param mean μ ({@code running_mean})
 * @param var σ² ({@code running_var})
 * @param eps ε
 */
public record BnStats(INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps) {

  /** Reads a BN op's statistics from the weights. */
  public static BnStats of(Weights w, String branchId, BatchNorm bn) {
    return new BnStats(
        w.get(branchId, bn.id(), "weight"),
        w.get(branchId, bn.id(), "bias"),
        w.get(branchId, bn.id(), "running_mean"),
        w.get(branchId, bn.id(), "running_var"),
        bn.eps());
  }

  /** The channel-wise scale {@code γ / sqrt(σ² + ε)}. */
  public INDArray scale() {
    return gamma.div(Transforms.sqrt(var.add(eps), true));
  }

  /** The channel-wise shift {@code β − μ γ / sqrt(σ² + ε)}. */
  public INDArray shift() {
    return beta.sub(mean.mul(scale()));
  }
}
