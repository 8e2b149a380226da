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
 * head as PyTorch's {@code nn.Linear} ({@code U(−1/√C, 1/√C)}).
 *
 * <p>In {@link TrainMode#CSLA} the scales take the values of the block's {@link RepOptForm}; in
 * {@link TrainMode#REPOPT} each block's conv is RepOptimizer's {@code s_c·W_K + s_1·pad(W_1) +
 * s_id·I}, computed from exactly the {@code W_K} and {@code W_1} the CSLA form draws from the same
 * seed. So a CSLA run and a RepOpt run with the same seed and scales start from the same function
 * (and, under SGD, follow the same trajectory).
 */
public final class ModelInit {

  private ModelInit() {}

  /** The initial state of {@code net} trained in {@code mode}. */
  public static ModelState initial(
      NetworkSpec net, TrainMode mode, DataType dtype, long seed, double[] mean, double[] std) {
    return initial(net, mode, dtype, seed, mean, std, defaultForms(net));
  }

  /**
   * The initial state of {@code net} trained in {@code mode}, with the CSLA scales of {@code forms}
   * (one per block; used in {@link TrainMode#CSLA} and {@link TrainMode#REPOPT} only).
   *
   * @throws IllegalArgumentException if there isn't one form per block
   */
  public static ModelState initial(
      NetworkSpec net,
      TrainMode mode,
      DataType dtype,
      long seed,
      double[] mean,
      double[] std,
      List<RepOptForm> forms) {
    if (forms.size() != net.depth()) {
      throw new IllegalArgumentException(
          "one RepOpt form per block is needed: " + net.depth() + ", not " + forms.size());
    }
    BlockSpec stemSpec = net.stem();
    BlockState stem =
        new BlockState(stemSpec, WeightInit.forTraining(stemSpec, dtype, layerSeed(seed, 0)));
    List<BlockState> blocks = new ArrayList<>();
    for (int i = 0; i < net.depth(); i++) {
      BlockSpec designed = net.layerBlock(i);
      BlockSpec form = TrainingForms.of(designed, mode);
      long s = layerSeed(seed, i + 1);
      Weights w = WeightInit.forTraining(form, dtype, s);
      if (mode == TrainMode.CSLA) {
        w = withScales(w, forms.get(i), dtype);
      } else if (mode == TrainMode.REPOPT) {
        BlockSpec csla = TrainingForms.csla(designed, false);
        Weights cw =
            withScales(WeightInit.forTraining(csla, DataType.DOUBLE, s), forms.get(i), null);
        INDArray fused = RepOptForm.cslaKernel(new BlockState(csla, cw)).weight();
        w =
            w.with(
                BlockSpec.key(TrainingForms.SINGLE_BRANCH, "conv", "weight"), fused.castTo(dtype));
      }
      blocks.add(new BlockState(form, w));
    }
    return new ModelState(
        net, mode, stem, blocks, head(net, dtype, layerSeed(seed, net.depth() + 1)), mean, std, 0);
  }

  /** Every block's CSLA structure with all scales 1. */
  public static List<RepOptForm> defaultForms(NetworkSpec net) {
    List<RepOptForm> out = new ArrayList<>();
    for (int i = 0; i < net.depth(); i++) {
      out.add(RepOptForm.of(net.layerBlock(i)));
    }
    return out;
  }

  /** CSLA weights whose scales are the form's (a null dtype keeps the weights' own). */
  static Weights withScales(Weights w, RepOptForm f, DataType dtype) {
    DataType dt = dtype == null ? w.dtype() : dtype;
    Weights out =
        w.with(scaleKey(TrainingForms.CSLA_KXK), Nd4j.createFromArray(f.scaleKxK()).castTo(dt));
    if (f.scale1x1() != null) {
      out =
          out.with(scaleKey(TrainingForms.CSLA_1X1), Nd4j.createFromArray(f.scale1x1()).castTo(dt));
    }
    if (f.scaleIdentity() != null) {
      out =
          out.with(
              scaleKey(TrainingForms.CSLA_IDENTITY),
              Nd4j.createFromArray(f.scaleIdentity()).castTo(dt));
    }
    return out;
  }

  /** The key of a CSLA branch's scale. */
  public static String scaleKey(String branch) {
    return BlockSpec.key(branch, TrainingForms.CSLA_SCALE, "weight");
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
