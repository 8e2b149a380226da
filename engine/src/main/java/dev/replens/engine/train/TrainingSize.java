package dev.replens.engine.train;

import dev.replens.engine.memory.MemoryBudget;
import dev.replens.engine.model.BlockSpec;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The memory one training step of a {@link NetworkSpec} needs for its feature maps, checked against
 * the {@link MemoryBudget} before a run starts: a batch size or width typed by a user must get a
 * message, not an out-of-memory error halfway through the first step.
 *
 * <p>Every op of every layer keeps its output map {@code [batch, channels, H, W]} for the backward
 * pass; the widest of them must fit the budget, and so must all of them together.
 */
public final class TrainingSize {

  private TrainingSize() {}

  /**
   * Why the step doesn't fit, or empty if it does.
   *
   * @param net the network
   * @param batchSize images per step
   * @param dtype float32 or float64
   * @param budget the budget
   */
  public static Optional<String> problem(
      NetworkSpec net, int batchSize, DataType dtype, MemoryBudget budget) {
    String type = dtype == DataType.DOUBLE ? "float64" : "float32";
    int width = dtype == DataType.DOUBLE ? 8 : 4;
    int widest = Math.max(Math.max(net.stemChannels(), net.channels()), net.inputChannels());
    Optional<String> one =
        budget.check(
            "one batch's widest feature map",
            "training steps",
            type,
            width,
            batchSize,
            widest,
            net.imageHeight(),
            net.imageWidth());
    if (one.isPresent()) {
      return one;
    }
    long maps = 2; // the stem's conv and BN
    for (int i = 0; i < net.depth(); i++) {
      BlockSpec b = net.block();
      maps += b.branches().stream().mapToLong(br -> br.ops().size()).sum() + b.post().size() + 1;
    }
    long perMap = MemoryBudget.bytesOf(1, batchSize, widest, net.imageHeight(), net.imageWidth());
    return budget.check(
        "one training step's " + maps + " feature maps",
        "training steps",
        type + " values",
        width,
        MemoryBudget.bytesOf(1, maps, perMap));
  }
}
