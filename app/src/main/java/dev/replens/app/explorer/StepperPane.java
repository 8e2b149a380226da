package dev.replens.app.explorer;

import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.Step;
import dev.replens.views.badge.ErrorBadge;
import dev.replens.views.formula.FormulaView;
import java.util.EnumMap;
import java.util.Map;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The fusion stepper: the four stages as a timeline, Back/Next and a slider over every step, and
 * for the current step its title, formula, one plain sentence and the measured error badge.
 */
public final class StepperPane extends VBox {

  private static final PseudoClass CURRENT = PseudoClass.getPseudoClass("current");
  private static final PseudoClass DONE = PseudoClass.getPseudoClass("done");
  private static final PseudoClass DIVERGED = PseudoClass.getPseudoClass("diverged");

  private final StepperModel model;
  private final Map<StageKind, Button> stageButtons = new EnumMap<>(StageKind.class);
  private final Slider slider = new Slider();
  private final Label position = new Label();
  private final Label title = new Label();
  private final Label explanation = new Label();
  private final Label stageSummary = new Label();
  private final FormulaView formula = new FormulaView();
  private final ErrorBadge badge = new ErrorBadge();
  private final Button back = new Button("◀ Back");
  private final Button next = new Button("Next ▶");
  private final VBox details = new VBox(6);
  private boolean updating;

  public StepperPane(StepperModel model) {
    this.model = model;
    getStyleClass().add("stepper");
    setSpacing(6);

    HBox stages = new HBox(4);
    stages.getStyleClass().add("stage-bar");
    stages.setAlignment(Pos.CENTER_LEFT);
    int n = 1;
    for (StageKind k : StageKind.values()) {
      Button b = new Button(n++ + "  " + k.title());
      b.getStyleClass().add("stage-chip");
      b.setMinWidth(Region.USE_PREF_SIZE);
      b.setTooltip(new Tooltip(k.summary()));
      b.setOnAction(e -> model.goTo(k));
      b.setFocusTraversable(false);
      stageButtons.put(k, b);
      if (k.ordinal() > 0) {
        Label arrow = new Label("→");
        arrow.getStyleClass().add("stage-arrow");
        stages.getChildren().add(arrow);
      }
      stages.getChildren().add(b);
    }
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    back.setOnAction(e -> model.previous());
    next.setOnAction(e -> model.next());
    back.setTooltip(new Tooltip("Previous step (Alt+←)"));
    next.setTooltip(new Tooltip("Next step (Alt+→)"));
    back.setId("stepBack");
    next.setId("stepNext");
    position.getStyleClass().add("step-position");
    // The stepper's row keeps every label whole; a narrow window makes the workspace scroll or
    // the lesson drawer give way, never cuts a stage name.
    position.setMinWidth(Region.USE_PREF_SIZE);
    back.setMinWidth(Region.USE_PREF_SIZE);
    next.setMinWidth(Region.USE_PREF_SIZE);
    stages.getChildren().addAll(spacer, position, back, next);

    slider.setMin(0);
    slider.setBlockIncrement(1);
    slider.setMajorTickUnit(1);
    slider.setMinorTickCount(0);
    slider.setSnapToTicks(true);
    slider.setShowTickMarks(true);
    slider.setId("stepSlider");
    slider
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              if (!updating) {
                model.indexProperty().set((int) Math.round(b.doubleValue()));
              }
            });

    title.getStyleClass().add("step-title");
    title.setId("stepTitle");
    explanation.getStyleClass().add("step-explanation");
    explanation.setWrapText(true);
    stageSummary.getStyleClass().add("stage-summary");
    stageSummary.setWrapText(true);
    badge.setId("stepBadge");
    title.setWrapText(true);
    // The badge sits under the title so that its expanded diagnosis wraps within the pane
    // instead of claiming the width of its unwrapped text.
    VBox head = new VBox(6, title, badge);
    formula.getStyleClass().add("step-formula");
    formula.setId("stepFormula");

    details.getStyleClass().add("step-details");
    details.getChildren().addAll(head, formula, explanation, stageSummary);
    details.setId("stepDetails");
    getChildren().addAll(stages, slider);
    model.stepProperty().addListener((o, a, b) -> update());
    model.checkProperty().addListener((o, a, b) -> update());
    update();
  }

  private void update() {
    updating = true;
    try {
      int size = model.size();
      int i = model.indexProperty().get();
      slider.setMax(Math.max(1, size - 1));
      slider.setDisable(size <= 1);
      slider.setValue(i);
      Step at = model.stepProperty().get();
      position.setText(
          size == 0 || at == null
              ? ""
              : "stage "
                  + (at.stage().ordinal() + 1)
                  + " of "
                  + stageButtons.size()
                  + " · step "
                  + (i + 1)
                  + " of "
                  + size);
      back.setDisable(i <= 0);
      next.setDisable(i >= size - 1);
      Step s = model.stepProperty().get();
      StepCheck c = model.checkProperty().get();
      FusionAnalysis a = model.analysisProperty().get();
      for (var e : stageButtons.entrySet()) {
        boolean reached = a != null && !a.pipeline().stage(e.getKey()).isEmpty();
        e.getValue().setDisable(!reached);
        e.getValue().pseudoClassStateChanged(CURRENT, s != null && s.stage() == e.getKey());
        e.getValue()
            .pseudoClassStateChanged(DONE, s != null && s.stage().ordinal() > e.getKey().ordinal());
        boolean diverged =
            a != null
                && a.checks().stream().anyMatch(ch -> ch.step().stage() == e.getKey() && !ch.ok());
        e.getValue().pseudoClassStateChanged(DIVERGED, diverged);
      }
      if (s == null) {
        title.setText("");
        explanation.setText("");
        formula.setFormula("");
        badge.clear();
        return;
      }
      title.setText(s.title());
      explanation.setText(s.explanation());
      formula.setFormula(s.formula());
      // A stage's opening step already says what the stage summary would repeat.
      stageSummary.setText(
          a != null && !a.pipeline().complete()
              ? "The block can't be fused: " + a.pipeline().blockedBy()
              : s.title().equals(s.stage().title())
                  ? ""
                  : s.stage().title() + ": " + s.stage().summary());
      if (c == null) {
        badge.clear();
      } else {
        badge.show(c);
      }
    } finally {
      updating = false;
    }
  }

  /** The current step's title, badge, formula and explanation, to be placed by the window. */
  public VBox details() {
    return details;
  }

  /** The badge, for tests and the status bar. */
  public ErrorBadge badge() {
    return badge;
  }
}
