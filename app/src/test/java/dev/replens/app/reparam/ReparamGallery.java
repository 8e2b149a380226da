package dev.replens.app.reparam;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.engine.train.run.RunState;
import dev.replens.views.export.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Spinner;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders the RepOptimizer and DyRep workspaces mid-run into PNGs for a person to look at. Runs
 * only when asked: {@code -Dtest=ReparamGallery -Dreplens.gallery=DIR}.
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "replens.gallery", matches = ".+")
class ReparamGallery {

  private MainWindow w;
  private Stage stage;

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    Path home = Files.createTempDirectory("replens-gallery");
    w = TestWindows.open(stage, "repvgg", home);
    stage.show();
  }

  private void save(FxRobot robot, Path file) {
    robot.interact(
        () -> {
          try {
            PngExport.save(stage.getScene().getRoot(), file);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @SuppressWarnings("unchecked")
  @Test
  void renderBothWorkspacesMidRun(FxRobot robot) throws Exception {
    Path dir = Path.of(System.getProperty("replens.gallery"));
    Files.createDirectories(dir);
    robot.interact(() -> w.showWorkspace("repoptTab"));
    RepOptPane r = (RepOptPane) stage.getScene().lookup("#repoptPane");
    robot.interact(
        () -> ((Spinner<Integer>) r.lookup("#repoptSteps")).getValueFactory().setValue(60));
    save(robot, dir.resolve("repopt-0-idle.png"));
    robot.interact(r::start);
    WaitForAsyncUtils.waitFor(
        120, TimeUnit.SECONDS, () -> r.lossChart().pointCount(RepOptPane.CSLA) >= 30);
    save(robot, dir.resolve("repopt-1-mid-run.png"));
    WaitForAsyncUtils.waitFor(
        120, TimeUnit.SECONDS, () -> r.lab().stateProperty().get() == RunState.FINISHED);
    Thread.sleep(300);
    robot.interact(() -> ((CheckBox) r.lookup("#repoptClip")).setSelected(true));
    WaitForAsyncUtils.waitFor(
        120, TimeUnit.SECONDS, () -> r.lossChart().pointCount(RepOptPane.CSLA) >= 40);
    save(robot, dir.resolve("repopt-2-clipped.png"));
    robot.interact(r::close);

    robot.interact(() -> w.showWorkspace("dyrepTab"));
    DyRepPane d = (DyRepPane) stage.getScene().lookup("#dyrepPane");
    robot.interact(() -> d.apply(new DyRepLab.Settings(5, 60, 2, 8, 0.05, 0.005)));
    save(robot, dir.resolve("dyrep-0-idle.png"));
    robot.interact(d::start);
    WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> d.events().size() >= 2);
    Thread.sleep(600);
    save(robot, dir.resolve("dyrep-1-grown.png"));
    WaitForAsyncUtils.waitFor(
        300,
        TimeUnit.SECONDS,
        () ->
            d.events().stream()
                    .anyMatch(e -> e.kind() == dev.replens.engine.train.dyrep.DyRepEvent.Kind.CUT)
                || d.lab().stateProperty().get() == RunState.FINISHED);
    Thread.sleep(600);
    save(robot, dir.resolve("dyrep-2-cut.png"));
    robot.interact(() -> d.timeline().setValue(2));
    Thread.sleep(600);
    save(robot, dir.resolve("dyrep-3-playback.png"));
    robot.interact(d::close);
  }
}
