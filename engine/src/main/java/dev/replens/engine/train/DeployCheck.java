package dev.replens.engine.train;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.eval.RoundOff;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * "Fuse and verify": converts a trained network to its deploy form, every layer (stem included)
 * fused by the {@code FusionPipeline} into one conv with eval-mode BN statistics, and evaluates
 * both forms on the same images.
 *
 * <p>Both forms are evaluated in float64 by default so that the figure measures the transforms, not
 * float32 summation order; a float32 evaluation is available for comparison.
 *
 * <p>The logits are judged against the network's round-off bound, built layer by layer in the
 * manner of a running error analysis [Higham, <i>Accuracy and Stability of Numerical
 * Algorithms</i>, 2nd ed., SIAM 2002, §3.3]: with {@code ŷ} a layer's computed input and {@code e}
 * the bound on its error so far, the layer's output is off by at most
 *
 * <pre>
 *   e' = L · (|layer|(e) + γ_n · M(ŷ)) + γ_a · |act(y)|
 * </pre>
 *
 * where {@code |layer|(e)} carries the error through the layer's absolute weights ({@link
 * RoundOff#propagate}), {@code γ_n · M(ŷ)} is the layer's own rounding ({@link RoundOff}'s block
 * bound on the input it really got), {@code L} the activation's Lipschitz constant and {@code γ_a}
 * its own rounding. The average pool and the head add {@code γ_{HW+1}} and {@code γ_{C+1}} of their
 * sums. The trained form's layers also carry {@code γ_{n_k}} for the rounding of their fused
 * kernels; the bound on a logit difference is the sum of both forms' bounds. It is first order in
 * the unit round-off.
 */
public final class DeployCheck {

  private DeployCheck() {}

  /** Runs the check on up to {@code limit} images (all if {@code limit ≤ 0}), in float64. */
  public static DeployReport run(ModelState state, Dataset data, int limit) {
    return run(state, data, limit, DataType.DOUBLE);
  }

  /**
   * Runs the check in the given precision.
   *
   * @throws IllegalStateException naming the layer if a layer can't be fused
   */
  public static DeployReport run(ModelState state, Dataset data, int limit, DataType dtype) {
    ModelState s = state.castTo(dtype);
    int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
    List<BlockState> trained = new ArrayList<>(s.layers().values());
    List<BlockState> deployed = Deploy.fusedLayers(s);
    double[][] a =
        NetworkForward.logits(trained, s.head(), s.inputMean(), s.inputStd(), data, n, 100);
    double[][] b =
        NetworkForward.logits(deployed, s.head(), s.inputMean(), s.inputStd(), data, n, 100);
    double[][] ea = bounds(trained, true, s.head(), s.inputMean(), s.inputStd(), data, n, 100);
    double[][] eb = bounds(deployed, false, s.head(), s.inputMean(), s.inputStd(), data, n, 100);
    double maxDiff = 0;
    double bound = 0;
    int differ = 0;
    int rightA = 0;
    int rightB = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < a[i].length; c++) {
        double d = Math.abs(a[i][c] - b[i][c]);
        maxDiff = Math.max(maxDiff, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        double bc = ea[i][c] + eb[i][c];
        bound = Math.max(bound, Double.isNaN(bc) ? Double.POSITIVE_INFINITY : bc);
      }
      int pa = NetworkForward.argmax(a[i]);
      int pb = NetworkForward.argmax(b[i]);
      if (pa != pb) {
        differ++;
      }
      if (pa == data.label(i)) {
        rightA++;
      }
      if (pb == data.label(i)) {
        rightB++;
      }
    }
    return new DeployReport(
        n,
        (double) rightA / n,
        (double) rightB / n,
        maxDiff,
        bound,
        differ,
        dtype == DataType.DOUBLE ? "float64" : "float32");
  }

  /**
   * The round-off bound of each logit of one form of the network, {@code [n][classes]} (see the
   * class comment); {@code withKernels} adds each layer's kernel rounding {@code γ_{n_k}}.
   */
  static double[][] bounds(
      List<BlockState> layers,
      boolean withKernels,
      Weights head,
      double[] mean,
      double[] std,
      Dataset data,
      int n,
      int batch) {
    DataType dt = head.dtype();
    INDArray w = Transforms.abs(head.get("fc.weight").castTo(DataType.DOUBLE), true);
    int classes = (int) w.size(0);
    INDArray b = Transforms.abs(head.get("fc.bias").castTo(DataType.DOUBLE), true);
    double[][] out = new double[n][];
    for (int start = 0; start < n; start += batch) {
      int m = Math.min(batch, n - start);
      INDArray x = NetworkForward.inputs(data, start, m, mean, std, dt);
      INDArray e = Nd4j.zeros(DataType.DOUBLE, x.shape());
      for (BlockState l : layers) {
        BlockSpec spec = l.spec();
        double g = RoundOff.gamma(RoundOff.depth(spec), dt);
        if (withKernels) {
          g += RoundOff.gamma(RoundOff.kernelDepth(spec), dt);
        }
        INDArray own = RoundOff.magnitude(spec, l.weights(), x).muli(g);
        INDArray carried = RoundOff.propagate(spec, l.weights(), e).addi(own);
        x = BlockForward.forward(spec, l.weights(), x);
        e =
            lipschitz(carried, spec.activation())
                .addi(
                    Transforms.abs(x.castTo(DataType.DOUBLE), true)
                        .muli(RoundOff.gamma(RoundOff.activationDepth(spec.activation()), dt)));
      }
      int pooled = (int) (x.size(2) * x.size(3));
      INDArray absPooled = Transforms.abs(x.castTo(DataType.DOUBLE), true).mean(2, 3);
      INDArray ePooled = e.mean(2, 3).addi(absPooled.mul(RoundOff.gamma(pooled + 1L, dt)));
      INDArray pooledValue = Transforms.abs(x.castTo(DataType.DOUBLE).mean(2, 3), true);
      INDArray own =
          pooledValue
              .mmul(w.transpose())
              .addiRowVector(b.reshape(1, classes))
              .muli(RoundOff.gamma(w.size(1) + 1, dt));
      INDArray logits = ePooled.mmul(w.transpose()).addi(own);
      double[] flat = logits.dup('c').data().asDouble();
      for (int i = 0; i < m; i++) {
        out[start + i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
      }
    }
    return out;
  }

  /** An error bound after an activation: times its Lipschitz constant. */
  private static INDArray lipschitz(INDArray e, Activation a) {
    return switch (a) {
      case NONE, RELU -> e;
      case SILU -> e.muli(1.1);
      case SIGMOID -> e.muli(0.25);
    };
  }
}
