package dev.replens.views.network;

import dev.replens.views.ViewsStylesheet;
import java.util.Comparator;
import java.util.List;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * Per-layer INT8 quantization error as paired horizontal bars, worst layer first: per-tensor
 * (orange) above per-channel (blue), on one linear scale from 0 to the largest error shown, each
 * with its value as a percentage (the errors are relative). A long orange bar over a short blue one
 * is a layer whose fused kernel has one channel far wider than the rest: per-channel scales fix it.
 * Clicking a row sets {@link #selectedPrefixProperty() selectedPrefix}, which the row then shows as
 * selected.
 *
 * <p>Style class {@code int8-bars}. Children: {@code .legend}, {@code .int8-row} (pseudo-class
 * {@code :selected}) with {@code .prefix}, {@code .bar.per-tensor}, {@code .bar.per-channel},
 * {@code .value}; {@code .placeholder} while there are no rows.
 */
public class Int8Bars extends Control {

  public static final String DEFAULT_STYLE_CLASS = "int8-bars";

  private final ObservableList<Int8Row> rows = FXCollections.observableArrayList();
  private final StringProperty selectedPrefix = new SimpleStringProperty(this, "selectedPrefix");

  public Int8Bars() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new Int8BarsSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** The layers, in any order; the bars show them worst first. */
  public final ObservableList<Int8Row> getRows() {
    return rows;
  }

  /** The rows worst first (the order drawn): by the worse error, then by prefix. */
  public final List<Int8Row> ranked() {
    return rows.stream()
        .sorted(
            Comparator.comparingDouble(Int8Row::worst).reversed().thenComparing(Int8Row::prefix))
        .toList();
  }

  /** The prefix of the selected layer, or null. */
  public final StringProperty selectedPrefixProperty() {
    return selectedPrefix;
  }

  public final String getSelectedPrefix() {
    return selectedPrefix.get();
  }

  public final void setSelectedPrefix(String value) {
    selectedPrefix.set(value);
  }
}
