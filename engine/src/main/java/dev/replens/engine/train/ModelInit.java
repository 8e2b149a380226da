package dev.replens.engine.train;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded initial weights of a network, as a training run starts: Kaiming-normal convs, BNs at the
 * identity, scales at 1 ({@link WeightInit#forTraining}), each layer from its own seed; the linear
 * head as PyTorch's {@code nn.Linear} ({@code U(−1/√C, 1/√C)}); in {@link TrainMode#REPOPT} each
 * block's conv is RepOptimizer's {@code s_c·W_K + s_1·pad(W_1) + s_id·I}.
 */
public final class ModelInit {

  private ModelInit() {}

  /** The initial state of {@code net} trained in {@code mode}. */
  public static ModelState initial(
      NetworkSpec net, TrainMode mode, DataType dtype, long seed, double[] mean, double[] std) {
    BlockSpec stemSpec = net.stem();
    BlockState stem =
        new BlockState(stemSpec, WeightInit.forTraining(stemSpec, dtype, layerSeed(seed, 0)));
    List<BlockState> blocks = new ArrayList<>();
    for (int i = 0; i < net.depth(); i++) {
      BlockSpec designed = net.layerBlock(i);
      BlockSpec form = TrainingForms.of(designed, mode);
      Weights w = WeightInit.forTraining(form, dtype, layerSeed(seed, i + 1));
      if (mode == TrainMode.REPOPT) {
        RepOptForm r = RepOptForm.of(designed);
        w =
            w.with(
                BlockSpec.key(TrainingForms.SINGLE_BRANCH, "conv", "weight"),
                r.initialWeight(dtype, layerSeed(seed, i + 1) ^ 0x5DEECE66DL));
      }
      blocks.add(new BlockState(form, w));
    }
    return new ModelState(
        net, mode, stem, blocks, head(net, dtype, layerSeed(seed, net.depth() + 1)), mean, std, 0);
  }

  /** The RepOptimizer form of every block, or an empty list in other modes. */
  public static List<RepOptForm> repOptForms(NetworkSpec net, TrainMode mode) {
    List<RepOptForm> out = new ArrayList<>();
    if (mode == TrainMode.REPOPT) {
      for (int i = 0; i < net.depth(); i++) {
        out.add(RepOptForm.of(net.layerBlock(i)));
      }
    }
    return out;
  }

  private static Weights head(NetworkSpec net, DataType dtype, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double bound = 1.0 / Math.sqrt(net.channels());
    double[] w = new double[net.numClasses() * net.channels()];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextDouble(-bound, bound);
    }
    double[] b = new double[net.numClasses()];
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextDouble(-bound, bound);
    }
    Map<String, INDArray> m = new LinkedHashMap<>();
    m.put(
        "fc.weight",
        Nd4j.create(w, new long[] {net.numClasses(), net.channels()}, DataType.DOUBLE)
            .castTo(dtype));
    m.put("fc.bias", Nd4j.create(b, new long[] {net.numClasses()}, DataType.DOUBLE).castTo(dtype));
    return Weights.of(m, dtype);
  }

  private static long layerSeed(long seed, int layer) {
    return seed * 0x9E3779B97F4A7C15L + layer * 0xD1B54A32D192ED03L;
  }
}
