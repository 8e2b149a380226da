package dev.replens.views.heatmap;

import dev.replens.engine.eval.Comparison;
import dev.replens.views.NumberText;
import javafx.geometry.HPos;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;

/**
 * The skin of {@link ErrorMapView}: the map on a canvas, square cells fitted to the space, a
 * sequential color bar beside it and a readout below.
 */
public class ErrorMapViewSkin extends SkinBase<ErrorMapView> {

  private static final String HINT = "Hover the map to read an error";

  private final Label title = new Label();
  private final Label summary = new Label();
  private final HBox header = new HBox(title, summary);
  private final Canvas canvas = new Canvas();
  private final Canvas marks = new Canvas();
  private final Pane mapArea = new Pane(canvas, marks);
  private final ColorBar colorBar = new ColorBar(Colormap.SEQUENTIAL, 0, 1);
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
    readout.getStyleClass().add("readout");
    footer.getStyleClass().add("footer");
    placeholder.getStyleClass().add("placeholder");
    placeholder.setMouseTransparent(true);
    colorBar.setCaption("|Δ|");
    getChildren().addAll(header, mapArea, colorBar, footer, placeholder);

    mapArea.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY()));
    mapArea.addEventHandler(MouseEvent.MOUSE_EXITED, e -> view.setHoveredCell(null));

    registerChangeListener(view.comparisonProperty(), o -> invalidate());
    registerChangeListener(view.logScaleProperty(), o -> invalidate());
    registerChangeListener(view.logDecadesProperty(), o -> invalidate());
    registerChangeListener(view.fixedMaxProperty(), o -> invalidate());
    registerChangeListener(view.hoveredCellProperty(), o -> hoverChanged());
    invalidate();
    hoverChanged();
  }

  private void invalidate() {
    dirty = true;
    ErrorMapView v = getSkinnable();
    Comparison c = v.getComparison();
    placeholder.setVisible(c == null);
    mapArea.setVisible(c != null);
    colorBar.setVisible(c != null);
    colorBar.setLogScale(v.isLogScale());
    colorBar.setRange(v.effectiveFloor(), v.effectiveMax());
    values = c == null ? new double[0] : c.errorMap();
    hoverChanged();
    if (c == null) {
      summary.setText("");
    } else {
      int worst = argMax(values);
      int w = Math.max(1, c.width());
      summary.setText(
          "max |Δ| "
              + NumberText.scientific(c.maxAbs())
              + " at (y "
              + worst / w
              + ", x "
              + worst % w
              + ")");
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
      readout.setText(h.describe());
    } else {
      readout.setText(getSkinnable().getComparison() == null ? " " : HINT);
      readout.getStyleClass().add("hint");
    }
    drawMarks();
  }

  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    double headerH = header.prefHeight(w);
    double footerH = footer.prefHeight(w);
    double barW = colorBar.prefWidth(-1);
    double gap = 8;
    double centerH = Math.max(0, h - headerH - footerH);
    double mapW = Math.max(0, w - barW - gap);
    header.resizeRelocate(x, y, w, headerH);
    layoutInArea(placeholder, x, y + headerH, w, centerH, 0, HPos.CENTER, VPos.CENTER);
    Comparison c = getSkinnable().getComparison();
    if (c == null || c.height() == 0 || c.width() == 0) {
      footer.resizeRelocate(x, y + headerH + centerH, w, footerH);
      return;
    }
    double fit = Math.min(mapW / c.width(), centerH / c.height());
    if (dirty || mapW != lastW || centerH != lastH) {
      render(c, fit);
      lastW = mapW;
      lastH = centerH;
    }
    mapArea.resizeRelocate(x, y + headerH, canvas.getWidth(), canvas.getHeight());
    double barH = Math.max(Math.min(centerH, 120), canvas.getHeight());
    colorBar.resizeRelocate(x + canvas.getWidth() + gap, y + headerH, barW, barH);
    footer.resizeRelocate(x, y + headerH + Math.max(canvas.getHeight(), barH), w, footerH);
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
            v.effectiveMax(),
            v.isLogScale(),
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

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 360 + right;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 320 + bottom;
  }

  @Override
  protected double computeMinWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 120 + right;
  }

  @Override
  protected double computeMinHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 100 + bottom;
  }
}
