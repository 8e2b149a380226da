package dev.replens.views.heatmap;

import dev.replens.engine.eval.Comparison;
import dev.replens.views.ViewsStylesheet;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * The difference view: the error of one form of a block against the training form, as a heatmap
 * over the feature map ({@link Comparison#errorMap()}: {@code max |Δ|} over batch and channels per
 * position) with x and y position axes, a labelled color bar and a legend. Hovering reads a
 * position's exact error ({@link #hoveredCellProperty()}).
 *
 * <p>Scale: with a {@link #boundProperty() round-off bound} (the explorer always sets one), {@link
 * Colormap#ROUND_OFF} on a log scale from {@code bound / 10^4} to {@code bound · 10^3}: pale green
 * up to the bound (within round-off, fine), a yellow-to-dark-red warning ramp only above it (a real
 * mismatch), the bound marked on the color bar. Without one, a sequential white → dark red scale
 * from 0 (linear) or {@code max / 10^logDecades} (log, the default) up to {@link
 * #fixedMaxProperty() fixedMax} when positive, else the comparison's own max |Δ|.
 *
 * <p>Style class {@code error-map-view}; pseudo-classes {@code :empty}, {@code :log}, {@code
 * :bounded}. Children: {@code .header} ({@code .title}, {@code .summary}), {@code .map-area},
 * {@code .axis-label}, {@code .axis-title}, {@code .color-bar}, {@code .legend} ({@code .swatch},
 * {@code .legend-label}), {@code .footer} ({@code .readout}), {@code .placeholder}.
 */
public class ErrorMapView extends Control {

  public static final String DEFAULT_STYLE_CLASS = "error-map-view";
  private static final PseudoClass EMPTY = PseudoClass.getPseudoClass("empty");
  private static final PseudoClass LOG = PseudoClass.getPseudoClass("log");
  private static final PseudoClass BOUNDED = PseudoClass.getPseudoClass("bounded");

  private final ObjectProperty<Comparison> comparison =
      new SimpleObjectProperty<>(this, "comparison") {
        @Override
        protected void invalidated() {
          pseudoClassStateChanged(EMPTY, get() == null);
          hoveredCell.set(null);
        }
      };
  private final StringProperty title = new SimpleStringProperty(this, "title", "");
  private final BooleanProperty logScale =
      new SimpleBooleanProperty(this, "logScale", true) {
        @Override
        protected void invalidated() {
          pseudoClassStateChanged(LOG, get());
        }
      };
  private final DoubleProperty logDecades = new SimpleDoubleProperty(this, "logDecades", 8);
  private final DoubleProperty fixedMax = new SimpleDoubleProperty(this, "fixedMax", 0);
  private final DoubleProperty bound =
      new SimpleDoubleProperty(this, "bound", Double.NaN) {
        @Override
        protected void invalidated() {
          pseudoClassStateChanged(BOUNDED, hasBound());
        }
      };
  private final ReadOnlyObjectWrapper<ErrorCell> hoveredCell =
      new ReadOnlyObjectWrapper<>(this, "hoveredCell");

  public ErrorMapView() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    pseudoClassStateChanged(EMPTY, true);
    pseudoClassStateChanged(LOG, true);
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new ErrorMapViewSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** Whether a positive round-off bound is set, so that colors are scaled against it. */
  public boolean hasBound() {
    return getBound() > 0 && !Double.isInfinite(getBound());
  }

  /** The colormap in use: {@link Colormap#ROUND_OFF} with a bound, else sequential. */
  public Colormap colormap() {
    return hasBound() ? Colormap.ROUND_OFF : Colormap.SEQUENTIAL;
  }

  /** Whether the scale in use is logarithmic: always against a bound, else {@link #isLogScale}. */
  public boolean effectiveLogScale() {
    return hasBound() || isLogScale();
  }

  /**
   * The upper end of the scale in use: {@code bound · 10^3} with a bound, else the fixed max if
   * set, else the comparison's max |Δ|.
   */
  public double effectiveMax() {
    if (hasBound()) {
      return getBound() * Math.pow(10, Colormap.ROUND_OFF_DECADES_ABOVE);
    }
    Comparison c = getComparison();
    double f = getFixedMax();
    return f > 0 ? f : c == null ? 0 : c.maxAbs();
  }

  /**
   * The lower end of the scale in use: {@code bound / 10^4} with a bound, else 0, or {@code
   * effectiveMax / 10^logDecades} on a log scale.
   */
  public double effectiveFloor() {
    if (hasBound()) {
      return getBound() / Math.pow(10, Colormap.ROUND_OFF_DECADES_BELOW);
    }
    return isLogScale() ? effectiveMax() / Math.pow(10, Math.max(1, getLogDecades())) : 0;
  }

  void setHoveredCell(ErrorCell cell) {
    hoveredCell.set(cell);
  }

  /** The comparison shown; null shows a placeholder ({@code :empty}). */
  public final ObjectProperty<Comparison> comparisonProperty() {
    return comparison;
  }

  public final Comparison getComparison() {
    return comparison.get();
  }

  public final void setComparison(Comparison value) {
    comparison.set(value);
  }

  /** A title, e.g. {@code fused vs training}. */
  public final StringProperty titleProperty() {
    return title;
  }

  public final String getTitle() {
    return title.get();
  }

  public final void setTitle(String value) {
    title.set(value);
  }

  /** Whether the scale is logarithmic; true by default. */
  public final BooleanProperty logScaleProperty() {
    return logScale;
  }

  public final boolean isLogScale() {
    return logScale.get();
  }

  public final void setLogScale(boolean value) {
    logScale.set(value);
  }

  /** How many decades below the max a log scale spans (at least 1; 8 by default). */
  public final DoubleProperty logDecadesProperty() {
    return logDecades;
  }

  public final double getLogDecades() {
    return logDecades.get();
  }

  public final void setLogDecades(double value) {
    logDecades.set(value);
  }

  /** The error drawn at full color, shared between views; 0 or less uses the max |Δ|. */
  public final DoubleProperty fixedMaxProperty() {
    return fixedMax;
  }

  public final double getFixedMax() {
    return fixedMax.get();
  }

  public final void setFixedMax(double value) {
    fixedMax.set(value);
  }

  /**
   * The round-off bound the errors are judged against ({@link dev.replens.engine.eval.RoundOff});
   * NaN (the default) or ≤ 0 for none.
   */
  public final DoubleProperty boundProperty() {
    return bound;
  }

  public final double getBound() {
    return bound.get();
  }

  public final void setBound(double value) {
    bound.set(value);
  }

  /** The position under the mouse with its error, or null. */
  public final ReadOnlyObjectProperty<ErrorCell> hoveredCellProperty() {
    return hoveredCell.getReadOnlyProperty();
  }

  public final ErrorCell getHoveredCell() {
    return hoveredCell.get();
  }
}
