package dev.replens.views.network;

import dev.replens.views.ViewsStylesheet;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * A fused kernel's per-output-channel weight range as a heatmap: one column per output channel, the
 * largest weight in the top row and the smallest in the bottom row, on the diverging scale of the
 * kernel heatmaps (blue negative, white 0, red positive) made symmetric about the largest |w|. A
 * channel far wider than the rest is what makes per-tensor INT8 quantization lose the others; the
 * summary names the widest channel against the median. Hovering a column reads it out.
 *
 * <p>Style class {@code channel-range-map}. Children: {@code .title}, {@code .row-label}, {@code
 * .axis-label}, {@code .summary}, {@code .readout}, a {@link dev.replens.views.heatmap.ColorBar},
 * and {@code .placeholder} while there are no ranges.
 */
public class ChannelRangeMap extends Control {

  public static final String DEFAULT_STYLE_CLASS = "channel-range-map";

  private final ObjectProperty<ChannelRanges> ranges =
      new SimpleObjectProperty<>(this, "ranges", null);
  private final StringProperty title = new SimpleStringProperty(this, "title", "");
  private final StringProperty placeholder =
      new SimpleStringProperty(this, "placeholder", "Select a block to see its channel ranges.");
  final ReadOnlyIntegerWrapper hovered = new ReadOnlyIntegerWrapper(this, "hoveredChannel", -1);

  public ChannelRangeMap() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new ChannelRangeMapSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** The ranges shown, or null for none. */
  public final ObjectProperty<ChannelRanges> rangesProperty() {
    return ranges;
  }

  public final ChannelRanges getRanges() {
    return ranges.get();
  }

  public final void setRanges(ChannelRanges value) {
    ranges.set(value);
  }

  /** The title above the map, e.g. the block's prefix. */
  public final StringProperty titleProperty() {
    return title;
  }

  public final String getTitle() {
    return title.get();
  }

  public final void setTitle(String value) {
    title.set(value);
  }

  /** What the map says while there are no ranges. */
  public final StringProperty placeholderProperty() {
    return placeholder;
  }

  public final void setPlaceholder(String value) {
    placeholder.set(value);
  }

  /** The output channel under the mouse, or −1. */
  public final ReadOnlyIntegerProperty hoveredChannelProperty() {
    return hovered.getReadOnlyProperty();
  }
}
