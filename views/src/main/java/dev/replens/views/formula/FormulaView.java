package dev.replens.views.formula;

import dev.replens.views.ViewsStylesheet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.CssMetaData;
import javafx.css.PseudoClass;
import javafx.css.SimpleStyleableDoubleProperty;
import javafx.css.SimpleStyleableObjectProperty;
import javafx.css.StyleConverter;
import javafx.css.Styleable;
import javafx.css.StyleableProperty;
import javafx.scene.AccessibleRole;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

/**
 * A typeset formula, from the LaTeX subset of the engine's transform formulas ({@code \frac},
 * scripts, {@code \sum}, {@code \sqrt}, Greek letters, {@code \cdot \odot \ast}, {@code \mathrm},
 * spaces …; see {@link FormulaParser}). Variables are italic, numbers and operators upright,
 * fractions stacked with a rule, scripts smaller and raised or lowered ({@link FormulaLayout}).
 * Unknown commands show as their name; nothing here throws on bad input.
 *
 * <p>Style class {@code formula-view}; pseudo-class {@code :empty}. CSS properties: {@code
 * -rl-font-size} (pixels, default 18) and {@code -fx-text-fill}.
 */
public class FormulaView extends Control {

  public static final String DEFAULT_STYLE_CLASS = "formula-view";
  private static final PseudoClass EMPTY = PseudoClass.getPseudoClass("empty");

  private static final CssMetaData<FormulaView, Number> FONT_SIZE =
      new CssMetaData<>("-rl-font-size", StyleConverter.getSizeConverter(), 18.0) {
        @Override
        public boolean isSettable(FormulaView v) {
          return !v.fontSize.isBound();
        }

        @Override
        public StyleableProperty<Number> getStyleableProperty(FormulaView v) {
          return v.fontSize;
        }
      };

  private static final CssMetaData<FormulaView, Paint> TEXT_FILL =
      new CssMetaData<>("-fx-text-fill", StyleConverter.getPaintConverter(), Color.BLACK) {
        @Override
        public boolean isSettable(FormulaView v) {
          return !v.textFill.isBound();
        }

        @Override
        public StyleableProperty<Paint> getStyleableProperty(FormulaView v) {
          return v.textFill;
        }
      };

  private static final List<CssMetaData<? extends Styleable, ?>> CSS;

  static {
    List<CssMetaData<? extends Styleable, ?>> all = new ArrayList<>(Control.getClassCssMetaData());
    all.add(FONT_SIZE);
    all.add(TEXT_FILL);
    CSS = Collections.unmodifiableList(all);
  }

  private final StringProperty formula =
      new SimpleStringProperty(this, "formula", "") {
        @Override
        protected void invalidated() {
          String f = get();
          pseudoClassStateChanged(EMPTY, f == null || f.isBlank());
          setAccessibleText(f);
        }
      };
  private final SimpleStyleableDoubleProperty fontSize =
      new SimpleStyleableDoubleProperty(FONT_SIZE, this, "fontSize", 18.0);
  private final SimpleStyleableObjectProperty<Paint> textFill =
      new SimpleStyleableObjectProperty<>(TEXT_FILL, this, "textFill", Color.BLACK);

  public FormulaView() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    setAccessibleRole(AccessibleRole.TEXT);
    pseudoClassStateChanged(EMPTY, true);
  }

  /** A view of a formula. */
  public FormulaView(String latex) {
    this();
    setFormula(latex);
  }

  /** The parse tree of the current formula. */
  public FormulaNode.Row parsed() {
    return FormulaParser.parse(getFormula());
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new FormulaViewSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  public static List<CssMetaData<? extends Styleable, ?>> getClassCssMetaData() {
    return CSS;
  }

  @Override
  public List<CssMetaData<? extends Styleable, ?>> getControlCssMetaData() {
    return CSS;
  }

  /** The formula in the LaTeX subset; empty shows nothing ({@code :empty}). */
  public final StringProperty formulaProperty() {
    return formula;
  }

  public final String getFormula() {
    return formula.get();
  }

  public final void setFormula(String value) {
    formula.set(value);
  }

  /** The base font size in pixels ({@code -rl-font-size}); scripts are 72% and 56% of it. */
  public final DoubleProperty fontSizeProperty() {
    return fontSize;
  }

  public final double getFontSize() {
    return fontSize.get();
  }

  public final void setFontSize(double value) {
    fontSize.set(value);
  }

  /** The color of glyphs and rules ({@code -fx-text-fill}). */
  public final ObjectProperty<Paint> textFillProperty() {
    return textFill;
  }

  public final Paint getTextFill() {
    return textFill.get();
  }

  public final void setTextFill(Paint value) {
    textFill.set(value);
  }
}
