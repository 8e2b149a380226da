package dev.replens.views.network;

import dev.replens.views.ViewsStylesheet;
import java.util.EnumMap;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.AccessibleRole;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * Every block of a network in network order, one cell each, left to right, colored by its {@link
 * BlockStatus}. A cell's tooltip and accessible text say the block's prefix, family, status and
 * detail; clicking a cell (or the arrow keys, Home and End) sets {@link #selectedIndexProperty()
 * selectedIndex}, which is −1 when nothing is selected.
 *
 * <p>Style class {@code network-strip}. Children: {@code .strip-cell} with pseudo-classes {@code
 * :ok}, {@code :warning}, {@code :error}, {@code :deploy-form}, {@code :pass-through} and {@code
 * :selected}; {@code .strip-caption} below the cells, naming the selected block.
 */
public class NetworkStrip extends Control {

  public static final String DEFAULT_STYLE_CLASS = "network-strip";

  private final ObservableList<StripBlock> blocks = FXCollections.observableArrayList();
  private final IntegerProperty selectedIndex =
      new SimpleIntegerProperty(this, "selectedIndex", -1) {
        @Override
        protected void invalidated() {
          int i = get();
          if (i < -1 || i >= blocks.size()) {
            set(-1);
          }
        }
      };

  public NetworkStrip() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    setFocusTraversable(true);
    setAccessibleRole(AccessibleRole.LIST_VIEW);
    blocks.addListener(
        (javafx.collections.ListChangeListener<StripBlock>)
            c -> {
              if (getSelectedIndex() >= blocks.size()) {
                setSelectedIndex(-1);
              }
              setAccessibleText(summary());
            });
    setAccessibleText(summary());
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new NetworkStripSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  /** The blocks, in network order. */
  public final ObservableList<StripBlock> getBlocks() {
    return blocks;
  }

  /** The index of the selected block in {@link #getBlocks()}, or −1. */
  public final IntegerProperty selectedIndexProperty() {
    return selectedIndex;
  }

  public final int getSelectedIndex() {
    return selectedIndex.get();
  }

  public final void setSelectedIndex(int value) {
    selectedIndex.set(value);
  }

  /** Selects the block with this prefix, or nothing if there is none. */
  public final void selectPrefix(String prefix) {
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).prefix().equals(prefix)) {
        setSelectedIndex(i);
        return;
      }
    }
    setSelectedIndex(-1);
  }

  /** The counts by status in words, e.g. "12 blocks: 10 ok, 1 warning, 1 error". */
  public final String summary() {
    if (blocks.isEmpty()) {
      return "No network";
    }
    Map<BlockStatus, Integer> n = new EnumMap<>(BlockStatus.class);
    blocks.forEach(b -> n.merge(b.status(), 1, Integer::sum));
    StringBuilder s =
        new StringBuilder().append(blocks.size()).append(blocks.size() == 1 ? " block" : " blocks");
    String sep = ": ";
    for (Map.Entry<BlockStatus, Integer> e : n.entrySet()) {
      s.append(sep).append(e.getValue()).append(' ').append(label(e.getKey(), e.getValue()));
      sep = ", ";
    }
    return s.toString();
  }

  private static String label(BlockStatus s, int count) {
    return switch (s) {
      case OK -> "ok";
      case WARNING -> count == 1 ? "warning" : "warnings";
      case ERROR -> count == 1 ? "error" : "errors";
      case DEPLOY_FORM -> "in deploy form";
      case PASS_THROUGH -> "pass-through";
    };
  }
}
