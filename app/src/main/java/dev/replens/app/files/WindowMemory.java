package dev.replens.app.files;

import dev.replens.app.MainWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * Keeps the main window's layout and settings across runs: applies a saved {@link UserState} to a
 * {@link MainWindow} before it is shown, and captures it again when the window closes. Split panes
 * take part when they have an id.
 *
 * <p>Order: {@link #apply} after the window is built and before {@code stage.show()}; {@link
 * #attach} to save on close.
 */
public final class WindowMemory {

  /** A window whose saved bounds leave less than this much on a screen is placed afresh. */
  private static final double MIN_VISIBLE = 80;

  private final MainWindow window;
  private final UserStateStore store;
  private UserState.WindowBounds normalBounds;

  public WindowMemory(MainWindow window, UserStateStore store) {
    this.window = window;
    this.store = store;
  }

  /** The design file to open at start, if one was open last time and still exists. */
  public static Optional<Path> lastDesign(UserState s) {
    String last = s.settings().lastDesign();
    if (last == null) {
      return Optional.empty();
    }
    Path p = Path.of(last);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** Restores bounds, dividers, the workspace tab and the settings. */
  public void apply(UserState s) {
    Stage stage = window.stage();
    UserState.WindowBounds b = s.window();
    if (b != null && b.width() > 0 && b.height() > 0) {
      stage.setWidth(Math.max(b.width(), stage.getMinWidth()));
      stage.setHeight(Math.max(b.height(), stage.getMinHeight()));
      if (onAScreen(b)) {
        stage.setX(b.x());
        stage.setY(b.y());
      }
      stage.setMaximized(b.maximized());
      normalBounds = b;
    }
    Map<String, SplitPane> panes = splitPanes();
    s.dividers()
        .forEach(
            (id, positions) -> {
              SplitPane p = panes.get(id);
              if (p != null && p.getDividers().size() == positions.size()) {
                p.setDividerPositions(
                    positions.stream().mapToDouble(Double::doubleValue).toArray());
              }
            });
    if (s.workspace() != null) {
      window.showWorkspace(s.workspace());
    }
    window.lessons().wideProperty().set(s.settings().wideLessons());
  }

  /** Saves the state whenever the window closes, and remembers its normal bounds meanwhile. */
  public void attach() {
    Stage stage = window.stage();
    Runnable track =
        () -> {
          if (!stage.isMaximized() && !stage.isIconified() && stage.getWidth() > 0) {
            normalBounds =
                new UserState.WindowBounds(
                    stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false);
          }
        };
    stage.xProperty().addListener((o, a, v) -> track.run());
    stage.yProperty().addListener((o, a, v) -> track.run());
    stage.widthProperty().addListener((o, a, v) -> track.run());
    stage.heightProperty().addListener((o, a, v) -> track.run());
    stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> store.save(capture()));
  }

  /** The window's state now. */
  public UserState capture() {
    Stage stage = window.stage();
    UserState.WindowBounds b =
        normalBounds != null
            ? normalBounds
            : new UserState.WindowBounds(
                stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false);
    UserState.WindowBounds bounds =
        new UserState.WindowBounds(b.x(), b.y(), b.width(), b.height(), stage.isMaximized());
    Map<String, List<Double>> dividers = new LinkedHashMap<>();
    splitPanes()
        .forEach(
            (id, p) ->
                dividers.put(
                    id, java.util.Arrays.stream(p.getDividerPositions()).boxed().toList()));
    Tab tab = window.workspaces().getSelectionModel().getSelectedItem();
    Path file = window.session().file();
    return new UserState(
        bounds,
        dividers,
        tab == null ? null : tab.getId(),
        new UserState.Settings(
            file == null ? null : file.toAbsolutePath().toString(),
            window.lessons().wideProperty().get()));
  }

  private Map<String, SplitPane> splitPanes() {
    Map<String, SplitPane> out = new LinkedHashMap<>();
    for (Tab t : window.workspaces().getTabs()) {
      collect(t.getContent(), out);
    }
    return out;
  }

  private static void collect(Node n, Map<String, SplitPane> out) {
    if (n == null) {
      return;
    }
    if (n instanceof SplitPane p) {
      if (p.getId() != null) {
        out.put(p.getId(), p);
      }
      p.getItems().forEach(c -> collect(c, out));
    } else if (n instanceof javafx.scene.Parent parent) {
      parent.getChildrenUnmodifiable().forEach(c -> collect(c, out));
    }
  }

  private static boolean onAScreen(UserState.WindowBounds b) {
    for (Screen s : Screen.getScreens()) {
      Rectangle2D v = s.getVisualBounds();
      double w = Math.min(v.getMaxX(), b.x() + b.width()) - Math.max(v.getMinX(), b.x());
      double h = Math.min(v.getMaxY(), b.y() + b.height()) - Math.max(v.getMinY(), b.y());
      if (w >= MIN_VISIBLE && h >= MIN_VISIBLE) {
        return true;
      }
    }
    return false;
  }
}
