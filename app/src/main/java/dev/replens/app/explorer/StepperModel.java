package dev.replens.app.explorer;

import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.Step;
import dev.replens.engine.pipeline.TransformKind;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * Where the fusion stepper stands: the current analysis and the index of the step shown. The index
 * is kept within the analysis' steps when the analysis changes.
 */
public final class StepperModel {

  private final ObjectProperty<FusionAnalysis> analysis =
      new SimpleObjectProperty<>(this, "analysis");
  private final IntegerProperty index = new SimpleIntegerProperty(this, "index", 0);
  private final ReadOnlyObjectWrapper<Step> step = new ReadOnlyObjectWrapper<>(this, "step");
  private final ReadOnlyObjectWrapper<StepCheck> check = new ReadOnlyObjectWrapper<>(this, "check");
  private final ReadOnlyObjectWrapper<Equivalents> equivalents =
      new ReadOnlyObjectWrapper<>(this, "equivalents");

  public StepperModel() {
    analysis.addListener(
        (o, a, b) -> {
          int max = b == null ? 0 : b.pipeline().steps().size() - 1;
          if (index.get() > max) {
            index.set(max);
          }
          refresh();
        });
    index.addListener((o, a, b) -> refresh());
  }

  private void refresh() {
    FusionAnalysis a = analysis.get();
    if (a == null) {
      step.set(null);
      check.set(null);
      equivalents.set(null);
      return;
    }
    int i = Math.max(0, Math.min(index.get(), a.pipeline().steps().size() - 1));
    step.set(a.pipeline().steps().get(i));
    check.set(i < a.checks().size() ? a.checks().get(i) : null);
    // At "add branches" the block has just become one conv; show the kernels being added.
    boolean adding = step.get().transform() == TransformKind.ADD_BRANCHES && i > 0;
    equivalents.set(a.equivalents().get(adding && a.equivalents().get(i - 1) != null ? i - 1 : i));
  }

  /** The number of steps, or 0 before the first analysis. */
  public int size() {
    FusionAnalysis a = analysis.get();
    return a == null ? 0 : a.pipeline().steps().size();
  }

  public void next() {
    if (index.get() < size() - 1) {
      index.set(index.get() + 1);
    }
  }

  public void previous() {
    if (index.get() > 0) {
      index.set(index.get() - 1);
    }
  }

  public void first() {
    index.set(0);
  }

  public void last() {
    index.set(Math.max(0, size() - 1));
  }

  /** Goes to the last step of a stage (or does nothing if the pipeline stopped before it). */
  public void goTo(StageKind stage) {
    FusionAnalysis a = analysis.get();
    if (a == null) {
      return;
    }
    int last = -1;
    for (int i = 0; i < a.pipeline().steps().size(); i++) {
      if (a.pipeline().steps().get(i).stage() == stage) {
        last = i;
      }
    }
    if (last >= 0) {
      index.set(last);
    }
  }

  /** Goes to the end of the next stage. */
  public void nextStage() {
    Step s = step.get();
    if (s != null && s.stage().ordinal() < StageKind.values().length - 1) {
      goTo(StageKind.values()[s.stage().ordinal() + 1]);
    }
  }

  /** Goes to the end of the previous stage. */
  public void previousStage() {
    Step s = step.get();
    if (s != null && s.stage().ordinal() > 0) {
      goTo(StageKind.values()[s.stage().ordinal() - 1]);
    }
  }

  public ObjectProperty<FusionAnalysis> analysisProperty() {
    return analysis;
  }

  public IntegerProperty indexProperty() {
    return index;
  }

  public ReadOnlyObjectProperty<Step> stepProperty() {
    return step.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<StepCheck> checkProperty() {
    return check.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Equivalents> equivalentsProperty() {
    return equivalents.getReadOnlyProperty();
  }
}
