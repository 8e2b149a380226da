package dev.replens.app.lessons;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

/**
 * Hides what a locked lesson doesn't need: the menu bar (its menus disabled, so their shortcuts
 * don't fire), the toolbar, the palette and the other workspace tabs. The canvas, the inspector,
 * the stepper and the heatmaps stay, since tasks use them. {@link #unlock} restores exactly what
 * {@link #lock} changed.
 */
final class ChromeLock {

  private final List<Runnable> restore = new ArrayList<>();

  /** Whether the chrome is locked now. */
  boolean locked() {
    return !restore.isEmpty();
  }

  void lock(Scene scene, TabPane workspaces) {
    if (locked() || scene == null) {
      return;
    }
    Node menuBar = scene.lookup("#menuBar");
    if (menuBar instanceof MenuBar bar) {
      for (Menu m : bar.getMenus()) {
        boolean was = m.isDisable();
        m.setDisable(true);
        restore.add(() -> m.setDisable(was));
      }
    }
    hide(menuBar);
    hide(scene.lookup("#toolBar"));
    Node palette = scene.lookup(".op-palette");
    if (palette != null) {
      boolean was = palette.isDisable();
      palette.setDisable(true);
      restore.add(() -> palette.setDisable(was));
    }
    Tab shown = workspaces.getSelectionModel().getSelectedItem();
    for (Tab t : workspaces.getTabs()) {
      if (t != shown) {
        boolean was = t.isDisable();
        t.setDisable(true);
        restore.add(() -> t.setDisable(was));
      }
    }
    // Even with nothing changed, remember that we are locked.
    restore.add(() -> {});
  }

  private void hide(Node n) {
    if (n == null) {
      return;
    }
    boolean visible = n.isVisible();
    boolean managed = n.isManaged();
    n.setVisible(false);
    n.setManaged(false);
    restore.add(
        () -> {
          n.setVisible(visible);
          n.setManaged(managed);
        });
  }

  void unlock() {
    for (int i = restore.size() - 1; i >= 0; i--) {
      restore.get(i).run();
    }
    restore.clear();
  }
}
