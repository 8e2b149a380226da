package dev.replens.app.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.app.design.DeleteBranchCommand;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.lesson.Lesson;
import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.engine.model.Weights;
import dev.replens.engine.samples.SampleCatalog;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Starting a lesson over the user's work: the RepVGG sample with its trained weights and one branch
 * deleted (unsaved). The lesson asks first; "Keep my design" leaves design, weights, history and
 * status as they were, "Start the lesson" replaces them.
 */
@ExtendWith(ApplicationExtension.class)
class LessonStartTest {

  @TempDir static Path home;

  private MainWindow w;

  @Start
  void start(Stage stage) throws Exception {
    w = TestWindows.open(stage, "repvgg", home);
    w.graph().setAnimated(false);
    stage.show();
  }

  private void openTrainedAndEdit(FxRobot robot) throws Exception {
    robot.interact(
        () -> {
          w.openSample(SampleCatalog.find("repvgg").orElseThrow());
          String branch = w.session().spec().branches().get(1).id();
          w.session().execute(new DeleteBranchCommand(w.session(), branch));
        });
    awaitAnalysis();
    assertThat(w.session().weightsSourceProperty().get()).contains("trained");
    assertThat(w.session().commands().isModified()).isTrue();
  }

  private void awaitAnalysis() throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        20,
        TimeUnit.SECONDS,
        () ->
            w.stepper().analysisProperty().get() != null
                && w.stepper().analysisProperty().get().spec().equals(w.session().spec())
                && !w.analysis().busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
  }

  /** Starts the lesson as the chooser does, and answers its question with {@code answer}. */
  private void startAndAnswer(FxRobot robot, String answer) throws Exception {
    Lesson l = LessonCatalog.load("conv-bn");
    Platform.runLater(() -> w.lessons().start(l));
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup("#lessonConfirmDialog").tryQuery().isPresent());
    DialogPane dialog = robot.lookup("#lessonConfirmDialog").queryAs(DialogPane.class);
    assertThat(dialog.getContentText())
        .contains("unsaved changes")
        .contains("trained on the shapes data set");
    Button button =
        robot.from(dialog).lookup(".button").queryAllAs(Button.class).stream()
            .filter(b -> b.getText().equals(answer))
            .findFirst()
            .orElseThrow();
    robot.clickOn(button);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#lessonConfirmDialog").tryQuery()).isEmpty();
  }

  private String status(FxRobot robot) {
    return robot.lookup("#statusBar").queryAs(StatusBar.class).getText();
  }

  @Test
  void cancellingKeepsTheDesignTheTrainedWeightsTheHistoryAndTheStatus(FxRobot robot)
      throws Exception {
    openTrainedAndEdit(robot);
    DesignDocument doc = w.session().document();
    Weights weights = w.session().weights();
    String source = w.session().weightsSourceProperty().get();
    String status = status(robot);
    assertThat(status).contains("trained on the shapes data set");

    startAndAnswer(robot, "Keep my design");

    assertThat(w.lessons().runner().lesson()).isNull();
    assertThat(w.session().document()).isSameAs(doc);
    assertThat(w.session().weights()).isSameAs(weights);
    assertThat(w.session().weightsSourceProperty().get()).isEqualTo(source);
    assertThat(w.session().commands().isModified()).isTrue();
    assertThat(w.session().commands().canUndoProperty().get()).isTrue();
    assertThat(status(robot)).isEqualTo(status);
  }

  @Test
  void agreeingStartsTheLessonOnItsOwnDesign(FxRobot robot) throws Exception {
    openTrainedAndEdit(robot);

    startAndAnswer(robot, "Start the lesson");
    awaitAnalysis();

    assertThat(w.lessons().runner().lesson().id()).isEqualTo("conv-bn");
    assertThat(w.lessons().isVisible()).isTrue();
    assertThat(w.session().weightsSourceProperty().get()).startsWith("seeded random");
  }
}
