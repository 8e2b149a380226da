package dev.replens.views.badge;

import dev.replens.engine.eval.StepCheck;
import dev.replens.views.NumberText;
import dev.replens.views.ViewsStylesheet;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * A small badge with a measured equivalence error, e.g. {@code max |Δ| 3.1e−07}: green ({@code
 * :ok}) when the value is within the tolerance, red ({@code :diverged}) above it (infinite errors
 * included), neutral ({@code :unknown}) while the value is NaN (not measured). The diagnosis (which
 * transform diverged and why) is the tooltip; clicking a badge that has one toggles {@link
 * #expandedProperty() expanded}, which shows it below the value.
 *
 * <p>Style class {@code error-badge}; pseudo-classes {@code :ok}, {@code :diverged}, {@code
 * :unknown}, {@code :expanded}. Children: {@code .indicator}, {@code .value-label}, {@code
 * .diagnosis}.
 */
public class ErrorBadge extends Control {

  public static final String DEFAULT_STYLE_CLASS = "error-badge";
  static final PseudoClass OK = PseudoClass.getPseudoClass("ok");
  static final PseudoClass DIVERGED = PseudoClass.getPseudoClass("diverged");
  static final PseudoClass UNKNOWN = PseudoClass.getPseudoClass("unknown");
  static final PseudoClass EXPANDED = PseudoClass.getPseudoClass("expanded");

  private final DoubleProperty value =
      new SimpleDoubleProperty(this, "value", Double.NaN) {
        @Override
        protected void invalidated() {
          update();
        }
      };
  private final DoubleProperty tolerance =
      new SimpleDoubleProperty(this, "tolerance", 1e-5) {
        @Override
        protected void invalidated() {
          update();
        }
      };
  private final StringProperty diagnosis = new SimpleStringProperty(this, "diagnosis", "");
  private final BooleanProperty expanded =
      new SimpleBooleanProperty(this, "expanded", false) {
        @Override
        protected void invalidated() {
          pseudoClassStateChanged(EXPANDED, get());
        }
      };
  private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");

  public ErrorBadge() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
    update();
  }

  /** A badge for a value and tolerance. */
  public ErrorBadge(double value, double tolerance) {
    this();
    setTolerance(tolerance);
    setValue(value);
  }

  /** Shows a pipeline step's check: its max |Δ|, tolerance and diagnosis. */
  public void show(StepCheck check) {
    setTolerance(check.tolerance());
    setValue(check.error().maxAbs());
    setDiagnosis(check.diagnosis() == null ? "" : check.diagnosis());
  }

  /** Back to "not measured". */
  public void clear() {
    setValue(Double.NaN);
    setDiagnosis("");
    setExpanded(false);
  }

  /** Whether the value is within the tolerance. */
  public boolean isOk() {
    return getValue() <= getTolerance();
  }

  /** Whether the value exceeds the tolerance. */
  public boolean isDiverged() {
    return getValue() > getTolerance();
  }

  private void update() {
    double v = getValue();
    boolean unknown = Double.isNaN(v);
    pseudoClassStateChanged(UNKNOWN, unknown);
    pseudoClassStateChanged(OK, !unknown && isOk());
    pseudoClassStateChanged(DIVERGED, !unknown && isDiverged());
    text.set("max |Δ| " + (unknown ? "—" : NumberText.scientific(v)));
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new ErrorBadgeSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** The measured max |Δ|; NaN (the default) means not measured. */
  public final DoubleProperty valueProperty() {
    return value;
  }

  public final double getValue() {
    return value.get();
  }

  public final void setValue(double v) {
    value.set(v);
  }

  /** The tolerance; 1e−5 (float32) by default. */
  public final DoubleProperty toleranceProperty() {
    return tolerance;
  }

  public final double getTolerance() {
    return tolerance.get();
  }

  public final void setTolerance(double v) {
    tolerance.set(v);
  }

  /** Why the value diverged, in the user's terms; empty for none. */
  public final StringProperty diagnosisProperty() {
    return diagnosis;
  }

  public final String getDiagnosis() {
    return diagnosis.get();
  }

  public final void setDiagnosis(String v) {
    diagnosis.set(v);
  }

  /** Whether the diagnosis is shown below the value. */
  public final BooleanProperty expandedProperty() {
    return expanded;
  }

  public final boolean isExpanded() {
    return expanded.get();
  }

  public final void setExpanded(boolean v) {
    expanded.set(v);
  }

  /** The badge's text, e.g. {@code max |Δ| 3.1e−07}. */
  public final ReadOnlyStringProperty textProperty() {
    return text.getReadOnlyProperty();
  }

  public final String getText() {
    return text.get();
  }
}
