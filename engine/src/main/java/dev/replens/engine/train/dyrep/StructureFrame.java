package dev.replens.engine.train.dyrep;

import dev.replens.engine.model.BlockSpec;
import java.util.List;

/**
 * Every layer's block structure from a step on, for replaying the structure history.
 *
 * @param step the step from which the structure holds (0: the start)
 * @param blocks every block's spec, first layer first
 */
public record StructureFrame(int step, List<BlockSpec> blocks) {

  public StructureFrame {
    blocks = List.copyOf(blocks);
  }
}
