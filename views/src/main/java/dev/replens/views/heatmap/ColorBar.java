package dev.replens.views.heatmap;

import dev.replens.views.ViewsStylesheet;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * A vertical color bar: the {@link Colormap} from {@link #lowerProperty() lower} (bottom) to {@link
 * #upperProperty() upper} (top), with labelled ticks. For a diverging map the bar is symmetric
 * ({@code lower = −upper}); with {@link #logScaleProperty() logScale} the values between the ends
 * are spaced logarithmically and the ticks are decades.
 *
 * <p>A {@link #markerValueProperty() marker} draws a line across the strip at one value with {@link
 * #markerLabelProperty() its label} beside it (the error map marks its round-off bound), and hides
 * the tick labels it would overlap.
 *
 * <p>Style class {@code color-bar}; pseudo-class {@code :log}. Children: {@code .strip}, {@code
 * .tick-label}, {@code .tick-mark}, {@code .caption}, {@code .marker}, {@code .marker-label}.
 */
public class ColorBar extends Control {

  public static final String DEFAULT_STYLE_CLASS = "color-bar";
  private static final PseudoClass LOG = PseudoClass.getPseudoClass("log");

  private final ObjectProperty<Colormap> colormap =
      new SimpleObjectProperty<>(this, "colormap", Colormap.DIVERGING);
  private final DoubleProperty lower = new SimpleDoubleProperty(this, "lower", -1);
  private final DoubleProperty upper = new SimpleDoubleProperty(this, "upper", 1);
  private final BooleanProperty logScale =
      new SimpleBooleanProperty(this, "logScale", false) {
        @Override
        protected void invalidated() {
          pseudoClassStateChanged(LOG, get());
        }
      };
  private final StringProperty caption = new SimpleStringProperty(this, "caption", "");
  private final DoubleProperty markerValue =
      new SimpleDoubleProperty(this, "markerValue", Double.NaN);
  private final StringProperty markerLabel = new SimpleStringProperty(this, "markerLabel", "");

  public ColorBar() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
  }

  /** A bar for a colormap and value range. */
  public ColorBar(Colormap map, double lower, double upper) {
    this();
    setColormap(map);
    setRange(lower, upper);
  }

  /** Sets both ends. */
  public final void setRange(double lower, double upper) {
    setLower(lower);
    setUpper(upper);
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new ColorBarSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** The colormap; {@link Colormap#DIVERGING} by default. */
  public final ObjectProperty<Colormap> colormapProperty() {
    return colormap;
  }

  public final Colormap getColormap() {
    return colormap.get();
  }

  public final void setColormap(Colormap value) {
    colormap.set(value);
  }

  /** The value at the bottom of the bar. */
  public final DoubleProperty lowerProperty() {
    return lower;
  }

  public final double getLower() {
    return lower.get();
  }

  public final void setLower(double value) {
    lower.set(value);
  }

  /** The value at the top of the bar. */
  public final DoubleProperty upperProperty() {
    return upper;
  }

  public final double getUpper() {
    return upper.get();
  }

  public final void setUpper(double value) {
    upper.set(value);
  }

  /** Whether values between the ends are spaced logarithmically (both ends must be positive). */
  public final BooleanProperty logScaleProperty() {
    return logScale;
  }

  public final boolean isLogScale() {
    return logScale.get();
  }

  public final void setLogScale(boolean value) {
    logScale.set(value);
  }

  /** A short caption above the bar, e.g. {@code w} or {@code |Δ|}; empty for none. */
  public final StringProperty captionProperty() {
    return caption;
  }

  public final String getCaption() {
    return caption.get();
  }

  public final void setCaption(String value) {
    caption.set(value);
  }

  /** The value marked across the strip; NaN (the default) for none. */
  public final DoubleProperty markerValueProperty() {
    return markerValue;
  }

  public final double getMarkerValue() {
    return markerValue.get();
  }

  public final void setMarkerValue(double value) {
    markerValue.set(value);
  }

  /** The marker's label, e.g. {@code bound 2.1e−05}. */
  public final StringProperty markerLabelProperty() {
    return markerLabel;
  }

  public final String getMarkerLabel() {
    return markerLabel.get();
  }

  public final void setMarkerLabel(String value) {
    markerLabel.set(value);
  }
}
