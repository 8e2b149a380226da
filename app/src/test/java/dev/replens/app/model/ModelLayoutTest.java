package dev.replens.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Model workspace on the sample network at 1440×900 and 1280×720: no visible label, button,
 * header or table cell shows its text cut short.
 */
@ExtendWith(ApplicationExtension.class)
class ModelLayoutTest {

  @TempDir static Path home;

  private MainWindow w;
  private Stage stage;

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    w = TestWindows.open(stage, "repvgg", home);
    stage.show();
  }

  /** Every visible Labeled under {@code root} whose drawn text is not its whole text. */
  private static List<String> elided(Node root) {
    List<String> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(Node n, List<String> out) {
    if (!n.isVisible()) {
      return;
    }
    if (n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty()) {
      for (Node c : l.getChildrenUnmodifiable()) {
        if (c instanceof Text t && c.isVisible() && !t.getText().equals(l.getText())) {
          out.add(
              l.getClass().getSimpleName()
                  + " '"
                  + l.getText()
                  + "' drawn as '"
                  + t.getText()
                  + "'");
        }
      }
    }
    if (n instanceof Parent p) {
      for (Node c : p.getChildrenUnmodifiable()) {
        collect(c, out);
      }
    }
  }

  private void checkAt(FxRobot robot, double width, double height) throws Exception {
    robot.interact(
        () -> {
          stage.setWidth(width);
          stage.setHeight(height);
        });
    Thread.sleep(200);
    WaitForAsyncUtils.waitForFxEvents();
    robot.interact(() -> stage.getScene().getRoot().layout());
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(elided(w.model())).as("elided text at %sx%s", width, height).isEmpty();
  }

  @Test
  void noTextIsCutShortAtEitherSize(FxRobot robot) throws Exception {
    robot.interact(() -> w.showWorkspace(ModelWorkspace.TAB_ID));
    checkAt(robot, 1440, 900);
    checkAt(robot, 1280, 720);
    robot.interact(() -> w.model().openSample());
    WaitForAsyncUtils.waitFor(
        60,
        TimeUnit.SECONDS,
        () -> w.model().modelProperty().get() != null && !w.model().busyProperty().get());
    for (String p : List.of("stage1.1", "stage2.1", "stage0")) {
      robot.interact(() -> w.model().selectPrefix(p));
      checkAt(robot, 1440, 900);
      checkAt(robot, 1280, 720);
    }
  }
}
