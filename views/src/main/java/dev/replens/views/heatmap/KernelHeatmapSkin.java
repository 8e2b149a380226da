package dev.replens.views.heatmap;

import dev.replens.engine.kernel.KernelSnapshot;
import javafx.geometry.Bounds;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SkinBase;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.input.ZoomEvent;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The skin of {@link KernelHeatmap}. The map is two stacked canvases in a scroll pane: the lower
 * one holds the rendered page (an image from {@link KernelHeatmapRenderer}, redrawn only when the
 * kernel, page, scale or size changes), the upper one only the hover and selection marks, so that
 * moving the mouse never re-renders the map.
 */
public class KernelHeatmapSkin extends SkinBase<KernelHeatmap> {

  /** Largest rendered page, in pixels; zooming further stops growing the taps. */
  private static final long MAX_PIXELS = 4_000_000;

  private static final double BIAS_GAP = 8;
  private static final Color LABEL_COLOR = Color.web("#555555");
  private static final Color HOVER_COLOR = Color.web("#202020");
  private static final String HINT = "Hover a tap to read it, click to select";

  private final Label title = new Label();
  private final Label shape = new Label();
  private final FlowPane header;
  private final Canvas base = new Canvas();
  private final Canvas overlay = new Canvas();
  private final Pane content = new Pane(base, overlay);
  private final ScrollPane scroll = new ScrollPane(content);
  private final ColorBar colorBar = new ColorBar(Colormap.DIVERGING, -1, 1);
  private final Label readout = new Label(" ");
  private final Label outLabel = new Label();
  private final Label inLabel = new Label();
  private final Button outPrev = smallButton("◀", "Previous out channels");
  private final Button outNext = smallButton("▶", "Next out channels");
  private final Button inPrev = smallButton("◀", "Previous in channels");
  private final Button inNext = smallButton("▶", "Next in channels");
  private final HBox paging;
  private final HBox footer;
  private final Label placeholder = new Label("No kernel");
  private final Font labelFont = Font.font(Font.getDefault().getFamily(), 10);

  private HeatmapGeometry geometry;
  private double left;
  private double top;
  private double biasLeft;
  private double biasWidth;
  private int[] pixels;
  private WritableImage image;
  private boolean dirty = true;

  public KernelHeatmapSkin(KernelHeatmap control) {
    super(control);
    title.getStyleClass().add("title");
    title.textProperty().bind(control.titleProperty());
    title.managedProperty().bind(title.visibleProperty());
    title.visibleProperty().bind(control.titleProperty().isNotEmpty());
    shape.getStyleClass().add("shape");
    // The shape has a line of its own under the title, so that a narrow card cuts neither.
    title.setMinWidth(0);
    title.setWrapText(true);
    shape.setMinWidth(0);
    Button zoomOut = smallButton("−", "Zoom out (Ctrl+wheel)");
    Button zoomIn = smallButton("+", "Zoom in (Ctrl+wheel)");
    Button fit = smallButton("Fit", "Fit the page into the view");
    zoomOut.setOnAction(e -> control.zoomOut());
    zoomIn.setOnAction(e -> control.zoomIn());
    fit.setOnAction(e -> control.fit());
    HBox zoomBox = new HBox(zoomOut, zoomIn, fit);
    zoomBox.getStyleClass().add("zoom");
    zoomBox.setMinWidth(Region.USE_PREF_SIZE);
    // The title has the card's whole width; the shape shares a row with the zoom buttons, which
    // move to a row of their own when the card is too narrow for both.
    header = new FlowPane(8, 2, shape, zoomBox);
    header.setAlignment(Pos.BASELINE_LEFT);
    header.getStyleClass().add("header");

    base.getStyleClass().add("map");
    overlay.getStyleClass().add("marks");
    overlay.setMouseTransparent(true);
    content.getStyleClass().add("map-content");
    scroll.getStyleClass().add("map-area");
    scroll.setFocusTraversable(false);

    readout.getStyleClass().add("readout");
    readout.setMinWidth(0);
    // Two lines, always: a hover text that wraps must not shrink the map under the pointer.
    readout.setWrapText(true);
    readout.setAlignment(Pos.TOP_LEFT);
    outLabel.getStyleClass().add("page-label");
    inLabel.getStyleClass().add("page-label");
    outPrev.setOnAction(e -> control.setOutPage(control.getOutPage() - 1));
    outNext.setOnAction(e -> control.setOutPage(control.getOutPage() + 1));
    inPrev.setOnAction(e -> control.setInPage(control.getInPage() - 1));
    inNext.setOnAction(e -> control.setInPage(control.getInPage() + 1));
    HBox outPaging = new HBox(outPrev, outLabel, outNext);
    HBox inPaging = new HBox(inPrev, inLabel, inNext);
    outPaging.getStyleClass().add("page-group");
    inPaging.getStyleClass().add("page-group");
    paging = new HBox(outPaging, inPaging);
    paging.getStyleClass().add("paging");
    paging.managedProperty().bind(paging.visibleProperty());
    Region footSpacer = new Region();
    HBox.setHgrow(footSpacer, Priority.ALWAYS);
    HBox.setHgrow(readout, Priority.SOMETIMES);
    footer = new HBox(readout, footSpacer, paging);
    footer.getStyleClass().add("footer");

    placeholder.getStyleClass().add("placeholder");
    placeholder.setMouseTransparent(true);
    colorBar.setCaption("w");

    getChildren().addAll(title, header, scroll, colorBar, footer, placeholder);

    content.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY()));
    content.addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> hover(e.getX(), e.getY()));
    content.addEventHandler(MouseEvent.MOUSE_EXITED, e -> control.setHoveredTap(null));
    content.addEventHandler(
        MouseEvent.MOUSE_CLICKED,
        e -> {
          if (e.getButton() == MouseButton.PRIMARY && e.isStillSincePress()) {
            KernelTap t = tapAt(e.getX(), e.getY());
            if (t != null && t.connected() && !t.isBias()) {
              control.setSelectedTap(t);
            }
          }
        });
    scroll.addEventFilter(
        ScrollEvent.SCROLL,
        e -> {
          if (e.isControlDown() || e.isShortcutDown()) {
            if (e.getDeltaY() > 0) {
              control.zoomIn();
            } else if (e.getDeltaY() < 0) {
              control.zoomOut();
            }
            e.consume();
          }
        });
    scroll.addEventHandler(
        ZoomEvent.ZOOM,
        e -> {
          control.setZoom(control.getZoom() * e.getZoomFactor());
          e.consume();
        });

    registerChangeListener(control.kernelProperty(), o -> invalidateMap());
    registerChangeListener(control.effectiveScaleProperty(), o -> invalidateMap());
    registerChangeListener(control.showBiasProperty(), o -> invalidateMap());
    colorBar.visibleProperty().bind(control.showColorBarProperty());
    registerChangeListener(control.showColorBarProperty(), o -> getSkinnable().requestLayout());
    registerChangeListener(control.zoomProperty(), o -> invalidateMap());
    registerChangeListener(control.channelWindowProperty(), o -> invalidateMap());
    registerChangeListener(control.hoveredTapProperty(), o -> marksChanged());
    registerChangeListener(control.selectedTapProperty(), o -> marksChanged());
    invalidateMap();
  }

  private static Button smallButton(String text, String tip) {
    Button b = new Button(text);
    b.getStyleClass().add("small-button");
    b.setTooltip(new Tooltip(tip));
    b.setFocusTraversable(false);
    b.setMinWidth(Region.USE_PREF_SIZE);
    return b;
  }

  private void invalidateMap() {
    dirty = true;
    KernelHeatmap c = getSkinnable();
    KernelSnapshot k = c.getKernel();
    double s = c.getEffectiveScale();
    colorBar.setRange(-s, s);
    placeholder.setVisible(k == null);
    scroll.setVisible(k != null);
    marksChanged();
    if (k == null) {
      shape.setText("");
    } else {
      shape.setText(
          k.out()
              + " out × "
              + k.in()
              + " in · "
              + k.kh()
              + "×"
              + k.kw()
              + (k.groups() > 1 ? " · g" + k.groups() : ""));
    }
    ChannelWindow w = c.getChannelWindow();
    paging.setVisible(k != null && (c.outPageCount() > 1 || c.inPageCount() > 1));
    outLabel.setText(w.isEmpty() ? "" : "out " + w.outFrom() + "–" + (w.outTo() - 1));
    inLabel.setText(w.isEmpty() ? "" : "in " + w.inFrom() + "–" + (w.inTo() - 1));
    outPrev.setDisable(c.getOutPage() <= 0);
    outNext.setDisable(c.getOutPage() >= c.outPageCount() - 1);
    inPrev.setDisable(c.getInPage() <= 0);
    inNext.setDisable(c.getInPage() >= c.inPageCount() - 1);
    c.requestLayout();
  }

  private void marksChanged() {
    KernelTap h = getSkinnable().getHoveredTap();
    KernelTap s = getSkinnable().getSelectedTap();
    readout.getStyleClass().remove("hint");
    if (h != null) {
      readout.setText(h.describe());
    } else if (s != null) {
      readout.setText("selected " + s.describe());
    } else {
      readout.setText(getSkinnable().getKernel() == null ? " " : HINT);
      readout.getStyleClass().add("hint");
    }
    drawMarks();
  }

  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    double titleH = title.isVisible() ? title.prefHeight(w) : 0;
    title.resizeRelocate(x, y, w, titleH);
    double rowH = header.prefHeight(w);
    header.resizeRelocate(x, y + titleH, w, rowH);
    double headerH = titleH + rowH;
    double footerH = Math.max(footer.prefHeight(w), twoReadoutLines());
    boolean bar = getSkinnable().isShowColorBar();
    double barW = bar ? colorBar.prefWidth(-1) : 0;
    double gap = bar ? 8 : 0;
    double centerH = Math.max(0, h - headerH - footerH);
    double mapW = Math.max(0, w - barW - gap);
    layoutInArea(placeholder, x, y + headerH, mapW, centerH, 0, HPos.CENTER, VPos.CENTER);
    Insets in = scroll.getInsets();
    double insetW = in.getLeft() + in.getRight();
    double insetH = in.getTop() + in.getBottom();
    updateMap(mapW - insetW - 1, centerH - insetH - 1);
    // The map keeps its size when smaller than the area; the color bar follows it.
    double usedW = geometry == null ? mapW : Math.min(mapW, base.getWidth() + insetW + 1);
    double usedH = geometry == null ? centerH : Math.min(centerH, base.getHeight() + insetH + 1);
    scroll.resizeRelocate(x, y + headerH, usedW, centerH);
    double barH = bar ? Math.max(Math.min(centerH, 120), usedH) : usedH;
    colorBar.resizeRelocate(x + usedW + gap, y + headerH, barW, barH);
    // The footer follows the map, so the readout sits right under it.
    double footerY = y + headerH + (geometry == null ? centerH : Math.max(usedH, barH));
    footer.resizeRelocate(x, footerY, w, footerH);
  }

  /** The footer's height with a readout of two lines. */
  private double twoReadoutLines() {
    Text t = new Text("Ag\nAg");
    t.setFont(readout.getFont());
    return Math.ceil(t.getLayoutBounds().getHeight())
        + readout.snappedTopInset()
        + readout.snappedBottomInset()
        + footer.snappedTopInset()
        + footer.snappedBottomInset()
        + 1;
  }

  private void updateMap(double availW, double availH) {
    KernelHeatmap c = getSkinnable();
    KernelSnapshot k = c.getKernel();
    ChannelWindow win = c.getChannelWindow();
    if (k == null || win.isEmpty()) {
      geometry = null;
      resizeCanvases(0, 0);
      return;
    }
    int rows = win.outCount();
    int cols = win.inCount();
    double labelW = textWidth(String.valueOf(win.outTo() - 1)) + 6;
    double labelH = Math.ceil(textHeight()) + 3;
    boolean bias = c.isShowBias();
    int fit =
        HeatmapGeometry.fitTap(
            rows,
            cols,
            k.kh(),
            k.kw(),
            availW - labelW - (bias ? BIAS_GAP + 12 : 0) - 2,
            availH - labelH - 2);
    int tap = (int) Math.max(1, Math.round(fit * c.getZoom()));
    HeatmapGeometry g = HeatmapGeometry.of(rows, cols, k.kh(), k.kw(), tap);
    while (tap > 1 && (long) g.width() * g.height() > MAX_PIXELS) {
      tap--;
      g = HeatmapGeometry.of(rows, cols, k.kh(), k.kw(), tap);
    }
    if (!dirty && g.equals(geometry)) {
      return;
    }
    geometry = g;
    left = Math.ceil(labelW);
    top = Math.ceil(labelH);
    biasWidth = bias ? Math.max(6, Math.min(14, g.kernelWidth())) : 0;
    biasLeft = left + g.width() + BIAS_GAP;
    double width = bias ? biasLeft + biasWidth + g.thick() : left + g.width();
    resizeCanvases(width + 1, top + g.height() + 1);

    pixels = KernelHeatmapRenderer.render(k, win, g, c.getEffectiveScale(), pixels);
    if (image == null
        || (int) image.getWidth() != g.width()
        || (int) image.getHeight() != g.height()) {
      image = new WritableImage(g.width(), g.height());
    }
    KernelHeatmapRenderer.write(image, pixels, g.width(), g.height());
    dirty = false;
    drawBase(k, win, g);
    drawMarks();
  }

  private void resizeCanvases(double w, double h) {
    base.setWidth(w);
    base.setHeight(h);
    overlay.setWidth(w);
    overlay.setHeight(h);
    content.setPrefSize(w, h);
    content.setMinSize(w, h);
    if (w == 0) {
      base.getGraphicsContext2D().clearRect(0, 0, base.getWidth(), base.getHeight());
    }
  }

  private void drawBase(KernelSnapshot k, ChannelWindow win, HeatmapGeometry g) {
    GraphicsContext gc = base.getGraphicsContext2D();
    gc.clearRect(0, 0, base.getWidth(), base.getHeight());
    gc.setImageSmoothing(false);
    gc.drawImage(image, left, top);

    gc.setFont(labelFont);
    gc.setFill(LABEL_COLOR);
    double labelW = textWidth(String.valueOf(win.inTo() - 1)) + 4;
    int colStep = step(g.kernelWidth() + g.thick(), labelW);
    gc.setTextAlign(TextAlignment.CENTER);
    gc.setTextBaseline(VPos.BOTTOM);
    for (int c = 0; c < win.inCount(); c += colStep) {
      double cx = left + g.kernelLeft(c) + g.kernelWidth() / 2.0;
      gc.fillText(String.valueOf(win.inFrom() + c), cx, top - 1);
    }
    int rowStep = step(g.kernelHeight() + g.thick(), textHeight());
    gc.setTextAlign(TextAlignment.RIGHT);
    gc.setTextBaseline(VPos.CENTER);
    for (int r = 0; r < win.outCount(); r += rowStep) {
      double cy = top + g.kernelTop(r) + g.kernelHeight() / 2.0;
      gc.fillText(String.valueOf(win.outFrom() + r), left - 4, cy);
    }

    if (getSkinnable().isShowBias()) {
      double[] bias = k.bias();
      double s = getSkinnable().getEffectiveScale();
      gc.setTextAlign(TextAlignment.CENTER);
      gc.setTextBaseline(VPos.BOTTOM);
      gc.fillText("b", biasLeft + biasWidth / 2, top - 1);
      gc.setFill(Color.rgb(0x8c, 0x8c, 0x8c));
      gc.fillRect(biasLeft - g.thick(), top, biasWidth + 2 * g.thick(), g.height());
      for (int r = 0; r < win.outCount(); r++) {
        double v = bias[win.outFrom() + r];
        gc.setFill(Colormap.DIVERGING.color(s > 0 ? v / s : 0));
        gc.fillRect(biasLeft, top + g.kernelTop(r), biasWidth, g.kernelHeight());
      }
    }
  }

  private static int step(double stride, double needed) {
    int s = 1;
    while (s * stride < needed && s < 1024) {
      s *= 2;
    }
    return s;
  }

  private void drawMarks() {
    GraphicsContext gc = overlay.getGraphicsContext2D();
    gc.clearRect(0, 0, overlay.getWidth(), overlay.getHeight());
    if (geometry == null) {
      return;
    }
    KernelTap sel = getSkinnable().getSelectedTap();
    double[] r = sel == null ? null : tapRect(sel);
    if (r != null) {
      gc.setLineWidth(2);
      gc.setStroke(Color.BLACK);
      gc.strokeRect(r[0] - 1, r[1] - 1, r[2] + 2, r[3] + 2);
      gc.setLineWidth(1);
      gc.setStroke(Color.WHITE);
      gc.strokeRect(r[0] + 0.5, r[1] + 0.5, r[2] - 1, r[3] - 1);
    }
    KernelTap hov = getSkinnable().getHoveredTap();
    double[] h = hov == null ? null : tapRect(hov);
    if (h != null) {
      gc.setLineWidth(1);
      gc.setStroke(HOVER_COLOR);
      gc.strokeRect(h[0] - 0.5, h[1] - 0.5, h[2] + 1, h[3] + 1);
    }
  }

  /** A tap's rectangle {x, y, w, h} on the canvas, or null if it isn't on the page. */
  private double[] tapRect(KernelTap t) {
    ChannelWindow win = getSkinnable().getChannelWindow();
    HeatmapGeometry g = geometry;
    if (g == null) {
      return null;
    }
    if (t.isBias()) {
      if (!getSkinnable().isShowBias() || t.out() < win.outFrom() || t.out() >= win.outTo()) {
        return null;
      }
      int r = t.out() - win.outFrom();
      return new double[] {biasLeft, top + g.kernelTop(r), biasWidth, g.kernelHeight()};
    }
    if (!win.contains(t.out(), t.in())) {
      return null;
    }
    int r = t.out() - win.outFrom();
    int c = t.in() - win.inFrom();
    return new double[] {left + g.tapLeft(c, t.x()), top + g.tapTop(r, t.y()), g.tap(), g.tap()};
  }

  private void hover(double px, double py) {
    KernelTap t = tapAt(px, py);
    KernelHeatmap c = getSkinnable();
    if (t == null ? c.getHoveredTap() != null : !t.equals(c.getHoveredTap())) {
      c.setHoveredTap(t);
    }
  }

  private KernelTap tapAt(double px, double py) {
    KernelSnapshot k = getSkinnable().getKernel();
    HeatmapGeometry g = geometry;
    if (k == null || g == null) {
      return null;
    }
    ChannelWindow win = getSkinnable().getChannelWindow();
    if (getSkinnable().isShowBias() && px >= biasLeft && px < biasLeft + biasWidth) {
      int[] hit = g.hit(left + g.thick(), py - top);
      return hit == null ? null : KernelTap.bias(k, win.outFrom() + hit[0]);
    }
    int[] hit = g.hit(px - left, py - top);
    if (hit == null) {
      return null;
    }
    return KernelTap.at(k, win.outFrom() + hit[0], win.inFrom() + hit[1], hit[2], hit[3]);
  }

  /**
   * The centre of tap {@code [o, in, y, x]} ({@code in} absolute) in the control's coordinates, or
   * null if it isn't on the current page. Valid after layout.
   */
  public Point2D tapCenter(int o, int in, int y, int x) {
    double[] r = tapRect(new KernelTap(o, in, 0, y, x, 0));
    if (r == null) {
      return null;
    }
    Point2D p = content.localToScene(r[0] + r[2] / 2, r[1] + r[3] / 2);
    return getSkinnable().sceneToLocal(p);
  }

  /** The rendered page's bounds (taps and grid lines) in the control's coordinates, or null. */
  public Bounds mapBounds() {
    if (geometry == null) {
      return null;
    }
    return getSkinnable()
        .sceneToLocal(
            content.localToScene(
                new javafx.geometry.BoundingBox(left, top, geometry.width(), geometry.height())));
  }

  /** The current pixel layout of the page, or null without a kernel. */
  public HeatmapGeometry geometry() {
    return geometry;
  }

  private double textWidth(String s) {
    Text t = new Text(s);
    t.setFont(labelFont);
    return t.getLayoutBounds().getWidth();
  }

  private double textHeight() {
    Text t = new Text("0");
    t.setFont(labelFont);
    return t.getLayoutBounds().getHeight();
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 420 + right;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 380 + bottom;
  }

  @Override
  protected double computeMinWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 120 + right;
  }

  @Override
  protected double computeMinHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 120 + bottom;
  }
}
