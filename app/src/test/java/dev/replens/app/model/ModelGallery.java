package dev.replens.app.model;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.views.export.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders the Model workspace, empty and on the sample network, at 1440×900 and 1280×720 into PNGs
 * for a person to look at. Runs only when asked: {@code -Dtest=ModelGallery -Dreplens.gallery=DIR
 * [-Dreplens.checkpoint=FILE]}.
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "replens.gallery", matches = ".+")
class ModelGallery {

  private MainWindow w;
  private Stage stage;

  @Start
  void start(Stage stage) throws Exception {
    this.stage = stage;
    Path home = Files.createTempDirectory("replens-gallery");
    w = TestWindows.open(stage, "repvgg", home);
    stage.show();
  }

  private void save(FxRobot robot, Path dir, String name) {
    WaitForAsyncUtils.waitForFxEvents();
    robot.interact(
        () -> {
          try {
            PngExport.save(w.stage().getScene().getRoot(), dir.resolve(name + ".png"));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void renderTheWorkspace(FxRobot robot) throws Exception {
    Path dir = Path.of(System.getProperty("replens.gallery"));
    Files.createDirectories(dir);
    // The classpath, to run the real window of the same build under Xvfb.
    Files.writeString(dir.resolve("classpath.txt"), System.getProperty("java.class.path"));
    robot.interact(() -> w.showWorkspace(ModelWorkspace.TAB_ID));
    save(robot, dir, "model-empty-1440");
    robot.interact(() -> w.model().openSample());
    WaitForAsyncUtils.waitFor(
        60,
        TimeUnit.SECONDS,
        () -> w.model().modelProperty().get() != null && !w.model().busyProperty().get());
    robot.interact(() -> w.model().selectPrefix("stage1.1"));
    save(robot, dir, "model-sample-1440");
    robot.interact(
        () -> {
          stage.setWidth(1280);
          stage.setHeight(720);
        });
    Thread.sleep(300);
    save(robot, dir, "model-sample-1280");
    // The block opened in the Explorer, at the fused stage.
    robot.interact(
        () -> {
          stage.setWidth(1440);
          stage.setHeight(900);
        });
    robot.interact(() -> w.model().selectPrefix("stage1.1"));
    robot.doubleClickOn(
        robot
            .lookup(".table-row-cell")
            .match(
                (javafx.scene.Node n) ->
                    n instanceof javafx.scene.control.TableRow<?> r
                        && r.getItem() instanceof dev.replens.engine.network.BlockReport b
                        && b.prefix().equals("stage1.1"))
            .queryAs(javafx.scene.control.TableRow.class));
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> w.stepper().size() > 0);
    Thread.sleep(1500);
    robot.interact(w.graph()::fitToView);
    save(robot, dir, "explorer-from-model-1440");
    robot.interact(() -> w.stepper().last());
    Thread.sleep(800);
    save(robot, dir, "explorer-from-model-fused-1440");
    robot.interact(() -> w.showWorkspace(ModelWorkspace.TAB_ID));
    // -Dreplens.checkpoint=FILE renders that checkpoint too.
    String other = System.getProperty("replens.checkpoint");
    if (other != null && !other.isBlank()) {
      robot.interact(
          () -> {
            stage.setWidth(1440);
            stage.setHeight(900);
            w.model().open(Path.of(other));
          });
      Thread.sleep(300);
      WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !w.model().busyProperty().get());
      save(robot, dir, "model-file-1440");
    }
  }
}
