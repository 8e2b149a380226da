package dev.replens.app.lessons;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.app.design.DeleteBranchCommand;
import dev.replens.app.design.EditBranchCommand;
import dev.replens.app.explorer.FusionAnalysis;
import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.engine.model.PaddingMode;
import dev.replens.views.export.PngExport;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Renders each lesson's key step into PNGs for a person to look at, at 100 % and 150 % scale (the
 * window at two thirds of its size drawn 1.5 times as large, as a 150 % desktop lays it out):
 * {@code -Dtest=LessonGallery -Dreplens.gallery=DIR [-Dreplens.lesson=repvgg]
 * [-Dreplens.gallery.holdMs=20000]} (the hold keeps the last window open, e.g. for a screenshot of
 * a real window on Xvfb).
 */
@ExtendWith(ApplicationExtension.class)
@EnabledIfSystemProperty(named = "replens.gallery", matches = ".+")
class LessonGallery {

  private MainWindow w;

  @Start
  void start(Stage stage) throws Exception {
    Path home = Files.createTempDirectory("replens-lesson-gallery");
    w = TestWindows.open(stage, "repvgg", home);
    w.graph().setAnimated(false);
    stage.show();
  }

  private void await() throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        30,
        TimeUnit.SECONDS,
        () -> {
          FusionAnalysis a = w.stepper().analysisProperty().get();
          return !w.lessons().runner().performingProperty().get()
              && a != null
              && a.spec().equals(w.session().spec())
              && !w.analysis().busyProperty().get();
        });
    Thread.sleep(400);
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void go(FxRobot robot, String lesson, int step) throws Exception {
    var l = LessonCatalog.load(lesson);
    // The previous lesson's edits would make the start ask about unsaved changes.
    robot.interact(() -> w.session().commands().markSaved());
    robot.interact(() -> w.lessons().start(l));
    await();
    for (int i = 0; i < step; i++) {
      robot.interact(() -> w.lessons().runner().next());
      await();
    }
    robot.interact(w.graph()::fitToView);
  }

  /**
   * The window at 100 %, then as it lays out at 150 % on the same screen: two thirds of the size in
   * logical pixels, drawn 1.5 times as large.
   */
  private void shoot(FxRobot robot, Path dir, String name) throws Exception {
    await();
    double width = w.stage().getWidth();
    double height = w.stage().getHeight();
    robot.interact(
        () -> {
          try {
            PngExport.save(w.stage().getScene().getRoot(), dir.resolve(name + "-100.png"), 1);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          w.stage().setWidth(width / 1.5);
          w.stage().setHeight(height / 1.5);
        });
    Thread.sleep(300);
    WaitForAsyncUtils.waitForFxEvents();
    robot.interact(
        () -> {
          try {
            PngExport.save(w.stage().getScene().getRoot(), dir.resolve(name + "-150.png"), 1.5);
            PngExport.save(w.lessons(), dir.resolve(name + "-panel-150.png"), 1.5);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          w.stage().setWidth(width);
          w.stage().setHeight(height);
        });
    WaitForAsyncUtils.waitForFxEvents();
  }

  /** Waits for the training demo shown to finish its run. */
  private void awaitDemo() throws Exception {
    await();
    WaitForAsyncUtils.waitFor(
        180,
        TimeUnit.SECONDS,
        () -> {
          DemoView d = w.lessons().demoView();
          if (d instanceof TrainingCostDemoView c) {
            return c.resultProperty().get() != null && c.resultProperty().get().done();
          }
          if (d instanceof RepOptDemoView r) {
            return r.resultProperty().get() != null && r.resultProperty().get().done();
          }
          if (d instanceof DyRepDemoView g) {
            return g.resultProperty().get() != null && g.resultProperty().get().done();
          }
          if (d instanceof VaeTrainingDemoView v) {
            return v.resultProperty().get() != null && v.resultProperty().get().done();
          }
          return d != null && !d.figures().isEmpty();
        });
    await();
  }

  private void scrollPanelToEnd(FxRobot robot) {
    robot.interact(
        () ->
            w.lessons()
                .lookupAll(".lesson-scroll")
                .forEach(n -> ((javafx.scene.control.ScrollPane) n).setVvalue(1)));
  }

  private boolean wanted(String id) {
    String only = System.getProperty("replens.lesson", "");
    return only.isEmpty() || only.equals(id);
  }

  @Test
  void renderKeySteps(FxRobot robot) throws Exception {
    Path dir = Path.of(System.getProperty("replens.gallery"));
    Files.createDirectories(dir);
    if (wanted("conv-bn")) {
      go(robot, "conv-bn", 1);
      shoot(robot, dir, "conv-bn-2-fold");
      robot.interact(() -> w.lessons().runner().goTo(3));
      await();
      WaitForAsyncUtils.waitFor(
          10, TimeUnit.SECONDS, () -> !w.lessons().demoView().figures().isEmpty());
      shoot(robot, dir, "conv-bn-4-train-mode");
      robot.interact(() -> w.lessons().runner().goTo(4));
      await();
      shoot(robot, dir, "conv-bn-5-difference");
    }
    if (wanted("repvgg")) {
      go(robot, "repvgg", 3);
      shoot(robot, dir, "repvgg-4-additivity");
      robot.interact(() -> w.lessons().runner().next());
      await();
      robot.interact(
          () -> w.session().execute(new DeleteBranchCommand(w.session(), "rbr_identity")));
      shoot(robot, dir, "repvgg-5-task-done");
      robot.interact(
          () -> {
            try {
              w.lessons().exportReport(dir.resolve("repvgg-report.html"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    if (wanted("acnet-dbb")) {
      go(robot, "acnet-dbb", 1);
      shoot(robot, dir, "acnet-dbb-2-centre-cross");
      robot.interact(() -> w.lessons().runner().goTo(4));
      await();
      var b = w.session().spec().branch("dbb_1x1_kxk").orElseThrow();
      robot.interact(
          () ->
              w.session()
                  .execute(
                      new EditBranchCommand(
                          w.session(), b.id(), b.withPaddingMode(PaddingMode.PER_OP), "mode")));
      await();
      robot.interact(() -> w.lessons().runner().next());
      await();
      robot.interact(
          () ->
              ((dev.replens.views.badge.ErrorBadge) w.stage().getScene().lookup("#stepBadge"))
                  .setExpanded(true));
      shoot(robot, dir, "acnet-dbb-6-border");
    }
    if (wanted("orepa")) {
      go(robot, "orepa", 2);
      shoot(robot, dir, "orepa-3-squeeze");
      robot.interact(() -> w.lessons().runner().goTo(4));
      awaitDemo();
      shoot(robot, dir, "orepa-5-cost");
      robot.interact(() -> w.lessons().runner().next());
      await();
      scrollPanelToEnd(robot);
      shoot(robot, dir, "orepa-6-similarity");
    }
    if (wanted("repoptimizer")) {
      go(robot, "repoptimizer", 3);
      awaitDemo();
      shoot(robot, dir, "repoptimizer-4-trajectories");
      robot.interact(() -> w.lessons().runner().next());
      await();
      robot.interact(() -> ((RepOptDemoView) w.lessons().demoView()).mismatchBox().fire());
      awaitDemo();
      shoot(robot, dir, "repoptimizer-5-mismatch");
    }
    if (wanted("dyrep")) {
      go(robot, "dyrep", 3);
      awaitDemo();
      shoot(robot, dir, "dyrep-4-growth");
      scrollPanelToEnd(robot);
      shoot(robot, dir, "dyrep-4-events");
    }
    if (wanted("vae-trick")) {
      go(robot, "vae-trick", 4);
      WaitForAsyncUtils.waitFor(
          10, TimeUnit.SECONDS, () -> !w.lessons().demoView().figures().isEmpty());
      shoot(robot, dir, "vae-5-variance");
      robot.interact(() -> w.lessons().runner().next());
      awaitDemo();
      shoot(robot, dir, "vae-6-training");
      scrollPanelToEnd(robot);
      shoot(robot, dir, "vae-6-training-end");
    }
    long hold = Long.getLong("replens.gallery.holdMs", 0);
    if (hold > 0) {
      Thread.sleep(hold);
    }
  }
}
