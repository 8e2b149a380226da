package dev.replens.views.heatmap;

import dev.replens.views.NumberText;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.HPos;
import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.CycleMethod;
import javafx.scene.paint.LinearGradient;
import javafx.scene.paint.Stop;
import javafx.scene.shape.Line;

/** The skin of {@link ColorBar}: a gradient strip with tick marks and labels to its right. */
public class ColorBarSkin extends SkinBase<ColorBar> {

  private static final double STRIP_WIDTH = 12;
  private static final double TICK = 4;
  private static final double GAP = 3;

  private final Region strip = new Region();
  private final Label caption = new Label();
  private final Line marker = new Line();
  private final Label markerLabel = new Label();
  private final List<Label> labels = new ArrayList<>();
  private final List<Line> marks = new ArrayList<>();
  private double[] tickValues = new double[0];

  public ColorBarSkin(ColorBar bar) {
    super(bar);
    strip.getStyleClass().add("strip");
    caption.getStyleClass().add("caption");
    caption.textProperty().bind(bar.captionProperty());
    caption.managedProperty().bind(caption.visibleProperty());
    caption.visibleProperty().bind(bar.captionProperty().isNotEmpty());
    marker.getStyleClass().add("marker");
    markerLabel.getStyleClass().add("marker-label");
    markerLabel.textProperty().bind(bar.markerLabelProperty());
    getChildren().addAll(strip, caption, marker, markerLabel);
    registerChangeListener(bar.colormapProperty(), o -> rebuild());
    registerChangeListener(bar.markerValueProperty(), o -> bar.requestLayout());
    registerChangeListener(bar.markerLabelProperty(), o -> bar.requestLayout());
    registerChangeListener(bar.lowerProperty(), o -> updateTicks());
    registerChangeListener(bar.upperProperty(), o -> updateTicks());
    registerChangeListener(bar.logScaleProperty(), o -> updateTicks());
    rebuild();
  }

  private void rebuild() {
    Colormap map = getSkinnable().getColormap();
    List<Stop> stops = new ArrayList<>();
    int n = 32;
    for (int i = 0; i <= n; i++) {
      double f = (double) i / n;
      // Top of the strip is the upper end.
      double t = map.diverging() ? 1 - 2 * f : 1 - f;
      stops.add(new Stop(f, map.color(t)));
    }
    // A break is drawn sharp: the colors on either side meet at one offset.
    double eps = 1e-3;
    for (double b : map.breaks()) {
      double f = map.diverging() ? (1 - b) / 2 : 1 - b;
      double span = map.diverging() ? 2 * eps : eps;
      stops.add(new Stop(f - eps / 4, map.color(b + span)));
      stops.add(new Stop(f + eps / 4, map.color(b - span)));
    }
    stops.sort(java.util.Comparator.comparingDouble(Stop::getOffset));
    strip.setBackground(
        new Background(
            new BackgroundFill(
                new LinearGradient(0, 0, 0, 1, true, CycleMethod.NO_CYCLE, stops), null, null)));
    updateTicks();
  }

  /**
   * Recomputes the ticks. The label nodes are kept when their number doesn't change, so that a
   * heatmap whose scale changes with every kernel doesn't rebuild (and restyle) its color bar.
   */
  private void updateTicks() {
    ColorBar bar = getSkinnable();
    tickValues = ticks(bar.getLower(), bar.getUpper(), bar.isLogScale());
    if (labels.size() != tickValues.length) {
      getChildren().removeAll(labels);
      getChildren().removeAll(marks);
      labels.clear();
      marks.clear();
      for (int i = 0; i < tickValues.length; i++) {
        Label l = new Label();
        l.getStyleClass().add("tick-label");
        Line m = new Line();
        m.getStyleClass().add("tick-mark");
        labels.add(l);
        marks.add(m);
      }
      getChildren().addAll(marks);
      getChildren().addAll(labels);
    }
    boolean diverging = bar.getColormap().diverging();
    for (int i = 0; i < tickValues.length; i++) {
      double v = tickValues[i];
      labels.get(i).setText(v > 0 && diverging ? "+" + NumberText.of(v, 3) : label(v, bar));
    }
    bar.requestLayout();
  }

  private static String label(double v, ColorBar bar) {
    if (bar.isLogScale() && v > 0) {
      long e = Math.round(Math.log10(v));
      if (Math.abs(v / Math.pow(10, e) - 1) < 1e-9) {
        return e == 0 ? "1" : "1e" + String.valueOf(e).replace('-', '−');
      }
      return NumberText.scientific(v);
    }
    return NumberText.of(v, 3);
  }

  /** Tick values from the upper end down. */
  static double[] ticks(double lower, double upper, boolean log) {
    if (!(upper > lower)) {
      return new double[] {upper};
    }
    if (log && lower > 0) {
      int hi = (int) Math.floor(Math.log10(upper) + 1e-9);
      int lo = (int) Math.ceil(Math.log10(lower) - 1e-9);
      int decades = hi - lo + 1;
      int step = Math.max(1, (int) Math.ceil(decades / 6.0));
      List<Double> out = new ArrayList<>();
      for (int e = hi; e >= lo; e -= step) {
        out.add(Math.pow(10, e));
      }
      return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
    if (lower < 0 && upper > 0) {
      return new double[] {upper, upper / 2, 0, lower / 2, lower};
    }
    return new double[] {upper, (upper + lower) / 2, lower};
  }

  /** Where a value sits on the strip: 0 at the top, 1 at the bottom. */
  static double position(double v, double lower, double upper, boolean log) {
    if (!(upper > lower)) {
      return 0.5;
    }
    if (log && lower > 0 && v > 0) {
      return (Math.log(upper) - Math.log(v)) / (Math.log(upper) - Math.log(lower));
    }
    return (upper - v) / (upper - lower);
  }

  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    ColorBar bar = getSkinnable();
    double top = y;
    if (caption.isVisible()) {
      double ch = caption.prefHeight(-1);
      layoutInArea(caption, x, y, w, ch, 0, HPos.LEFT, VPos.TOP);
      top += ch + 2;
    }
    double labelH = labels.isEmpty() ? 0 : labels.get(0).prefHeight(-1);
    double y0 = top + labelH / 2;
    double y1 = Math.max(y0 + 10, y + h - labelH / 2);
    strip.resizeRelocate(x, y0, STRIP_WIDTH, y1 - y0);
    double lx = x + STRIP_WIDTH + TICK + GAP;
    double mv = bar.getMarkerValue();
    boolean marked =
        !Double.isNaN(mv) && mv >= Math.min(bar.getLower(), bar.getUpper()) && mv <= bar.getUpper();
    marker.setVisible(marked);
    markerLabel.setVisible(marked && !bar.getMarkerLabel().isEmpty());
    double markTop = Double.NaN;
    double markBottom = Double.NaN;
    if (marked) {
      double p = position(mv, bar.getLower(), bar.getUpper(), bar.isLogScale());
      double my = Math.round(y0 + p * (y1 - y0)) + 0.5;
      marker.setStartX(x - 2);
      marker.setEndX(x + STRIP_WIDTH + TICK);
      marker.setStartY(my);
      marker.setEndY(my);
      double mh = markerLabel.prefHeight(-1);
      markTop = my - mh / 2;
      markBottom = my + mh / 2;
      markerLabel.resizeRelocate(lx, markTop, markerLabel.prefWidth(-1), mh);
    }
    double lastBottom = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < labels.size(); i++) {
      double p = position(tickValues[i], bar.getLower(), bar.getUpper(), bar.isLogScale());
      double ty = Math.round(y0 + p * (y1 - y0)) + 0.5;
      Line m = marks.get(i);
      m.setStartX(x + STRIP_WIDTH);
      m.setEndX(x + STRIP_WIDTH + TICK);
      m.setStartY(ty);
      m.setEndY(ty);
      Label l = labels.get(i);
      double lw = l.prefWidth(-1);
      double ly = ty - labelH / 2;
      // Labels that would overlap the one above are hidden; the ends are always shown.
      boolean fits = ly >= lastBottom || i == labels.size() - 1;
      if (marked && ly < markBottom && ly + labelH > markTop) {
        fits = false;
      }
      l.setVisible(fits);
      m.setVisible(true);
      if (fits) {
        lastBottom = ly + labelH;
      }
      l.resizeRelocate(lx, ly, lw, labelH);
    }
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    double lw = 0;
    for (Label l : labels) {
      lw = Math.max(lw, l.prefWidth(-1));
    }
    if (!Double.isNaN(getSkinnable().getMarkerValue())) {
      lw = Math.max(lw, markerLabel.prefWidth(-1));
    }
    double cw = caption.isVisible() ? caption.prefWidth(-1) : 0;
    return left + Math.max(cw, STRIP_WIDTH + TICK + GAP + lw) + right;
  }

  @Override
  protected double computeMinWidth(
      double height, double top, double right, double bottom, double left) {
    return computePrefWidth(height, top, right, bottom, left);
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 160 + bottom;
  }

  @Override
  protected double computeMinHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 60 + bottom;
  }
}
