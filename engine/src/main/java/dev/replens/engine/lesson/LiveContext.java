package dev.replens.engine.lesson;

import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.Pipeline;
import java.util.List;
import java.util.Objects;

/**
 * What a lesson's live numbers are read from: the current design, its weights and the analysis the
 * explorer computed for them.
 *
 * @param spec the design
 * @param weights its weights
 * @param pipeline its fusion pipeline
 * @param checks every step measured against the training form (may be empty)
 * @param training each branch's equivalent kernel in the training form, or null if a branch isn't
 *     linear
 * @param stepIndex the stepper's current step
 */
public record LiveContext(
    BlockSpec spec,
    Weights weights,
    Pipeline pipeline,
    List<StepCheck> checks,
    Equivalents training,
    int stepIndex) {

  public LiveContext {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(pipeline, "pipeline");
    checks = List.copyOf(checks);
  }

  /** The measurement of the fused form, or null if the block can't be fused. */
  public StepCheck fusedCheck() {
    return pipeline.complete() && checks.size() == pipeline.steps().size()
        ? checks.get(checks.size() - 1)
        : null;
  }
}
