package dev.replens.app.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.samples.SampleCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.scene.control.SplitPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window's layout and settings survive a restart: what one window captures when it closes, a
 * new window shows (bounds, dividers, workspace tab, wide lesson panel, last design), and the state
 * file survives a round trip and a corrupt file.
 */
@ExtendWith(ApplicationExtension.class)
class WindowMemoryTest {

  @TempDir Path home;

  private Stage stage;

  @Start
  void start(Stage s) {
    this.stage = s;
  }

  @Test
  void aNewWindowShowsWhatTheClosedOneHad(FxRobot robot) throws Exception {
    UserStateStore store = new UserStateStore(home.resolve("state.json"));
    Path design = home.resolve("mine.json");
    DesignIO.write(SampleCatalog.load("dbb").withWeights(null), design);

    robot.interact(
        () -> {
          try {
            MainWindow w = TestWindows.open(stage, "repvgg", home);
            WindowMemory memory = new WindowMemory(w, store);
            memory.attach();
            stage.show();
            w.openFile(design);
            stage.setX(40);
            stage.setY(30);
            stage.setWidth(1200);
            stage.setHeight(780);
            split(w, "explorerSplit").setDividerPositions(0.3);
            split(w, "explorerTopSplit").setDividerPositions(0.2, 0.7);
            w.showWorkspace("trainingTab");
            w.lessons().wideProperty().set(true);
            stage.hide();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    WaitForAsyncUtils.waitForFxEvents();
    UserState saved = store.load();
    assertThat(saved.window()).isEqualTo(new UserState.WindowBounds(40, 30, 1200, 780, false));
    assertThat(saved.workspace()).isEqualTo("trainingTab");
    assertThat(saved.settings().wideLessons()).isTrue();
    assertThat(WindowMemory.lastDesign(saved)).contains(design.toAbsolutePath());
    assertThat(saved.dividers().get("explorerSplit").get(0)).isCloseTo(0.3, within());

    robot.interact(
        () -> {
          try {
            Stage again = new Stage();
            MainWindow w = TestWindows.open(again, "repvgg", home);
            new WindowMemory(w, store).apply(store.load());
            again.show();
            assertThat(again.getWidth()).isEqualTo(1200);
            assertThat(again.getHeight()).isEqualTo(780);
            assertThat(again.getX()).isEqualTo(40);
            assertThat(w.workspaces().getSelectionModel().getSelectedItem().getId())
                .isEqualTo("trainingTab");
            assertThat(w.lessons().wideProperty().get()).isTrue();
            double[] top = split(w, "explorerTopSplit").getDividerPositions();
            assertThat(top[0]).isCloseTo(0.2, within());
            assertThat(top[1]).isCloseTo(0.7, within());
            assertThat(split(w, "explorerSplit").getDividerPositions()[0]).isCloseTo(0.3, within());
            again.hide();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void theStateFileRoundTripsAndACorruptOneIsAFirstRun() throws Exception {
    UserStateStore store = new UserStateStore(home.resolve("sub/state.json"));
    assertThat(store.load()).isEqualTo(UserState.EMPTY);
    UserState s =
        new UserState(
            new UserState.WindowBounds(1, 2, 3, 4, true),
            Map.of("a", List.of(0.25, 0.5)),
            "dyrepTab",
            new UserState.Settings("/x/y.json", true));
    store.save(s);
    assertThat(store.load()).isEqualTo(s);
    Files.writeString(store.file(), "{ \"window\": [");
    assertThat(store.load()).isEqualTo(UserState.EMPTY);
    assertThat(WindowMemory.lastDesign(s)).as("a file that is gone").isEmpty();
  }

  private static SplitPane split(MainWindow w, String id) {
    return (SplitPane) w.stage().getScene().lookup("#" + id);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.02);
  }
}
