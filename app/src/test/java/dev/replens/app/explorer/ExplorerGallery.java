package dev.replens.app.explorer;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.engine.pipeline.StageKind;
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
 * Renders the explorer window at each fusion stage into PNGs for a person to look at. Runs only
 * when asked: {@code -Dtest=ExplorerGallery -Dreplens.gallery=DIR [-Dreplens.sample=dbb]}.
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "replens.gallery", matches = ".+")
class ExplorerGallery {

  private MainWindow w;

  @Start
  void start(Stage stage) throws Exception {
    Path home = Files.createTempDirectory("replens-gallery");
    w = TestWindows.open(stage, System.getProperty("replens.sample", "repvgg"), home);
    w.graph().setAnimated(false);
    stage.show();
  }

  @Test
  void renderEveryStage(FxRobot robot) throws Exception {
    Path dir = Path.of(System.getProperty("replens.gallery"));
    Files.createDirectories(dir);
    String sample = System.getProperty("replens.sample", "repvgg");
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> w.stepper().size() > 0);
    robot.interact(w.graph()::fitToView);
    for (StageKind k : StageKind.values()) {
      robot.interact(() -> w.stepper().goTo(k));
      WaitForAsyncUtils.waitForFxEvents();
      robot.interact(w.graph()::fitToView);
      Thread.sleep(300);
      WaitForAsyncUtils.waitForFxEvents();
      robot.interact(
          () -> {
            try {
              PngExport.save(
                  w.stage().getScene().getRoot(),
                  dir.resolve(
                      sample
                          + "-"
                          + (k.ordinal() + 1)
                          + "-"
                          + k.name().toLowerCase(java.util.Locale.ROOT)
                          + ".png"));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    }
  }
}
