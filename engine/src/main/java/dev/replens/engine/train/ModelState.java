package dev.replens.engine.train;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything a trained network is: the stem and every block as an ordinary {@link BlockState}
 * (design plus weights, BN running statistics included), the linear head, and the input
 * normalization. A value: the arrays are copies that nothing writes into, so a state can be kept as
 * "the last good weights", exported, fused or handed to another thread.
 *
 * <p>Every parameter also has a network-wide key, {@code <layer>/<block key>}: {@code stem/...},
 * {@code block0/...}, ..., {@code head/fc.weight} ({@code [classes, channels]}) and {@code
 * head/fc.bias}. Gradient multipliers and hooks use these keys.
 *
 * @param net the network
 * @param mode the mode the blocks were trained in (their spec is that mode's form)
 * @param stem the stem conv + BN
 * @param blocks the blocks, first layer first
 * @param head {@code fc.weight} and {@code fc.bias}
 * @param inputMean the per-channel mean subtracted from images
 * @param inputStd the per-channel standard deviation images are divided by
 * @param step the number of optimizer steps taken
 */
public record ModelState(
    NetworkSpec net,
    TrainMode mode,
    BlockState stem,
    List<BlockState> blocks,
    Weights head,
    double[] inputMean,
    double[] inputStd,
    int step) {

  /** The layer name of the stem. */
  public static final String STEM = "stem";

  /** The layer name of the classifier. */
  public static final String HEAD = "head";

  public ModelState {
    Objects.requireNonNull(net, "net");
    Objects.requireNonNull(mode, "mode");
    blocks = List.copyOf(blocks);
    inputMean = inputMean.clone();
    inputStd = inputStd.clone();
  }

  /** The layer name of block {@code i}. */
  public static String blockLayer(int i) {
    return "block" + i;
  }

  /** The network-wide key of a parameter of a layer. */
  public static String key(String layer, String blockKey) {
    return layer + "/" + blockKey;
  }

  @Override
  public double[] inputMean() {
    return inputMean.clone();
  }

  @Override
  public double[] inputStd() {
    return inputStd.clone();
  }

  /** The data type of the weights. */
  public DataType dtype() {
    return head.dtype();
  }

  /** Every layer's (name, state) in order: stem, blocks; the head is separate. */
  public Map<String, BlockState> layers() {
    Map<String, BlockState> out = new LinkedHashMap<>();
    out.put(STEM, stem);
    for (int i = 0; i < blocks.size(); i++) {
      out.put(blockLayer(i), blocks.get(i));
    }
    return out;
  }

  /** Every array under its network-wide key, buffers included. */
  public Map<String, INDArray> flatten() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, BlockState> e : layers().entrySet()) {
      e.getValue().weights().asMap().forEach((k, v) -> out.put(key(e.getKey(), k), v));
    }
    head.asMap().forEach((k, v) -> out.put(key(HEAD, k), v));
    return out;
  }

  /**
   * A copy whose arrays are replaced by those in {@code values} (network-wide keys; keys not
   * present keep their array). The arrays are copied.
   */
  public ModelState with(Map<String, INDArray> values, int newStep) {
    Map<String, BlockState> layers = layers();
    List<BlockState> newBlocks = new ArrayList<>();
    BlockState newStem = replace(STEM, layers.get(STEM), values);
    for (int i = 0; i < blocks.size(); i++) {
      newBlocks.add(replace(blockLayer(i), blocks.get(i), values));
    }
    Map<String, INDArray> h = new LinkedHashMap<>(head.asMap());
    h.replaceAll((k, v) -> pick(values, key(HEAD, k), v));
    return new ModelState(
        net, mode, newStem, newBlocks, Weights.of(h, head.dtype()), inputMean, inputStd, newStep);
  }

  /** A copy in another data type. */
  public ModelState castTo(DataType dtype) {
    List<BlockState> b = new ArrayList<>();
    for (BlockState s : blocks) {
      b.add(new BlockState(s.spec(), s.weights().castTo(dtype)));
    }
    return new ModelState(
        net,
        mode,
        new BlockState(stem.spec(), stem.weights().castTo(dtype)),
        b,
        head.castTo(dtype),
        inputMean,
        inputStd,
        step);
  }

  /** The block specs, first layer first. */
  public List<BlockSpec> blockSpecs() {
    return blocks.stream().map(BlockState::spec).toList();
  }

  private static BlockState replace(String layer, BlockState s, Map<String, INDArray> values) {
    Map<String, INDArray> w = new LinkedHashMap<>(s.weights().asMap());
    w.replaceAll((k, v) -> pick(values, key(layer, k), v));
    return new BlockState(s.spec(), Weights.of(w, s.weights().dtype()));
  }

  private static INDArray pick(Map<String, INDArray> values, String key, INDArray old) {
    INDArray v = values.get(key);
    return v == null ? old : v.dup().castTo(old.dataType());
  }
}
