package dev.replens.engine.lesson;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.pipeline.StageKind;
import java.util.Map;
import java.util.Objects;

/**
 * What a task's check can see of the app: a snapshot the lesson panel takes whenever something
 * relevant changes. Plain values, so checks are pure functions that can be tested without a window.
 *
 * @param design the current design
 * @param designAtStepStart the design when the step was entered (to notice edits)
 * @param stage the stage the stepper shows, or null before the first analysis
 * @param fusedError the fused form's measured max |Δ| against the training form, NaN if the block
 *     can't be fused or nothing was measured yet
 * @param fusedBound the round-off bound the fused error is judged against ({@link
 *     dev.replens.engine.eval.RoundOff}), NaN when there is none
 * @param selectedTap the tap selected in the kernel heatmaps, or null
 * @param selectedBranch the branch selected on the canvas, or null
 * @param selectedOp the op selected on the canvas, or null
 * @param workspace the id of the workspace tab shown, or null
 * @param demoParameters the current settings of the demo shown (e.g. {@code sigma}), empty if none
 */
public record LessonState(
    BlockSpec design,
    BlockSpec designAtStepStart,
    StageKind stage,
    double fusedError,
    double fusedBound,
    SelectedTap selectedTap,
    String selectedBranch,
    String selectedOp,
    String workspace,
    Map<String, Double> demoParameters) {

  public LessonState {
    Objects.requireNonNull(design, "design");
    designAtStepStart = designAtStepStart == null ? design : designAtStepStart;
    demoParameters = Map.copyOf(demoParameters);
  }

  /**
   * A tap selected in a heatmap, with the size of the kernel it belongs to.
   *
   * @param tap the tap
   * @param kh the kernel's height
   * @param kw the kernel's width
   */
  public record SelectedTap(Tap tap, int kh, int kw) {

    /** Whether the tap is the kernel's centre. */
    public boolean isCentre() {
      return tap.y() == kh / 2 && tap.x() == kw / 2;
    }
  }
}
