package dev.replens.views.chart;

import dev.replens.views.NumberText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.text.Text;

/**
 * The skin of {@link ContributionChart}: a horizontal JavaFX {@link BarChart} whose bars start at 0
 * (so negative values point left), with the value written at each bar's end. The value axis is
 * fixed to the data's range plus room for those labels.
 */
public class ContributionChartSkin extends SkinBase<ContributionChart> {

  private final NumberAxis valueAxis = new NumberAxis();
  private final CategoryAxis nameAxis = new CategoryAxis();
  private final LabelledBarChart chart = new LabelledBarChart(valueAxis, nameAxis);
  private final Label placeholder = new Label("Click a tap of the fused kernel");

  public ContributionChartSkin(ContributionChart control) {
    super(control);
    chart.setAnimated(false);
    chart.setLegendVisible(false);
    chart.setCategoryGap(8);
    chart.setHorizontalGridLinesVisible(false);
    chart.getStyleClass().add("bars");
    chart.titleProperty().bind(control.titleProperty());
    valueAxis.setAutoRanging(false);
    valueAxis.setMinorTickVisible(false);
    valueAxis.setTickLabelFormatter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(Number n) {
            return NumberText.of(n.doubleValue(), 3);
          }

          @Override
          public Number fromString(String s) {
            throw new UnsupportedOperationException();
          }
        });
    nameAxis.setAutoRanging(false);
    placeholder.getStyleClass().add("placeholder");
    getChildren().addAll(chart, placeholder);
    registerChangeListener(control.contributionsProperty(), o -> rebuild());
    registerChangeListener(control.totalProperty(), o -> rebuild());
    rebuild();
  }

  private void rebuild() {
    ContributionChart c = getSkinnable();
    Map<String, Double> parts = c.getContributions();
    chart.getData().clear();
    chart.clearLabels();
    boolean empty = parts.isEmpty();
    placeholder.setVisible(empty);
    chart.setVisible(!empty);
    if (empty) {
      return;
    }
    double total = c.effectiveTotal();
    List<String> names = new ArrayList<>(parts.keySet());
    names.add(ContributionChart.TOTAL);
    // A vertical category axis runs bottom-up; reversed, the first branch is on top and the total
    // at the bottom.
    List<String> order = new ArrayList<>(names);
    Collections.reverse(order);
    nameAxis.setCategories(FXCollections.observableArrayList(order));

    XYChart.Series<Number, String> series = new XYChart.Series<>();
    double lo = Math.min(0, total);
    double hi = Math.max(0, total);
    for (Map.Entry<String, Double> e : parts.entrySet()) {
      series.getData().add(new XYChart.Data<>(e.getValue(), e.getKey()));
      lo = Math.min(lo, e.getValue());
      hi = Math.max(hi, e.getValue());
    }
    XYChart.Data<Number, String> totalBar = new XYChart.Data<>(total, ContributionChart.TOTAL);
    series.getData().add(totalBar);
    setRange(lo, hi);
    chart.getData().add(series);
    totalBar.getNode().getStyleClass().add("fused");
    for (XYChart.Data<Number, String> d : series.getData()) {
      // BarChart marks negative values only in vertical charts; here the sign is marked directly.
      d.getNode().getStyleClass().add("contribution-bar");
      if (d.getXValue().doubleValue() < 0) {
        d.getNode().getStyleClass().add("negative");
      }
      chart.addLabel(d, NumberText.of(d.getXValue().doubleValue(), 4));
    }
  }

  /** Fixes the value axis to [lo, hi] with a margin for the value labels and a round tick unit. */
  private void setRange(double lo, double hi) {
    double span = hi - lo;
    if (!(span > 0)) {
      span = Math.max(Math.abs(hi), 1e-12);
    }
    double pad = span * 0.4;
    double lower = lo < 0 ? lo - pad : 0;
    double upper = hi > 0 ? hi + pad : 0;
    if (lower == 0 && upper == 0) {
      upper = 1;
    }
    double unit = niceUnit((upper - lower) / 5);
    valueAxis.setLowerBound(Math.floor(lower / unit) * unit);
    valueAxis.setUpperBound(Math.ceil(upper / unit) * unit);
    valueAxis.setTickUnit(unit);
  }

  private static double niceUnit(double raw) {
    double exp = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / exp;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * exp;
  }

  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    chart.resizeRelocate(x, y, w, h);
    layoutInArea(
        placeholder, x, y, w, h, 0, javafx.geometry.HPos.CENTER, javafx.geometry.VPos.CENTER);
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 360 + right;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    int bars = getSkinnable().getContributions().size() + 1;
    return top + Math.max(160, 80 + bars * 34) + bottom;
  }

  /** A horizontal bar chart that writes each bar's value just past its end. */
  static final class LabelledBarChart extends BarChart<Number, String> {

    private final Map<XYChart.Data<Number, String>, Text> labels = new IdentityHashMap<>();

    LabelledBarChart(NumberAxis x, CategoryAxis y) {
      super(x, y);
    }

    void addLabel(XYChart.Data<Number, String> d, String text) {
      Text t = new Text(text);
      t.getStyleClass().add("value-label");
      labels.put(d, t);
      getPlotChildren().add(t);
    }

    void clearLabels() {
      getPlotChildren().removeAll(labels.values());
      labels.clear();
    }

    @Override
    protected void layoutPlotChildren() {
      super.layoutPlotChildren();
      for (Map.Entry<XYChart.Data<Number, String>, Text> e : labels.entrySet()) {
        Node bar = e.getKey().getNode();
        Text t = e.getValue();
        if (bar == null) {
          continue;
        }
        Bounds b = bar.getBoundsInParent();
        Bounds tb = t.getLayoutBounds();
        boolean negative = e.getKey().getXValue().doubleValue() < 0;
        double tx = negative ? b.getMinX() - 4 - tb.getWidth() : b.getMaxX() + 4;
        double ascent = t.getY() - tb.getMinY();
        double ty = b.getMinY() + b.getHeight() / 2 - tb.getHeight() / 2 + ascent;
        t.setLayoutX(0);
        t.setLayoutY(0);
        t.setX(tx);
        t.setY(ty);
        t.toFront();
      }
    }
  }
}
