package dev.replens.engine.pipeline;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.Conv;
import java.util.List;
import java.util.Optional;

/**
 * The staged path from the training form to one conv: Training → Linearized → Squeezed → Fused,
 * each stage a list of steps. In eval mode every step is exactly equivalent to the one before it;
 * the evaluator measures that.
 *
 * @param steps every step, in order; the first is the training form
 * @param blockedBy why the pipeline stops early, or null if it reached one conv
 */
public record Pipeline(List<Step> steps, String blockedBy) {

  public Pipeline {
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a pipeline has at least the training form");
    }
  }

  /** Whether the pipeline reached one conv. */
  public boolean complete() {
    return blockedBy == null;
  }

  /** The steps of one stage (empty if the pipeline stopped before it). */
  public List<Step> stage(StageKind kind) {
    return steps.stream().filter(s -> s.stage() == kind).toList();
  }

  /** The last step of a stage, if the pipeline got there. */
  public Optional<Step> endOf(StageKind kind) {
    List<Step> st = stage(kind);
    return st.isEmpty() ? Optional.empty() : Optional.of(st.get(st.size() - 1));
  }

  /** The training form. */
  public BlockState training() {
    return steps.get(0).state();
  }

  /** The fused block: one branch holding one conv with a bias. */
  public BlockState fused() {
    if (!complete()) {
      throw new IllegalStateException("the block can't be fused: " + blockedBy);
    }
    return steps.get(steps.size() - 1).state();
  }

  /** The fused conv's kernel and bias. */
  public Kernel fusedKernel() {
    BlockState f = fused();
    var branch = f.spec().branches().get(0);
    return StateEdit.kernelOf(f.weights(), branch.id(), (Conv) branch.ops().get(0));
  }

  /** The index of the first step of a stage, or -1. */
  public int firstIndexOf(StageKind kind) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).stage() == kind) {
        return i;
      }
    }
    return -1;
  }
}
