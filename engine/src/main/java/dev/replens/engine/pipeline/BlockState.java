package dev.replens.engine.pipeline;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import java.util.Objects;

/**
 * A block design with its weights: what each pipeline step produces and what the evaluator runs.
 *
 * @param spec the design
 * @param weights its parameters
 */
public record BlockState(BlockSpec spec, Weights weights) {
  public BlockState {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
  }
}
