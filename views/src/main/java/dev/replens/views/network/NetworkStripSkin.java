package dev.replens.views.network;

import java.util.ArrayList;
import java.util.List;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.AccessibleAttribute;
import javafx.scene.AccessibleRole;
import javafx.scene.control.Label;
import javafx.scene.control.SkinBase;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The skin of {@link NetworkStrip}: a row of cells that share the width (a wider gap where the
 * first part of the prefix changes, e.g. from {@code stage1} to {@code stage2}), and a caption.
 */
public class NetworkStripSkin extends SkinBase<NetworkStrip> {

  static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");
  private static final double GROUP_GAP = 6;

  private final HBox row =
      new HBox() {
        @Override
        protected void layoutChildren() {
          super.layoutChildren();
          nameCells();
        }
      };
  private final Label caption = new Label();
  private final List<Region> cells = new ArrayList<>();
  private final List<Label> names = new ArrayList<>();
  private boolean shortNames;

  public NetworkStripSkin(NetworkStrip strip) {
    super(strip);
    row.getStyleClass().add("strip-row");
    caption.getStyleClass().add("strip-caption");
    caption.setWrapText(true);
    caption.setMinHeight(Region.USE_PREF_SIZE);
    caption.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(caption, Priority.ALWAYS);
    HBox below = new HBox(12, caption, legend());
    below.setAlignment(javafx.geometry.Pos.TOP_LEFT);
    VBox box = new VBox(row, below);
    box.getStyleClass().add("strip-box");
    getChildren().add(box);
    registerListChangeListener(strip.getBlocks(), c -> rebuild());
    registerChangeListener(strip.selectedIndexProperty(), o -> showSelection());
    strip.setOnKeyPressed(
        e -> {
          int n = strip.getBlocks().size();
          if (n == 0) {
            return;
          }
          int i = strip.getSelectedIndex();
          int to =
              switch (e.getCode()) {
                case RIGHT, DOWN -> Math.min(n - 1, i + 1);
                case LEFT, UP -> Math.max(0, i < 0 ? 0 : i - 1);
                case HOME -> 0;
                case END -> n - 1;
                default -> Integer.MIN_VALUE;
              };
          if (to != Integer.MIN_VALUE) {
            strip.setSelectedIndex(to);
            e.consume();
          } else if (e.getCode() == KeyCode.ESCAPE) {
            strip.setSelectedIndex(-1);
          }
        });
    rebuild();
  }

  private void rebuild() {
    NetworkStrip strip = getSkinnable();
    cells.clear();
    names.clear();
    shortNames = false;
    String group = null;
    for (int i = 0; i < strip.getBlocks().size(); i++) {
      StripBlock b = strip.getBlocks().get(i);
      Label name = new Label(fullName(b.prefix()));
      name.setUserData(b.prefix());
      name.getStyleClass().add("cell-label");
      name.setMinWidth(0);
      name.setMouseTransparent(true);
      StackPane cell = new StackPane(name);
      cell.getStyleClass().add("strip-cell");
      names.add(name);
      for (BlockStatus s : BlockStatus.values()) {
        cell.pseudoClassStateChanged(s.pseudoClass(), s == b.status());
      }
      cell.setAccessibleRole(AccessibleRole.LIST_ITEM);
      cell.setAccessibleText(b.describe());
      Tooltip tip = new Tooltip(b.describe());
      tip.setShowDelay(Duration.millis(150));
      tip.setWrapText(true);
      tip.setMaxWidth(480);
      Tooltip.install(cell, tip);
      HBox.setHgrow(cell, Priority.ALWAYS);
      String g = b.prefix().contains(".") ? b.prefix().substring(0, b.prefix().indexOf('.')) : "";
      if (group != null && !g.equals(group)) {
        HBox.setMargin(cell, new Insets(0, 0, 0, GROUP_GAP));
      }
      group = g;
      int index = i;
      cell.setOnMouseClicked(
          e -> {
            strip.requestFocus();
            strip.setSelectedIndex(index);
          });
      cells.add(cell);
    }
    row.getChildren().setAll(cells);
    showSelection();
  }

  /** The name a cell shows: the prefix, or "(file)" for a file that is one block. */
  private static String fullName(String prefix) {
    return prefix.isEmpty() ? "(file)" : prefix;
  }

  /** The name without its first part, e.g. {@code stage3.10} → {@code 3.10}'s {@code 10}. */
  private static String shortName(String prefix) {
    int dot = prefix.indexOf('.');
    return dot < 0 || dot == prefix.length() - 1 ? fullName(prefix) : prefix.substring(dot + 1);
  }

  /**
   * Names the cells: all by their full prefix where every one fits, else all by the prefix without
   * its first part (the gaps between groups say which stage); a name that still doesn't fit is
   * hidden (the tooltip and caption always give it).
   */
  private void nameCells() {
    if (cells.isEmpty()) {
      return;
    }
    boolean allFit = true;
    for (int i = 0; i < cells.size(); i++) {
      Label n = names.get(i);
      String full = fullName((String) n.getUserData());
      if (measure(n, full) + 6 > cells.get(i).getWidth()) {
        allFit = false;
        break;
      }
    }
    boolean wantShort = !allFit;
    for (int i = 0; i < cells.size(); i++) {
      Label n = names.get(i);
      String prefix = (String) n.getUserData();
      String text = wantShort ? shortName(prefix) : fullName(prefix);
      if (!text.equals(n.getText())) {
        n.setText(text);
      }
      n.setVisible(measure(n, text) + 6 <= cells.get(i).getWidth());
    }
    shortNames = wantShort;
  }

  private static double measure(Label l, String text) {
    javafx.scene.text.Text t = new javafx.scene.text.Text(text);
    t.setFont(l.getFont());
    return Math.ceil(t.getLayoutBounds().getWidth()) + l.snappedLeftInset() + l.snappedRightInset();
  }

  /** Whether the cells show shortened names (for tests). */
  boolean shortNames() {
    return shortNames;
  }

  private static HBox legend() {
    HBox l = new HBox(8);
    l.getStyleClass().add("strip-legend");
    l.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
    for (BlockStatus s : BlockStatus.values()) {
      Region sw = new Region();
      sw.getStyleClass().addAll("strip-cell", "swatch");
      sw.pseudoClassStateChanged(s.pseudoClass(), true);
      Label t =
          new Label(
              switch (s) {
                case OK -> "ok";
                case WARNING -> "warning";
                case ERROR -> "error";
                case DEPLOY_FORM -> "deploy form";
                case PASS_THROUGH -> "passes through";
              });
      t.setMinWidth(Region.USE_PREF_SIZE);
      t.getStyleClass().add("legend-label");
      HBox item = new HBox(3, sw, t);
      item.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      item.setMinWidth(Region.USE_PREF_SIZE);
      l.getChildren().add(item);
    }
    l.setMinWidth(Region.USE_PREF_SIZE);
    return l;
  }

  private void showSelection() {
    NetworkStrip strip = getSkinnable();
    int sel = strip.getSelectedIndex();
    for (int i = 0; i < cells.size(); i++) {
      cells.get(i).pseudoClassStateChanged(SELECTED, i == sel);
    }
    caption.setText(
        sel >= 0 && sel < strip.getBlocks().size()
            ? strip.getBlocks().get(sel).describe()
            : strip.getBlocks().isEmpty() ? "" : strip.summary() + ". Click a block to select it.");
    strip.notifyAccessibleAttributeChanged(AccessibleAttribute.SELECTED_ITEMS);
  }

  /** The cells, in network order (for tests). */
  List<Region> cells() {
    return cells;
  }
}
