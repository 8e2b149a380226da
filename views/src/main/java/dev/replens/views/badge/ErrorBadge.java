package dev.replens.views.badge;

import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.eval.Verdict;
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
 * A small badge with a measured equivalence error and its verdict against the round-off bound
 * ({@link dev.replens.engine.eval.Verdict}), e.g. {@code max |Δ| 3.1e−07 · within round-off} over
 * {@code bound 2.1e−05}: green ({@code :ok}) when the value is within the bound, red ({@code
 * :diverged}, {@code real mismatch, 38× the bound}) above it (infinite errors included), neutral
 * ({@code :unknown}) while the value is NaN (not measured). The diagnosis (which transform diverged
 * and why) is the tooltip; clicking a badge that has one toggles {@link #expandedProperty()
 * expanded}, which shows it below the value.
 *
 * <p>Style class {@code error-badge}; pseudo-classes {@code :ok}, {@code :diverged}, {@code
 * :unknown}, {@code :expanded}. Children: {@code .indicator}, {@code .value-label}, {@code
 * .bound-label}, {@code .diagnosis}.
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
  private final DoubleProperty bound =
      new SimpleDoubleProperty(this, "bound", 1e-5) {
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
  private final StringProperty transform = new SimpleStringProperty(this, "transform", null);
  private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");
  private final ReadOnlyStringWrapper boundText = new ReadOnlyStringWrapper(this, "boundText", "");
  private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");

  public ErrorBadge() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
    transform.addListener((o, a, b) -> update());
    update();
  }

  /** A badge for a value and its round-off bound. */
  public ErrorBadge(double value, double bound) {
    this();
    setBound(bound);
    setValue(value);
  }

  /** Shows a pipeline step's check: its max |Δ|, round-off bound, verdict and diagnosis. */
  public void show(StepCheck check) {
    show(check.verdict());
    setDiagnosis(check.diagnosis() == null ? "" : check.diagnosis());
  }

  /** Shows a verdict: its max |Δ|, bound and, for a mismatch, the transform it names. */
  public void show(Verdict v) {
    setTransform(v.transform());
    setBound(v.bound());
    setValue(v.maxAbs());
    setDiagnosis("");
  }

  /** Back to "not measured". */
  public void clear() {
    setValue(Double.NaN);
    setDiagnosis("");
    setExpanded(false);
  }

  /** The verdict shown: the value against the bound. */
  public Verdict verdict() {
    double b = getBound();
    return new Verdict(getValue(), b >= 0 ? b : 0, "", getTransform());
  }

  /** Whether the value is within the round-off bound. */
  public boolean isOk() {
    return verdict().withinRoundOff();
  }

  /** Whether the value exceeds the round-off bound. */
  public boolean isDiverged() {
    return verdict().measured() && !isOk();
  }

  private void update() {
    double v = getValue();
    boolean unknown = Double.isNaN(v);
    pseudoClassStateChanged(UNKNOWN, unknown);
    pseudoClassStateChanged(OK, !unknown && isOk());
    pseudoClassStateChanged(DIVERGED, !unknown && isDiverged());
    String bt = NumberText.scientific(getBound());
    if (unknown) {
      text.set("max |Δ| —");
      boundText.set("");
      summary.set("");
      return;
    }
    String value = "max |Δ| " + NumberText.scientific(v);
    if (isOk()) {
      text.set(value + " · within round-off");
      boundText.set("round-off bound " + bt);
      summary.set(text.get() + " (bound " + bt + ")");
    } else {
      String times = Verdict.times(verdict().ratio()).replace('-', '−');
      text.set(value + " · real mismatch");
      boundText.set(times + " the round-off bound " + bt);
      summary.set(
          value
              + " · real mismatch, "
              + times
              + " the bound "
              + bt
              + (getTransform() == null ? "" : ", in “" + getTransform() + "”"));
    }
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

  /**
   * The round-off bound the value is judged against ({@link dev.replens.engine.eval.RoundOff});
   * 1e−5 until one is shown.
   */
  public final DoubleProperty boundProperty() {
    return bound;
  }

  public final double getBound() {
    return bound.get();
  }

  public final void setBound(double v) {
    bound.set(v);
  }

  /** For a mismatch, the transform where the forms first parted; null if none or unknown. */
  public final StringProperty transformProperty() {
    return transform;
  }

  public final String getTransform() {
    return transform.get();
  }

  public final void setTransform(String v) {
    transform.set(v);
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

  /** The badge's text, e.g. {@code max |Δ| 3.1e−07 · within round-off}. */
  public final ReadOnlyStringProperty textProperty() {
    return text.getReadOnlyProperty();
  }

  public final String getText() {
    return text.get();
  }

  /**
   * The line under the text: {@code round-off bound 2.1e−05}, or for a mismatch {@code 38× the
   * round-off bound 2.1e−05}; empty when not measured.
   */
  public final ReadOnlyStringProperty boundTextProperty() {
    return boundText.getReadOnlyProperty();
  }

  public final String getBoundText() {
    return boundText.get();
  }

  /**
   * The text and the bound in one line, for a status bar: {@code max |Δ| 3.1e−07 · within round-off
   * (bound 2.1e−05)} or {@code max |Δ| 0.42 · real mismatch, 38× the bound 2.1e−05, in “Pad 1x1 →
   * 3x3 in rbr_1x1”}; empty when not measured.
   */
  public final ReadOnlyStringProperty summaryProperty() {
    return summary.getReadOnlyProperty();
  }

  public final String getSummary() {
    return summary.get();
  }
}
