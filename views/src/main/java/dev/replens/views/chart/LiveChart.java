package dev.replens.views.chart;

import dev.replens.views.ViewsStylesheet;
import dev.replens.views.export.AtomicFiles;
import dev.replens.views.export.CsvTable;
import java.awt.BasicStroke;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A live XY line chart (JFreeChart-FX) for curves that grow while something runs: named series,
 * auto-ranged axes, a legend, a title and axis labels, export as PNG and CSV.
 *
 * <p>Points arrive in batches: {@code chart.batch().add("train", step, loss).add("val", step,
 * v).commit()} appends everything and redraws once, instead of once per point. Call from the JavaFX
 * thread (redraws happen synchronously); a worker thread hands its points over with {@code
 * Platform.runLater}, throttled to what the eye can follow.
 *
 * <p>Style class {@code live-chart}. The plot itself is drawn by JFreeChart, styled here in code
 * (white plot, light grid, series colors in a fixed order).
 */
public class LiveChart extends Control {

  public static final String DEFAULT_STYLE_CLASS = "live-chart";

  /** Series colors in order of creation (Tableau 10). */
  private static final int[] PALETTE = {
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f,
    0xbab0ac
  };

  private final XYSeriesCollection dataset = new XYSeriesCollection();
  private final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
  private final XYPlot plot;
  private final JFreeChart chart;

  private final StringProperty title = new SimpleStringProperty(this, "title", "");
  private final StringProperty xLabel = new SimpleStringProperty(this, "xLabel", "");
  private final StringProperty yLabel = new SimpleStringProperty(this, "yLabel", "");
  private final BooleanProperty logY = new SimpleBooleanProperty(this, "logY", false);
  private TextTitle note;
  private final IntegerProperty maxPoints = new SimpleIntegerProperty(this, "maxPoints", 0);

  public LiveChart() {
    this("", "", "");
  }

  /** A chart with a title and axis labels. */
  public LiveChart(String title, String xLabel, String yLabel) {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    NumberAxis x = new NumberAxis(xLabel);
    x.setAutoRangeIncludesZero(false);
    plot = new XYPlot(dataset, x, rangeAxis(false, yLabel), renderer);
    chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    style();
    this.title.set(title);
    this.xLabel.set(xLabel);
    this.yLabel.set(yLabel);
    this.title.addListener((o, a, b) -> chart.setTitle(b.isEmpty() ? null : b));
    this.xLabel.addListener((o, a, b) -> plot.getDomainAxis().setLabel(b));
    this.yLabel.addListener((o, a, b) -> plot.getRangeAxis().setLabel(b));
    this.logY.addListener((o, a, b) -> plot.setRangeAxis(rangeAxis(b, getYLabel())));
    this.maxPoints.addListener(
        (o, a, b) -> {
          for (XYSeries s : series()) {
            s.setMaximumItemCount(b.intValue() > 0 ? b.intValue() : Integer.MAX_VALUE);
          }
        });
    if (title.isEmpty()) {
      chart.setTitle((String) null);
    }
  }

  private void style() {
    java.awt.Color grid = new java.awt.Color(0xe0e0e0);
    chart.setBackgroundPaint(java.awt.Color.WHITE);
    plot.setBackgroundPaint(java.awt.Color.WHITE);
    plot.setOutlinePaint(new java.awt.Color(0xb0b0b0));
    plot.setDomainGridlinePaint(grid);
    plot.setRangeGridlinePaint(grid);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    styleAxis(plot.getDomainAxis());
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    legend.setBackgroundPaint(java.awt.Color.WHITE);
    // Room after each item's text, so that the next item's line doesn't read as part of it.
    legend.setItemLabelPadding(new org.jfree.chart.ui.RectangleInsets(2, 4, 2, 14));
    renderer.setDrawSeriesLineAsPath(true);
  }

  private static void styleAxis(ValueAxis a) {
    a.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    a.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    a.setAxisLinePaint(new java.awt.Color(0x8c8c8c));
    a.setTickMarkPaint(new java.awt.Color(0x8c8c8c));
  }

  private static ValueAxis rangeAxis(boolean log, String label) {
    ValueAxis a;
    if (log) {
      a = new DataLogAxis(label);
    } else {
      NumberAxis n = new NumberAxis(label);
      n.setAutoRangeIncludesZero(false);
      a = n;
    }
    a.setAutoRange(true);
    styleAxis(a);
    return a;
  }

  /** Adds a series if none of that name exists yet; series keep their order and color. */
  public void addSeries(String name) {
    seriesOrCreate(name);
  }

  private XYSeries seriesOrCreate(String name) {
    int i = dataset.getSeriesIndex(name);
    if (i >= 0) {
      return dataset.getSeries(i);
    }
    XYSeries s = new XYSeries(name, false, true);
    if (getMaxPoints() > 0) {
      s.setMaximumItemCount(getMaxPoints());
    }
    int n = dataset.getSeriesCount();
    renderer.setSeriesPaint(n, new java.awt.Color(PALETTE[n % PALETTE.length]));
    renderer.setSeriesStroke(n, new BasicStroke(1.6f));
    dataset.addSeries(s);
    return s;
  }

  private List<XYSeries> series() {
    List<XYSeries> out = new ArrayList<>();
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      out.add(dataset.getSeries(i));
    }
    return out;
  }

  /** The series names in order. */
  public List<String> seriesNames() {
    List<String> out = new ArrayList<>();
    for (XYSeries s : series()) {
      out.add(String.valueOf(s.getKey()));
    }
    return out;
  }

  /** Points in a series (0 if there is no such series). */
  public int pointCount(String name) {
    int i = dataset.getSeriesIndex(name);
    return i < 0 ? 0 : dataset.getSeries(i).getItemCount();
  }

  /** Starts a batch of points that is drawn once, on {@link Batch#commit()}. */
  public Batch batch() {
    return new Batch();
  }

  /** Appends one point and redraws: for occasional points; use {@link #batch()} for streams. */
  public void append(String series, double x, double y) {
    batch().add(series, x, y).commit();
  }

  /** Appends many points to one series and redraws once. */
  public void appendAll(String series, double[] xs, double[] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException(xs.length + " x values but " + ys.length + " y values");
    }
    Batch b = batch();
    for (int i = 0; i < xs.length; i++) {
      b.add(series, xs[i], ys[i]);
    }
    b.commit();
  }

  /** Removes every point; the series stay. */
  public void clear() {
    chart.setNotify(false);
    try {
      for (XYSeries s : series()) {
        s.clear();
      }
    } finally {
      chart.setNotify(true);
    }
  }

  /** Removes every series. */
  public void removeAllSeries() {
    dataset.removeAllSeries();
  }

  /** The data as CSV in long form: {@code series,x,y}, one row per point, series in order. */
  public CsvTable toCsv() {
    CsvTable t = new CsvTable(List.of("series", "x", "y"));
    for (XYSeries s : series()) {
      String name = String.valueOf(s.getKey());
      for (int i = 0; i < s.getItemCount(); i++) {
        t.row(name, s.getX(i).doubleValue(), s.getY(i).doubleValue());
      }
    }
    return t;
  }

  /** Writes the data as CSV ({@link #toCsv()}), atomically. */
  public void exportCsv(Path file) throws IOException {
    toCsv().write(file);
  }

  /**
   * Draws the chart at {@code width × height} pixels into a PNG, atomically; independent of the
   * chart's size on screen. Any thread, as long as no points are appended meanwhile.
   */
  public void exportPng(Path file, int width, int height) throws IOException {
    AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
  }

  /**
   * Sets a line of small print under the title, e.g. how values the axis can't show are drawn;
   * empty or null for none.
   */
  public void setNote(String text) {
    if (note == null) {
      note = new TextTitle("", new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      note.setPaint(new java.awt.Color(0x595959));
      chart.addSubtitle(0, note);
    }
    note.setText(text == null ? "" : text);
    note.setVisible(text != null && !text.isEmpty());
  }

  /** The note under the title ({@link #setNote}); empty if none. */
  public String getNote() {
    return note == null || !note.isVisible() ? "" : note.getText();
  }

  /** The JFreeChart behind the view, for the skin and for styling beyond this class. */
  public JFreeChart getChart() {
    return chart;
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new LiveChartSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** The chart title; empty for none. */
  public final StringProperty titleProperty() {
    return title;
  }

  public final String getTitle() {
    return title.get();
  }

  public final void setTitle(String value) {
    title.set(value);
  }

  /** The x axis label. */
  public final StringProperty xLabelProperty() {
    return xLabel;
  }

  public final String getXLabel() {
    return xLabel.get();
  }

  public final void setXLabel(String value) {
    xLabel.set(value);
  }

  /** The y axis label. */
  public final StringProperty yLabelProperty() {
    return yLabel;
  }

  public final String getYLabel() {
    return yLabel.get();
  }

  public final void setYLabel(String value) {
    yLabel.set(value);
  }

  /**
   * Whether the y axis is logarithmic (for losses and errors): it spans the decades of the positive
   * values, however small; non-positive values are skipped.
   */
  public final BooleanProperty logYProperty() {
    return logY;
  }

  public final boolean isLogY() {
    return logY.get();
  }

  public final void setLogY(boolean value) {
    logY.set(value);
  }

  /** The most points a series keeps (the oldest are dropped); 0 (the default) keeps all. */
  public final IntegerProperty maxPointsProperty() {
    return maxPoints;
  }

  public final int getMaxPoints() {
    return maxPoints.get();
  }

  public final void setMaxPoints(int value) {
    maxPoints.set(value);
  }

  /** Points to append together; nothing is drawn until {@link #commit()}. */
  public final class Batch {

    private final Set<XYSeries> touched = new LinkedHashSet<>();
    private boolean committed;

    private Batch() {}

    /** Adds a point to a series (created if new). */
    public Batch add(String series, double x, double y) {
      if (committed) {
        throw new IllegalStateException("this batch was already committed");
      }
      XYSeries s = seriesOrCreate(series);
      s.add(x, y, false);
      touched.add(s);
      return this;
    }

    /** Publishes the points: one dataset change per series, one redraw. */
    public void commit() {
      committed = true;
      if (touched.isEmpty()) {
        return;
      }
      chart.setNotify(false);
      try {
        for (XYSeries s : touched) {
          s.fireSeriesChanged();
        }
      } finally {
        chart.setNotify(true);
      }
    }
  }
}
