package dev.replens.views.network;

import dev.replens.views.NumberText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.AccessibleRole;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SkinBase;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The skin of {@link Int8Bars}: a legend and a scrolling grid of prefix, bars and values. */
public class Int8BarsSkin extends SkinBase<Int8Bars> {

  static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");

  private final GridPane grid = new GridPane();
  private final Label placeholder = new Label("No layer to quantize.");
  private final ScrollPane scroll = new ScrollPane(grid);
  private final List<Pair> pairs = new ArrayList<>();
  private final List<Region> rowBackgrounds = new ArrayList<>();
  private List<Int8Row> shown = List.of();

  public Int8BarsSkin(Int8Bars bars) {
    super(bars);
    grid.getStyleClass().add("grid");
    ColumnConstraints prefix = new ColumnConstraints();
    prefix.setMinWidth(Region.USE_PREF_SIZE);
    ColumnConstraints barCol = new ColumnConstraints();
    barCol.setHgrow(Priority.ALWAYS);
    barCol.setMinWidth(60);
    ColumnConstraints value = new ColumnConstraints();
    value.setMinWidth(Region.USE_PREF_SIZE);
    grid.getColumnConstraints().setAll(prefix, barCol, value);
    scroll.setFitToWidth(true);
    scroll.getStyleClass().add("int8-scroll");
    placeholder.getStyleClass().add("placeholder");
    placeholder.setWrapText(true);
    VBox box = new VBox(legend(), new StackPane(scroll, placeholder));
    VBox.setVgrow(box.getChildren().get(1), Priority.ALWAYS);
    getChildren().add(box);
    registerListChangeListener(bars.getRows(), c -> rebuild());
    registerChangeListener(bars.selectedPrefixProperty(), o -> showSelection());
    rebuild();
  }

  private static VBox legend() {
    Region t = new Region();
    t.getStyleClass().addAll("swatch", "per-tensor");
    Region c = new Region();
    c.getStyleClass().addAll("swatch", "per-channel");
    Label tl = new Label("per-tensor");
    Label cl = new Label("per-channel");
    Label what = new Label("INT8 error of the fused kernel, worst first");
    what.getStyleClass().add("legend-title");
    HBox keys = new HBox(6, t, tl, c, cl);
    keys.setAlignment(Pos.CENTER_LEFT);
    for (Label x : List.of(tl, cl)) {
      x.setMinWidth(Region.USE_PREF_SIZE);
    }
    what.setWrapText(true);
    VBox l = new VBox(3, what, keys);
    l.getStyleClass().add("legend");
    return l;
  }

  private void rebuild() {
    Int8Bars bars = getSkinnable();
    shown = bars.ranked();
    grid.getChildren().clear();
    pairs.clear();
    rowBackgrounds.clear();
    double max = shown.stream().mapToDouble(Int8Row::worst).max().orElse(0);
    for (int i = 0; i < shown.size(); i++) {
      Int8Row r = shown.get(i);
      Region back = new Region();
      back.getStyleClass().add("int8-row");
      back.setAccessibleRole(AccessibleRole.LIST_ITEM);
      back.setAccessibleText(describe(r));
      Label p = new Label(r.prefix());
      p.getStyleClass().add("prefix");
      p.setMinWidth(Region.USE_PREF_SIZE);
      p.setMouseTransparent(true);
      Pair bar = new Pair(r, max);
      bar.setMouseTransparent(true);
      Label v = new Label(percent(r.perTensorError()) + " / " + percent(r.perChannelError()));
      v.getStyleClass().add("value");
      v.setMinWidth(Region.USE_PREF_SIZE);
      v.setMouseTransparent(true);
      grid.add(back, 0, i, 3, 1);
      grid.add(p, 0, i);
      grid.add(bar, 1, i);
      grid.add(v, 2, i);
      GridPane.setMargin(p, new Insets(0, 8, 0, 4));
      GridPane.setMargin(v, new Insets(0, 4, 0, 8));
      GridPane.setFillWidth(back, true);
      back.setMaxWidth(Double.MAX_VALUE);
      back.setMaxHeight(Double.MAX_VALUE);
      Tooltip.install(back, new Tooltip(describe(r)));
      back.setOnMouseClicked(e -> bars.setSelectedPrefix(r.prefix()));
      pairs.add(bar);
      rowBackgrounds.add(back);
    }
    placeholder.setVisible(shown.isEmpty());
    scroll.setVisible(!shown.isEmpty());
    showSelection();
  }

  private static String describe(Int8Row r) {
    return r.prefix()
        + ": INT8 error "
        + percent(r.perTensorError())
        + " per-tensor, "
        + percent(r.perChannelError())
        + " per-channel"
        + (r.note().isEmpty() ? "" : "; " + r.note());
  }

  /** A relative error as a percentage, e.g. {@code 1.9%}. */
  static String percent(double v) {
    return Double.isNaN(v) ? "—" : NumberText.of(100 * v, 2) + "%";
  }

  private void showSelection() {
    String sel = getSkinnable().getSelectedPrefix();
    for (int i = 0; i < shown.size(); i++) {
      rowBackgrounds
          .get(i)
          .pseudoClassStateChanged(SELECTED, Objects.equals(sel, shown.get(i).prefix()));
    }
  }

  /** The bars of a row, in the order drawn (for tests). */
  List<Pair> pairs() {
    return pairs;
  }

  /** Two bars, per-tensor above per-channel, as long as their errors over the largest. */
  static final class Pair extends Region {
    final Region perTensor = new Region();
    final Region perChannel = new Region();
    final double tensorFraction;
    final double channelFraction;

    Pair(Int8Row r, double max) {
      perTensor.getStyleClass().addAll("bar", "per-tensor");
      perChannel.getStyleClass().addAll("bar", "per-channel");
      tensorFraction = fraction(r.perTensorError(), max);
      channelFraction = fraction(r.perChannelError(), max);
      getChildren().addAll(perTensor, perChannel);
      getStyleClass().add("bar-pair");
      setMinHeight(18);
      setPrefHeight(18);
    }

    private static double fraction(double v, double max) {
      if (!(max > 0) || Double.isNaN(v)) {
        return 0;
      }
      return Math.max(0, Math.min(1, v / max));
    }

    @Override
    protected void layoutChildren() {
      double w = getWidth();
      double h = getHeight();
      double half = Math.floor((h - 2) / 2);
      perTensor.resizeRelocate(
          0, 1, Math.max(tensorFraction > 0 ? 1 : 0, w * tensorFraction), half);
      perChannel.resizeRelocate(
          0, 1 + half, Math.max(channelFraction > 0 ? 1 : 0, w * channelFraction), half);
    }
  }
}
