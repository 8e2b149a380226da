package dev.replens.engine.io.family;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import java.util.List;
import java.util.Objects;

/**
 * A block imported from an official PyTorch state dict: its training-time form in the engine's
 * model, with the file's weights in the file's data type, and what the import had to interpret.
 *
 * @param spec the block, branch ids equal to the official module names where there are such
 * @param weights the parameters and buffers, all float32 or all float64 as in the file
 * @param notes how the file was read: optional branches found, official quirks reproduced, choices
 *     where the official math had to be expressed with other ops
 */
public record ImportedBlock(BlockSpec spec, Weights weights, List<String> notes) {

  public ImportedBlock {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
    notes = List.copyOf(notes);
  }
}
