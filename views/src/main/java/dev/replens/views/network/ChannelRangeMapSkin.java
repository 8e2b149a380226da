package dev.replens.views.network;

import dev.replens.views.NumberText;
import dev.replens.views.heatmap.ColorBar;
import dev.replens.views.heatmap.Colormap;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/** The skin of {@link ChannelRangeMap}: the two-row canvas, its row labels and color bar. */
public class ChannelRangeMapSkin extends SkinBase<ChannelRangeMap> {

  private static final Colormap MAP = Colormap.DIVERGING;

  private final Label title = new Label();
  private final Label summary = new Label();
  private final Label readout = new Label();
  private final Label axis = new Label();
  private final Label placeholder = new Label();
  private final ColorBar bar = new ColorBar(MAP, -1, 1);
  private final Canvas canvas = new Canvas();
  private final Pane plot =
      new Pane(canvas) {
        @Override
        protected void layoutChildren() {
          canvas.setWidth(Math.max(1, Math.floor(getWidth())));
          canvas.setHeight(Math.max(1, Math.floor(getHeight())));
          draw();
        }
      };
  private final VBox content;

  public ChannelRangeMapSkin(ChannelRangeMap map) {
    super(map);
    title.getStyleClass().add("title");
    title.textProperty().bind(map.titleProperty());
    summary.getStyleClass().add("summary");
    summary.setWrapText(true);
    summary.setMinHeight(Region.USE_PREF_SIZE);
    readout.getStyleClass().add("readout");
    axis.getStyleClass().add("axis-label");
    placeholder.getStyleClass().add("placeholder");
    placeholder.textProperty().bind(map.placeholderProperty());
    placeholder.setWrapText(true);
    bar.setCaption("weight");
    bar.setMinWidth(Region.USE_PREF_SIZE);
    plot.getStyleClass().add("plot");
    plot.setMinSize(60, 36);
    plot.setPrefSize(360, 56);
    Label maxLabel = new Label("max");
    Label minLabel = new Label("min");
    maxLabel.getStyleClass().add("row-label");
    minLabel.getStyleClass().add("row-label");
    maxLabel.setMaxHeight(Double.MAX_VALUE);
    minLabel.setMaxHeight(Double.MAX_VALUE);
    maxLabel.setMinWidth(Label.USE_PREF_SIZE);
    minLabel.setMinWidth(Label.USE_PREF_SIZE);
    VBox.setVgrow(maxLabel, Priority.ALWAYS);
    VBox.setVgrow(minLabel, Priority.ALWAYS);
    VBox rows = new VBox(maxLabel, minLabel);
    rows.getStyleClass().add("row-labels");
    VBox plotAndAxis = new VBox(plot, axis);
    VBox.setVgrow(plot, Priority.ALWAYS);
    HBox.setHgrow(plotAndAxis, Priority.ALWAYS);
    HBox body = new HBox(rows, plotAndAxis, bar);
    body.getStyleClass().add("body");
    body.setAlignment(Pos.TOP_LEFT);
    VBox.setVgrow(body, Priority.ALWAYS);
    VBox header = new VBox(1, title, summary);
    header.getStyleClass().add("header");
    summary.setMaxWidth(Double.MAX_VALUE);
    title.setMinWidth(Label.USE_PREF_SIZE);
    content = new VBox(header, body, readout);
    content.getStyleClass().add("content");
    getChildren().add(new StackPane(content, placeholder));

    plot.setOnMouseMoved(e -> map.hovered.set(channelAt(e.getX())));
    plot.setOnMouseExited(e -> map.hovered.set(-1));
    registerChangeListener(map.rangesProperty(), o -> update());
    registerChangeListener(map.hovered, o -> showReadout());
    update();
  }

  private int channelAt(double x) {
    ChannelRanges r = getSkinnable().getRanges();
    if (r == null || r.channels() == 0 || plot.getWidth() <= 0) {
      return -1;
    }
    int c = (int) Math.floor(x / plot.getWidth() * r.channels());
    return c < 0 || c >= r.channels() ? -1 : c;
  }

  private void update() {
    ChannelRanges r = getSkinnable().getRanges();
    boolean has = r != null && r.channels() > 0;
    content.setVisible(has);
    placeholder.setVisible(!has);
    if (has) {
      double m = r.absMax();
      bar.setRange(-(m > 0 ? m : 1), m > 0 ? m : 1);
      axis.setText("output channel 0 … " + (r.channels() - 1));
      int w = r.widestChannel();
      double median = r.medianAbsMax();
      String ratio =
          median > 0 ? " (" + NumberText.of(r.absMax(w) / median, 2) + "× the median)" : "";
      summary.setText(
          "widest: channel " + w + ", |w| max " + NumberText.of(r.absMax(w), 3) + ratio);
    }
    showReadout();
    draw();
  }

  private void showReadout() {
    ChannelRanges r = getSkinnable().getRanges();
    int c = getSkinnable().hoveredChannelProperty().get();
    if (r == null || c < 0 || c >= r.channels()) {
      readout.setText("Hover a channel to read its range.");
    } else {
      readout.setText(
          "channel "
              + c
              + ": min "
              + NumberText.of(r.minAt(c))
              + " · max "
              + NumberText.of(r.maxAt(c))
              + " · |w| max "
              + NumberText.of(r.absMax(c)));
    }
    draw();
  }

  private void draw() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.clearRect(0, 0, w, h);
    ChannelRanges r = getSkinnable().getRanges();
    if (r == null || r.channels() == 0) {
      return;
    }
    int n = r.channels();
    double m = r.absMax();
    double scale = m > 0 ? 1 / m : 0;
    double half = Math.floor(h / 2);
    for (int c = 0; c < n; c++) {
      double x0 = Math.floor(c * w / n);
      double x1 = Math.floor((c + 1) * w / n);
      g.setFill(MAP.color(r.maxAt(c) * scale));
      g.fillRect(x0, 0, Math.max(1, x1 - x0), half);
      g.setFill(MAP.color(r.minAt(c) * scale));
      g.fillRect(x0, half, Math.max(1, x1 - x0), h - half);
    }
    g.setStroke(Color.gray(0.55));
    g.setLineWidth(1);
    g.strokeRect(0.5, 0.5, w - 1, h - 1);
    g.strokeLine(0, half + 0.5, w, half + 0.5);
    int hov = getSkinnable().hoveredChannelProperty().get();
    if (hov >= 0 && hov < n) {
      double x0 = Math.floor(hov * w / n);
      double x1 = Math.floor((hov + 1) * w / n);
      g.setStroke(Color.BLACK);
      g.setLineWidth(2);
      g.strokeRect(x0 + 1, 1, Math.max(1, x1 - x0 - 2), h - 2);
    }
  }
}
