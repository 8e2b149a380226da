package dev.replens.engine.train;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.model.BlockSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tiny network's training graph in float64 with random weights and a fixed random batch, for
 * checking gradients and forward semantics. Shapes: input {@code [batch, 1, size, size]}, stem and
 * blocks {@code channels} wide, 3 classes.
 */
final class GraphHarness {

  static final int CLASSES = 3;

  final ModelState state;
  final NetworkGraph graph;
  final Map<String, INDArray> placeholders = new HashMap<>();
  final float[] images;
  final int batch;
  final int size;

  GraphHarness(BlockSpec block, TrainMode mode, int channels, int size, int batch, long seed) {
    this(block, mode, channels, size, batch, seed, DataType.DOUBLE);
  }

  GraphHarness(
      BlockSpec block,
      TrainMode mode,
      int channels,
      int size,
      int batch,
      long seed,
      DataType dtype) {
    this.batch = batch;
    this.size = size;
    NetworkSpec net = new NetworkSpec(block, 1, channels, channels, 1, size, size, CLASSES);
    ModelState init =
        ModelInit.initial(net, mode, DataType.DOUBLE, seed, new double[] {0}, new double[] {1});
    this.state = randomize(init, seed);
    this.graph =
        NetworkGraph.build(state, Trainer.trainableKeys(state), dtype, batch, GraphTuning.DEFAULT);
    Random r = new Random(seed + 1);
    images = new float[batch * size * size];
    double[] x = new double[images.length];
    for (int i = 0; i < x.length; i++) {
      images[i] = (float) r.nextGaussian();
      x[i] = images[i];
    }
    placeholders.put(
        NetworkGraph.X, Nd4j.create(x, new long[] {batch, 1, size, size}, DataType.DOUBLE));
    INDArray y = Nd4j.zeros(dtype, batch, CLASSES);
    for (int i = 0; i < batch; i++) {
      y.putScalar(i, i % CLASSES, 1.0);
    }
    placeholders.put(NetworkGraph.Y, y);
  }

  /**
   * Every trainable parameter moved away from its tidy initial value (BN at identity, scales at 1),
   * so that no gradient term vanishes by accident.
   */
  private static ModelState randomize(ModelState s, long seed) {
    Random r = new Random(seed * 7 + 3);
    Map<String, INDArray> flat = s.flatten();
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String k : Trainer.trainableKeys(s)) {
      INDArray v = flat.get(k).dup();
      double[] d = v.data().asDouble();
      for (int i = 0; i < d.length; i++) {
        d[i] =
            k.endsWith(".bias")
                ? 0.2 * r.nextGaussian()
                : d[i] * (0.7 + 0.6 * r.nextDouble()) + 0.05 * r.nextGaussian();
      }
      out.put(k, Nd4j.create(d, v.shape(), DataType.DOUBLE));
    }
    return s.with(out, 0);
  }

  /** Loss and the gradient of every trained parameter (copies), by network-wide key. */
  Map<String, INDArray> gradients() {
    List<String> vars = graph.params().stream().map(NetworkGraph.Param::var).toList();
    OutAndGrad og =
        graph.sd().calculateGradientsAndOutputs(placeholders, List.of(NetworkGraph.LOSS), vars);
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (NetworkGraph.Param p : graph.params()) {
      out.put(p.key(), og.getGradients().get(p.var()).dup());
    }
    return out;
  }

  double loss() {
    return graph.sd().output(placeholders, NetworkGraph.LOSS).get(NetworkGraph.LOSS).getDouble(0);
  }

  /** The parameter's array inside the graph (writes change the graph). */
  INDArray param(String key) {
    for (NetworkGraph.Param p : graph.params()) {
      if (p.key().equals(key)) {
        return graph.sd().getVariable(p.var()).getArr();
      }
    }
    throw new IllegalArgumentException(key);
  }

  /**
   * The graph's logits and the state with each BN's running statistics replaced by the batch
   * statistics the graph computed: in eval mode that state computes what the graph computes in
   * train mode.
   */
  Object[] logitsAndBatchStatState() {
    List<String> outs = new ArrayList<>();
    outs.add(NetworkGraph.LOGITS);
    for (NetworkGraph.BnStat b : graph.bnStats()) {
      outs.add(b.meanVar());
      outs.add(b.varVar());
    }
    Map<String, INDArray> o = graph.sd().output(placeholders, outs.toArray(new String[0]));
    Map<String, INDArray> stats = new LinkedHashMap<>();
    for (NetworkGraph.BnStat b : graph.bnStats()) {
      stats.put(b.keyPrefix() + ".running_mean", o.get(b.meanVar()).reshape(-1).dup());
      stats.put(b.keyPrefix() + ".running_var", o.get(b.varVar()).reshape(-1).dup());
    }
    return new Object[] {o.get(NetworkGraph.LOGITS).dup(), state.with(stats, 0)};
  }

  /** The batch as a dataset (labels are irrelevant here). */
  Dataset batchAsDataset() {
    return new Dataset("batch", 1, size, size, images, new int[batch], List.of("a", "b", "c"));
  }
}
