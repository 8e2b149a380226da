package dev.replens.engine.train;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.pipeline.BlockState;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * "Fuse and verify": converts a trained network to its deploy form, every layer (stem included)
 * fused by the {@code FusionPipeline} into one conv with eval-mode BN statistics, and evaluates
 * both forms on the same images.
 *
 * <p>Both forms are evaluated in float64 by default so that the figure measures the transforms, not
 * float32 summation order; a float32 evaluation is available for comparison.
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
    double maxDiff = 0;
    int differ = 0;
    int rightA = 0;
    int rightB = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < a[i].length; c++) {
        double d = Math.abs(a[i][c] - b[i][c]);
        maxDiff = Math.max(maxDiff, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
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
        differ,
        dtype == DataType.DOUBLE ? "float64" : "float32");
  }
}
