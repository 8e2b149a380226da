package dev.replens.views.chart;

import dev.replens.views.ViewsStylesheet;
import dev.replens.views.heatmap.KernelTap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * How much each branch contributed to one tap of the fused kernel: a horizontal bar per branch
 * (signed: positive bars point right in red, negative left in blue) and a darker bar for the fused
 * total, each labelled with its value. Fed from {@code Equivalents.contributionsAt(o, i, y, x)},
 * whose values add up to the fused tap.
 *
 * <p>Style class {@code contribution-chart}; pseudo-class {@code :empty}. The bars are a JavaFX
 * {@code BarChart}'s {@code .chart-bar} nodes, also marked {@code .contribution-bar}, with {@code
 * .negative} for values below 0 and {@code .fused} for the total; the value texts are {@code
 * .value-label}.
 */
public class ContributionChart extends Control {

  public static final String DEFAULT_STYLE_CLASS = "contribution-chart";

  /** The category of the total bar. */
  public static final String TOTAL = "fused (Σ)";

  private static final PseudoClass EMPTY = PseudoClass.getPseudoClass("empty");

  private final ObjectProperty<Map<String, Double>> contributions =
      new SimpleObjectProperty<>(this, "contributions", Map.of()) {
        @Override
        public void set(Map<String, Double> v) {
          super.set(v == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(v)));
        }

        @Override
        protected void invalidated() {
          pseudoClassStateChanged(EMPTY, get().isEmpty());
        }
      };
  private final DoubleProperty total = new SimpleDoubleProperty(this, "total", Double.NaN);
  private final StringProperty title = new SimpleStringProperty(this, "title", "");

  public ContributionChart() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    pseudoClassStateChanged(EMPTY, true);
  }

  /**
   * Shows the contributions to one tap: the title names the tap, the total is its value.
   *
   * @param tap the fused kernel's tap
   * @param parts branch id → contribution, in branch order
   */
  public void show(KernelTap tap, Map<String, Double> parts) {
    setTitle(
        "Contributions to w["
            + tap.out()
            + ", "
            + tap.in()
            + ", "
            + tap.y()
            + ", "
            + tap.x()
            + "]");
    setTotal(tap.value());
    setContributions(parts);
  }

  /** Shows nothing. */
  public void clear() {
    setContributions(Map.of());
    setTotal(Double.NaN);
    setTitle("");
  }

  /** The total bar's value: {@link #totalProperty() total}, or the sum of the parts if NaN. */
  public double effectiveTotal() {
    double t = getTotal();
    if (!Double.isNaN(t)) {
      return t;
    }
    double s = 0;
    for (double v : getContributions().values()) {
      s += v;
    }
    return s;
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new ContributionChartSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** Branch name → signed contribution, in display order (an unmodifiable copy is kept). */
  public final ObjectProperty<Map<String, Double>> contributionsProperty() {
    return contributions;
  }

  public final Map<String, Double> getContributions() {
    return contributions.get();
  }

  public final void setContributions(Map<String, Double> value) {
    contributions.set(value);
  }

  /** The fused tap's value; NaN (the default) shows the sum of the contributions. */
  public final DoubleProperty totalProperty() {
    return total;
  }

  public final double getTotal() {
    return total.get();
  }

  public final void setTotal(double value) {
    total.set(value);
  }

  /** The chart's title. */
  public final StringProperty titleProperty() {
    return title;
  }

  public final String getTitle() {
    return title.get();
  }

  public final void setTitle(String value) {
    title.set(value);
  }
}
