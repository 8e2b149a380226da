package dev.replens.app.training;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.views.export.PngExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders the training lab in the real window into PNGs for a person to look at: idle, mid-run with
 * the default setup, after a comparison of three modes, after fuse-and-verify, and after a
 * diverging run. Runs only when asked: {@code -Dtest=TrainingLabGallery -Dreplens.gallery=DIR
 * [-Dreplens.sample=dbb]}. Takes a minute or two.
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "replens.gallery", matches = ".+")
class TrainingLabGallery {

  private MainWindow w;
  private TrainingLabPane pane;

  @Start
  void start(Stage stage) throws Exception {
    Path home = Files.createTempDirectory("replens-gallery");
    w = TestWindows.open(stage, System.getProperty("replens.sample", "repvgg"), home);
    stage.show();
    w.showWorkspace(TrainingLabPane.TAB_ID);
    pane = (TrainingLabPane) w.workspaces().getSelectionModel().getSelectedItem().getContent();
  }

  private void save(FxRobot robot, String name) throws Exception {
    Path dir = Path.of(System.getProperty("replens.gallery"));
    Files.createDirectories(dir);
    Thread.sleep(400);
    WaitForAsyncUtils.waitForFxEvents();
    robot.interact(
        () -> {
          try {
            PngExport.save(w.stage().getScene().getRoot(), dir.resolve("lab-" + name + ".png"));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static void await(BooleanSupplier c) throws Exception {
    WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, c::getAsBoolean);
    WaitForAsyncUtils.waitForFxEvents();
  }

  @Test
  void renderTheLab(FxRobot robot) throws Exception {
    save(robot, "1-idle");

    robot.clickOn("#labStart");
    await(
        () ->
            pane.lab().statusProperty().get() != null
                && pane.lab().statusProperty().get().step() >= 80);
    save(robot, "2-mid-run");
    robot.clickOn("#labPause");
    await(() -> pane.lab().phase() == TrainingLab.Phase.PAUSED);
    robot.clickOn("#labVerify");
    await(() -> pane.lab().verificationProperty().get() != null);
    save(robot, "3-paused-verified");
    robot.clickOn("#labStop");
    await(() -> pane.lab().phase() == TrainingLab.Phase.STOPPED);

    LabSetup d = LabSetup.defaults();
    LabSetup compare =
        new LabSetup(
            d.dataset(),
            1,
            16,
            TrainMode.OFFLINE,
            OptimizerConfig.Kind.SGD,
            0.1,
            0.9,
            1e-4,
            32,
            120,
            1,
            20,
            300,
            5,
            2000,
            300);
    robot.interact(
        () -> {
          pane.applySetup(compare);
          pane.setCompareModes(List.of(TrainMode.OFFLINE, TrainMode.ONLINE, TrainMode.PLAIN));
        });
    robot.interact(() -> robot.lookup("#labCompare").queryButton().fire());
    await(
        () ->
            pane.lab().phase() == TrainingLab.Phase.FINISHED
                || pane.lab().phase() == TrainingLab.Phase.FAILED);
    save(robot, "4-compared");
    robot.clickOn("#labGradientCard-gradient-norms");
    robot.clickOn("#labCostCard-memory");
    save(robot, "5-compared-norms-memory");

    LabSetup absurd =
        new LabSetup(
            d.dataset(),
            1,
            8,
            TrainMode.OFFLINE,
            OptimizerConfig.Kind.SGD,
            1e30,
            0.9,
            1e-4,
            16,
            40,
            1,
            10,
            128,
            5,
            256,
            128);
    robot.interact(() -> pane.applySetup(absurd));
    robot.clickOn("#labStart");
    await(() -> pane.lab().phase() == TrainingLab.Phase.FAILED);
    robot.clickOn("#labVerify");
    await(() -> pane.lab().verificationProperty().get() != null);
    save(robot, "6-diverged");
  }
}
