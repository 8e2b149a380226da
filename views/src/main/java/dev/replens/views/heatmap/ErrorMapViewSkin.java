package dev.replens.views.heatmap;

import dev.replens.engine.eval.Comparison;
import dev.replens.engine.eval.Verdict;
import dev.replens.views.NumberText;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.HPos;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * The skin of {@link ErrorMapView}: the map on a canvas, square cells fitted to the space, with
 * position ticks along x (below) and y (left), a color bar beside it (marking the round-off bound
 * when there is one), a legend of what the colors mean and a readout below.
 */
public class ErrorMapViewSkin extends SkinBase<ErrorMapView> {

  private static final String HINT = "Hover the map to read an error";

  /** The least distance between two tick labels on an axis, in pixels. */
  private static final double TICK_SPACING = 26;

  private static final double GAP = 8;

  private final Label title = new Label();
  private final Label summary = new Label();
  // Title over summary: side by side they don't fit a pane of ordinary width.
  private final VBox header = new VBox(title, summary);
  private final Canvas canvas = new Canvas();
  private final Canvas marks = new Canvas();
  private final Pane mapArea = new Pane(canvas, marks);
  private final ColorBar colorBar = new ColorBar(Colormap.SEQUENTIAL, 0, 1);
  private final Label xTitle = new Label("x (column)");
  private final Label yTitle = new Label("y (row)");
  private final List<Label> xTicks = new ArrayList<>();
  private final List<Label> yTicks = new ArrayList<>();
  private final Region withinSwatch = new Region();
  private final Region mismatchSwatch = new Region();
  private final Label withinLabel = new Label();
  private final Label mismatchLabel = new Label();
  private final HBox legend = new HBox(withinSwatch, withinLabel, mismatchSwatch, mismatchLabel);
  private final Label readout = new Label(" ");
  private final HBox footer = new HBox(readout);
  private final Label placeholder = new Label("No comparison");

  private double cell;
  private double[] values = new double[0];
  private int[] pixels;
  private WritableImage image;
  private boolean dirty = true;
  private double lastW = -1;
  private double lastH = -1;
  private int tickStep = 1;

  public ErrorMapViewSkin(ErrorMapView view) {
    super(view);
    title.getStyleClass().add("title");
    title.textProperty().bind(view.titleProperty());
    title.managedProperty().bind(title.visibleProperty());
    title.visibleProperty().bind(view.titleProperty().isNotEmpty());
    summary.getStyleClass().add("summary");
    header.getStyleClass().add("header");
    mapArea.getStyleClass().add("map-area");
    canvas.getStyleClass().add("map");
    marks.setMouseTransparent(true);
    xTitle.getStyleClass().add("axis-title");
    yTitle.getStyleClass().add("axis-title");
    yTitle.setRotate(-90);
    withinSwatch.getStyleClass().addAll("swatch", "within");
    mismatchSwatch.getStyleClass().addAll("swatch", "mismatch");
    withinLabel.getStyleClass().add("legend-label");
    mismatchLabel.getStyleClass().add("legend-label");
    withinSwatch.setBackground(fill(Colormap.ROUND_OFF.color(Colormap.ROUND_OFF_BOUND_T - 0.01)));
    mismatchSwatch.setBackground(fill(Colormap.ROUND_OFF.color(6 / 7.0)));
    legend.getStyleClass().add("legend");
    readout.getStyleClass().add("readout");
    footer.getStyleClass().add("footer");
    placeholder.getStyleClass().add("placeholder");
    placeholder.setMouseTransparent(true);
    colorBar.setCaption("|Δ|");
    getChildren().addAll(header, mapArea, xTitle, yTitle, colorBar, legend, footer, placeholder);

    mapArea.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY()));
    mapArea.addEventHandler(MouseEvent.MOUSE_EXITED, e -> view.setHoveredCell(null));

    registerChangeListener(view.comparisonProperty(), o -> invalidate());
    registerChangeListener(view.logScaleProperty(), o -> invalidate());
    registerChangeListener(view.logDecadesProperty(), o -> invalidate());
    registerChangeListener(view.fixedMaxProperty(), o -> invalidate());
    registerChangeListener(view.boundProperty(), o -> invalidate());
    registerChangeListener(view.hoveredCellProperty(), o -> hoverChanged());
    invalidate();
    hoverChanged();
  }

  private static Background fill(Color c) {
    return new Background(new BackgroundFill(c, null, null));
  }

  private void invalidate() {
    dirty = true;
    ErrorMapView v = getSkinnable();
    Comparison c = v.getComparison();
    boolean bounded = v.hasBound();
    placeholder.setVisible(c == null);
    mapArea.setVisible(c != null);
    colorBar.setVisible(c != null);
    xTitle.setVisible(c != null);
    yTitle.setVisible(c != null);
    legend.setVisible(c != null && bounded);
    colorBar.setColormap(v.colormap());
    colorBar.setLogScale(v.effectiveLogScale());
    colorBar.setRange(v.effectiveFloor(), v.effectiveMax());
    colorBar.setMarkerValue(bounded ? v.getBound() : Double.NaN);
    colorBar.setMarkerLabel(bounded ? "bound " + NumberText.scientific(v.getBound()) : "");
    withinLabel.setText("|Δ| ≤ bound: within round-off");
    mismatchLabel.setText("above it: real mismatch");
    values = c == null ? new double[0] : c.errorMap();
    hoverChanged();
    if (c == null) {
      summary.setText("");
    } else {
      int worst = argMax(values);
      int w = Math.max(1, c.width());
      String verdict = "";
      if (bounded) {
        Verdict vd = new Verdict(c.maxAbs(), v.getBound(), "", null);
        verdict =
            vd.withinRoundOff()
                ? " · within round-off"
                : " · " + Verdict.times(vd.ratio()).replace('-', '−') + " the bound";
      }
      summary.setText(
          "max |Δ| "
              + NumberText.scientific(c.maxAbs())
              + " at (y "
              + worst / w
              + ", x "
              + worst % w
              + ")"
              + verdict);
    }
    v.requestLayout();
  }

  private static int argMax(double[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[best] || Double.isNaN(a[i])) {
        best = i;
      }
    }
    return best;
  }

  private void hoverChanged() {
    ErrorCell h = getSkinnable().getHoveredCell();
    readout.getStyleClass().remove("hint");
    if (h != null) {
      String ratio = "";
      if (getSkinnable().hasBound()) {
        ratio =
            "  ("
                + Verdict.times(h.value() / getSkinnable().getBound()).replace('-', '−')
                + " the bound)";
      }
      readout.setText(h.describe() + ratio);
    } else {
      readout.setText(getSkinnable().getComparison() == null ? " " : HINT);
      readout.getStyleClass().add("hint");
    }
    drawMarks();
  }

  /** Tick labels every {@code step} positions, {@code 0 … n−1}, reusing label nodes. */
  private void ticks(List<Label> labels, int n, int step) {
    int count = n == 0 ? 0 : (n - 1) / step + 1;
    while (labels.size() > count) {
      getChildren().remove(labels.remove(labels.size() - 1));
    }
    while (labels.size() < count) {
      Label l = new Label();
      l.getStyleClass().add("axis-label");
      labels.add(l);
      getChildren().add(l);
    }
    for (int i = 0; i < count; i++) {
      Label l = labels.get(i);
      String text = String.valueOf(i * step);
      if (!text.equals(l.getText()) || l.getSkin() == null) {
        l.setText(text);
        // Added during layout: style it now so that it has a size in this pass.
        l.applyCss();
      }
    }
  }

  /**
   * The smallest of 1, 2, 5, 10, 20, 50, … positions that keeps labels {@link #TICK_SPACING} apart.
   */
  static int tickStep(double cellSize) {
    if (cellSize <= 0) {
      return 1;
    }
    for (int base = 1; ; base *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        if (m * base * cellSize >= TICK_SPACING) {
          return m * base;
        }
      }
    }
  }

  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    double headerH = header.prefHeight(w);
    double footerH = footer.prefHeight(w);
    Comparison c = getSkinnable().getComparison();
    boolean showLegend = legend.isVisible();
    double legendH = showLegend ? legend.prefHeight(w) : 0;
    header.resizeRelocate(x, y, w, headerH);
    if (c == null || c.height() == 0 || c.width() == 0) {
      layoutInArea(
          placeholder, x, y + headerH, w, h - headerH - footerH, 0, HPos.CENTER, VPos.CENTER);
      footer.resizeRelocate(x, y + h - footerH, w, footerH);
      for (Label l : xTicks) {
        l.setVisible(false);
      }
      for (Label l : yTicks) {
        l.setVisible(false);
      }
      return;
    }
    double barW = colorBar.prefWidth(-1);
    // Ticks at the last step first, to measure them; re-spaced below once the cell size is known.
    ticks(xTicks, c.width(), tickStep);
    ticks(yTicks, c.height(), tickStep);
    double tickH = yTicks.isEmpty() ? 0 : yTicks.get(0).prefHeight(-1);
    double yTickW = 4;
    for (Label l : yTicks) {
      yTickW = Math.max(yTickW, l.prefWidth(-1) + 4);
    }
    double yTitleW = yTitle.prefHeight(-1);
    double xAxisH = tickH + xTitle.prefHeight(-1) + 2;
    double left = yTitleW + 2 + yTickW;
    double mapW = Math.max(0, w - left - barW - GAP);
    double centerH = Math.max(0, h - headerH - xAxisH - legendH - footerH);
    double fit = Math.min(mapW / c.width(), centerH / c.height());
    if (dirty || mapW != lastW || centerH != lastH) {
      render(c, fit);
      lastW = mapW;
      lastH = centerH;
    }
    double mx = x + left;
    double my = y + headerH;
    double cw = canvas.getWidth() - 1;
    double ch = canvas.getHeight() - 1;
    mapArea.resizeRelocate(mx, my, canvas.getWidth(), canvas.getHeight());

    tickStep = tickStep(cell);
    ticks(xTicks, c.width(), tickStep);
    ticks(yTicks, c.height(), tickStep);
    for (int i = 0; i < xTicks.size(); i++) {
      Label l = xTicks.get(i);
      double lw = l.prefWidth(-1);
      l.setVisible(true);
      l.resizeRelocate(mx + (i * tickStep + 0.5) * cell - lw / 2, my + ch + 2, lw, tickH);
    }
    for (int i = 0; i < yTicks.size(); i++) {
      Label l = yTicks.get(i);
      double lw = l.prefWidth(-1);
      l.setVisible(true);
      l.resizeRelocate(mx - 4 - lw, my + (i * tickStep + 0.5) * cell - tickH / 2, lw, tickH);
    }
    double xtw = xTitle.prefWidth(-1);
    double xth = xTitle.prefHeight(-1);
    xTitle.resizeRelocate(mx + cw / 2 - xtw / 2, my + ch + 2 + tickH, xtw, xth);
    // Rotated by −90° about its centre: its width runs along the y axis.
    double ytw = yTitle.prefWidth(-1);
    yTitle.resizeRelocate(x + yTitleW / 2 - ytw / 2, my + ch / 2 - yTitleW / 2, ytw, yTitleW);

    double barH = Math.max(Math.min(centerH, 160), ch + 1);
    colorBar.resizeRelocate(mx + canvas.getWidth() + GAP, my, barW, barH);
    double below = my + Math.max(ch + xAxisH, barH);
    if (showLegend) {
      legend.resizeRelocate(x, below, w, legendH);
      below += legendH;
    }
    footer.resizeRelocate(x, below, w, footerH);
  }

  private void render(Comparison c, double fit) {
    ErrorMapView v = getSkinnable();
    // Whole pixels per cell when they fit; below one pixel the map is drawn scaled down.
    int px = Math.max(1, (int) Math.floor(fit));
    pixels =
        ErrorMapRenderer.render(
            values,
            c.height(),
            c.width(),
            px,
            v.colormap(),
            v.effectiveMax(),
            v.effectiveLogScale(),
            v.effectiveFloor(),
            pixels);
    int iw = c.width() * px;
    int ih = c.height() * px;
    if (image == null || (int) image.getWidth() != iw || (int) image.getHeight() != ih) {
      image = new WritableImage(iw, ih);
    }
    KernelHeatmapRenderer.write(image, pixels, iw, ih);
    cell = fit >= 1 ? px : Math.max(fit, 0.01);
    double w = Math.max(1, Math.floor(cell * c.width()));
    double h = Math.max(1, Math.floor(cell * c.height()));
    for (Canvas cv : new Canvas[] {canvas, marks}) {
      cv.setWidth(w + 1);
      cv.setHeight(h + 1);
    }
    GraphicsContext gc = canvas.getGraphicsContext2D();
    gc.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
    gc.setImageSmoothing(fit < 1);
    gc.drawImage(image, 0, 0, w, h);
    gc.setStroke(Color.web("#8c8c8c"));
    gc.setLineWidth(1);
    gc.strokeRect(0.5, 0.5, w, h);
    dirty = false;
    drawMarks();
  }

  private void drawMarks() {
    GraphicsContext gc = marks.getGraphicsContext2D();
    gc.clearRect(0, 0, marks.getWidth(), marks.getHeight());
    ErrorCell h = getSkinnable().getHoveredCell();
    if (h == null || cell <= 0) {
      return;
    }
    gc.setStroke(Color.web("#202020"));
    gc.setLineWidth(1);
    gc.strokeRect(h.x() * cell - 0.5, h.y() * cell - 0.5, cell + 1, cell + 1);
  }

  private void hover(double px, double py) {
    Comparison c = getSkinnable().getComparison();
    if (c == null || cell <= 0) {
      return;
    }
    int x = (int) Math.floor(px / cell);
    int y = (int) Math.floor(py / cell);
    ErrorCell next =
        x < 0 || y < 0 || x >= c.width() || y >= c.height()
            ? null
            : new ErrorCell(y, x, values[y * c.width() + x]);
    if (next == null
        ? getSkinnable().getHoveredCell() != null
        : !next.equals(getSkinnable().getHoveredCell())) {
      getSkinnable().setHoveredCell(next);
    }
  }

  /** The centre of position {@code (y, x)} in the view's coordinates; valid after layout. */
  public Point2D cellCenter(int y, int x) {
    Point2D p = mapArea.localToScene((x + 0.5) * cell, (y + 0.5) * cell);
    return getSkinnable().sceneToLocal(p);
  }

  /** The x (column) tick labels, left to right; for tests. */
  public List<Label> xTickLabels() {
    return List.copyOf(xTicks);
  }

  /** The y (row) tick labels, top to bottom; for tests. */
  public List<Label> yTickLabels() {
    return List.copyOf(yTicks);
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 400 + right;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 360 + bottom;
  }

  @Override
  protected double computeMinWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 160 + right;
  }

  @Override
  protected double computeMinHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 140 + bottom;
  }
}
