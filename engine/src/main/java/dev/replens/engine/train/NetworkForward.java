package dev.replens.engine.train;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network in eval mode (BN with running statistics), computed layer by layer with the engine's
 * reference {@link BlockForward}: whatever form the layers are in, as designed or fused.
 */
public final class NetworkForward {

  private NetworkForward() {}

  /**
   * The logits {@code [n, classes]} of the first {@code n} images of {@code data}.
   *
   * @param layers the stem and the blocks, in order
   * @param head {@code fc.weight} {@code [classes, channels]} and {@code fc.bias}
   */
  public static double[][] logits(
      List<BlockState> layers,
      Weights head,
      double[] mean,
      double[] std,
      Dataset data,
      int n,
      int batch) {
    DataType dt = head.dtype();
    int classes = (int) head.get("fc.bias").length();
    double[][] out = new double[n][];
    INDArray w = head.get("fc.weight");
    INDArray b = head.get("fc.bias").reshape(1, classes);
    for (int start = 0; start < n; start += batch) {
      int m = Math.min(batch, n - start);
      INDArray x = inputs(data, start, m, mean, std, dt);
      for (BlockState s : layers) {
        x = BlockForward.forward(s.spec(), s.weights(), x);
      }
      INDArray logits = x.mean(2, 3).mmul(w.transpose()).addiRowVector(b);
      double[] flat = logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
      for (int i = 0; i < m; i++) {
        out[start + i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
      }
    }
    return out;
  }

  /** The logits of a model state's layers as they are. */
  public static double[][] logits(ModelState s, Dataset data, int n, int batch) {
    List<BlockState> layers = new java.util.ArrayList<>(s.layers().values());
    return logits(layers, s.head(), s.inputMean(), s.inputStd(), data, n, batch);
  }

  /** Images {@code [start, start + m)} normalized per channel, NCHW. */
  static INDArray inputs(Dataset data, int start, int m, double[] mean, double[] std, DataType dt) {
    int len = data.imageLength();
    float[] buf = new float[m * len];
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) {
      idx[i] = start + i;
    }
    data.copyImages(idx, buf);
    normalize(buf, m, data.channels(), data.height() * data.width(), mean, std);
    INDArray x =
        Nd4j.create(buf, new long[] {m, data.channels(), data.height(), data.width()}, 'c');
    return dt == DataType.FLOAT ? x : x.castTo(dt);
  }

  /** {@code (x − mean_c) / std_c} in place. */
  static void normalize(float[] x, int n, int channels, int plane, double[] mean, double[] std) {
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * plane;
        float m = (float) mean[c];
        float s = (float) (1.0 / std[c]);
        for (int p = 0; p < plane; p++) {
          x[base + p] = (x[base + p] - m) * s;
        }
      }
    }
  }

  /** Mean softmax cross-entropy and accuracy of logits against labels. */
  static double[] lossAndAccuracy(double[][] logits, Dataset data) {
    double loss = 0;
    int right = 0;
    for (int i = 0; i < logits.length; i++) {
      double[] l = logits[i];
      int arg = argmax(l);
      double max = l[arg];
      double sum = 0;
      for (double v : l) {
        sum += Math.exp(v - max);
      }
      int y = data.label(i);
      loss += Math.log(sum) + max - l[y];
      if (arg == y) {
        right++;
      }
    }
    return new double[] {loss / logits.length, (double) right / logits.length};
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
