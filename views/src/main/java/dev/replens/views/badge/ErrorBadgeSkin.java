package dev.replens.views.badge;

import dev.replens.views.NumberText;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The skin of {@link ErrorBadge}: an indicator dot and the value, the diagnosis below. */
public class ErrorBadgeSkin extends SkinBase<ErrorBadge> {

  private final Tooltip tooltip = new Tooltip();
  private final VBox box;

  public ErrorBadgeSkin(ErrorBadge badge) {
    super(badge);
    Region indicator = new Region();
    indicator.getStyleClass().add("indicator");
    Label value = new Label();
    value.getStyleClass().add("value-label");
    value.textProperty().bind(badge.textProperty());
    // A narrow pane wraps the figure and its verdict instead of cutting the verdict.
    value.setWrapText(true);
    value.setMinHeight(Region.USE_PREF_SIZE);
    HBox.setHgrow(value, javafx.scene.layout.Priority.ALWAYS);
    HBox line = new HBox(indicator, value);
    line.getStyleClass().add("line");
    Label bound = new Label();
    bound.getStyleClass().add("bound-label");
    bound.textProperty().bind(badge.boundTextProperty());
    bound.visibleProperty().bind(badge.boundTextProperty().isNotEmpty());
    bound.managedProperty().bind(bound.visibleProperty());
    Label diagnosis = new Label();
    diagnosis.getStyleClass().add("diagnosis");
    diagnosis.setWrapText(true);
    diagnosis.textProperty().bind(badge.diagnosisProperty());
    diagnosis
        .visibleProperty()
        .bind(badge.expandedProperty().and(badge.diagnosisProperty().isNotEmpty()));
    diagnosis.managedProperty().bind(diagnosis.visibleProperty());
    box = new VBox(line, bound, diagnosis);
    box.getStyleClass().add("content");
    getChildren().add(box);

    tooltip
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                this::tooltipText,
                badge.valueProperty(),
                badge.boundProperty(),
                badge.transformProperty(),
                badge.diagnosisProperty()));
    tooltip.setWrapText(true);
    tooltip.setMaxWidth(420);
    Tooltip.install(box, tooltip);

    box.addEventHandler(
        MouseEvent.MOUSE_CLICKED,
        e -> {
          if (e.getButton() == MouseButton.PRIMARY && !badge.getDiagnosis().isEmpty()) {
            badge.setExpanded(!badge.isExpanded());
          }
        });
  }

  private String tooltipText() {
    ErrorBadge b = getSkinnable();
    double v = b.getValue();
    String bound = NumberText.scientific(b.getBound());
    String head;
    if (Double.isNaN(v)) {
      head = "Not measured";
    } else if (b.isOk()) {
      head =
          "Within round-off: max |Δ| "
              + NumberText.scientific(v)
              + " ≤ "
              + bound
              + ", the most two exactly equivalent forms can differ by in this precision on the"
              + " probe (unit round-off × operations per output × Σ|w|·|x|).";
    } else {
      head =
          "Real mismatch: max |Δ| "
              + NumberText.scientific(v)
              + " is "
              + b.getBoundText()
              + (b.getTransform() == null ? "" : ", first in “" + b.getTransform() + "”")
              + ". No summation order explains it.";
    }
    return b.getDiagnosis().isEmpty() ? head : head + "\n" + b.getDiagnosis();
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + box.prefWidth(-1) + right;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + box.prefHeight(width < 0 ? -1 : width - left - right) + bottom;
  }

  @Override
  public void dispose() {
    tooltip.textProperty().unbind();
    super.dispose();
  }
}
