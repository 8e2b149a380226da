package dev.replens.app.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.app.explorer.FusionAnalysis;
import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.views.graph.GraphElement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Every workspace and the lesson drawer at 1440×900 and 1280×720, on the RepVGG sample: no text is
 * elided ({@link LayoutAudit#elidedText}), and every node of the block graph lies inside the
 * visible canvas at every fusion step.
 */
@ExtendWith(ApplicationExtension.class)
class WorkspaceLayoutTest {

  private static final double[][] SIZES = {{1440, 900}, {1280, 720}};

  @TempDir static Path home;

  private MainWindow w;

  @Start
  void start(Stage stage) throws Exception {
    w = TestWindows.open(stage, "repvgg", home);
    w.graph().setAnimated(false);
    stage.show();
  }

  private void resize(FxRobot robot, double[] size) throws Exception {
    robot.interact(
        () -> {
          w.stage().setWidth(size[0]);
          w.stage().setHeight(size[1]);
        });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(w.stage().getScene().getWidth()).isEqualTo(size[0]);
    assertThat(w.stage().getScene().getHeight()).isEqualTo(size[1]);
  }

  private void awaitAnalysis() throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        20,
        TimeUnit.SECONDS,
        () -> {
          FusionAnalysis a = w.stepper().analysisProperty().get();
          return a != null
              && a.spec().equals(w.session().spec())
              && !w.analysis().busyProperty().get();
        });
    WaitForAsyncUtils.waitForFxEvents();
  }

  /** The audit of the whole window, each finding prefixed with where it was seen. */
  private List<String> audit(FxRobot robot, String where) {
    List<String> out = new ArrayList<>();
    robot.interact(
        () -> {
          javafx.scene.Parent root = w.stage().getScene().getRoot();
          root.applyCss();
          root.layout();
          LayoutAudit.elidedText(root).forEach(f -> out.add(where + ": " + f));
          saveIfGallery(root, where);
        });
    return out;
  }

  /** With -Dreplens.gallery=DIR, keeps a PNG of what was audited, to look at. */
  private static void saveIfGallery(javafx.scene.Parent root, String where) {
    String dir = System.getProperty("replens.gallery");
    if (dir == null || dir.isBlank()) {
      return;
    }
    try {
      java.nio.file.Files.createDirectories(Path.of(dir));
      dev.replens.views.export.PngExport.save(
          root, Path.of(dir, where.replaceAll("[^A-Za-z0-9]+", "-") + ".png"), 1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<String> graphOutside(FxRobot robot, String where) {
    List<String> out = new ArrayList<>();
    robot.interact(
        () -> {
          Node viewport = w.graph().lookup(".graph-viewport");
          LayoutAudit.outside(viewport, w.graph(), ".graph-node")
              .forEach(f -> out.add(where + ": " + f));
        });
    return out;
  }

  /** The workspace beside the open drawer is narrower than it can lay itself out in. */
  private List<String> covered(FxRobot robot, String where) {
    List<String> out = new ArrayList<>();
    robot.interact(
        () -> {
          Node content = w.workspaces().getSelectionModel().getSelectedItem().getContent();
          double room = w.workspaces().getWidth();
          double min = content.minWidth(-1);
          if (room + 0.5 < min) {
            out.add(
                String.format(
                    java.util.Locale.ROOT,
                    "%s: the drawer leaves the workspace %.0f px of the %.0f it needs",
                    where,
                    room,
                    min));
          }
        });
    return out;
  }

  /** The workspace's panels that reach past the window's edges. */
  private List<String> beyondWindow(FxRobot robot, String where) {
    List<String> out = new ArrayList<>();
    robot.interact(
        () -> {
          Node root = w.stage().getScene().getRoot();
          Node shown = w.workspaces().getSelectionModel().getSelectedItem().getContent();
          for (String panel : List.of(".lab-side", ".lab-controls", ".chart-card", ".live-chart")) {
            LayoutAudit.outsideAcross(root, shown, panel).forEach(f -> out.add(where + ": " + f));
          }
        });
    return out;
  }

  private static String size(double[] s) {
    return (int) s[0] + "×" + (int) s[1];
  }

  @Test
  void explorerAtEveryFusionStepShowsAllTextAndTheWholeGraph(FxRobot robot) throws Exception {
    List<String> findings = new ArrayList<>();
    for (double[] s : SIZES) {
      resize(robot, s);
      robot.interact(() -> w.showWorkspace("explorerTab"));
      awaitAnalysis();
      int steps = w.stepper().size();
      for (int i = 0; i < steps; i++) {
        int step = i;
        robot.interact(() -> w.stepper().indexProperty().set(step));
        WaitForAsyncUtils.waitForFxEvents();
        String where = size(s) + " explorer step " + (i + 1) + "/" + steps;
        if (i == 0) {
          assertThat(
                  robot
                      .lookup(".step-position")
                      .queryAs(javafx.scene.control.Label.class)
                      .getText())
              .isEqualTo("stage 1 of 4 · step 1 of " + steps);
        }
        if (i == steps - 1) {
          // The fused conv is one branch: no sum node of one input is drawn.
          assertThat(w.graph().lookup(".graph-sum").isVisible()).isFalse();
        } else if (i == 0) {
          assertThat(w.graph().lookup(".graph-sum").isVisible()).isTrue();
        }
        findings.addAll(audit(robot, where));
        findings.addAll(graphOutside(robot, where));
      }
      // The inspector, on the block and on an op.
      robot.interact(
          () -> {
            w.stepper().first();
            w.graph().setSelection(GraphElement.BLOCK);
          });
      WaitForAsyncUtils.waitForFxEvents();
      findings.addAll(audit(robot, size(s) + " inspector on the block"));
      robot.interact(
          () -> {
            var b = w.session().spec().branches().get(0);
            w.graph().setSelection(GraphElement.op(b.id(), b.ops().get(0).id()));
          });
      WaitForAsyncUtils.waitForFxEvents();
      findings.addAll(audit(robot, size(s) + " inspector on an op"));
      robot.interact(() -> w.graph().setSelection(null));
    }
    assertThat(findings).isEmpty();
  }

  @Test
  void theLabWorkspacesShowAllTheirText(FxRobot robot) throws Exception {
    List<String> findings = new ArrayList<>();
    for (double[] s : SIZES) {
      resize(robot, s);
      for (String tab : List.of("trainingTab", "repoptTab", "dyrepTab")) {
        robot.interact(() -> w.showWorkspace(tab));
        WaitForAsyncUtils.waitForFxEvents();
        findings.addAll(audit(robot, size(s) + " " + tab));
        findings.addAll(beyondWindow(robot, size(s) + " " + tab));
      }
    }
    assertThat(findings).isEmpty();
  }

  @Test
  void theLessonDrawerShowsAllItsTextAndLeavesTheWorkspaceWhole(FxRobot robot) throws Exception {
    List<String> findings = new ArrayList<>();
    for (double[] s : SIZES) {
      resize(robot, s);
      robot.interact(() -> w.lessons().showChooser());
      WaitForAsyncUtils.waitForFxEvents();
      findings.addAll(audit(robot, size(s) + " lesson chooser"));
    }
    var lesson = LessonCatalog.load("repvgg");
    robot.interact(() -> w.lessons().start(lesson));
    awaitAnalysis();
    for (double[] s : SIZES) {
      resize(robot, s);
      awaitAnalysis();
      findings.addAll(audit(robot, size(s) + " lesson " + lesson.id()));
      findings.addAll(graphOutside(robot, size(s) + " lesson " + lesson.id()));
      findings.addAll(covered(robot, size(s) + " lesson " + lesson.id()));
    }
    assertThat(findings).isEmpty();

    // Escape closes the drawer; the workspace gets its width back.
    robot.type(KeyCode.ESCAPE);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(w.lessons().isVisible()).isFalse();
    assertThat(w.workspaces().getWidth()).isEqualTo(w.stage().getScene().getWidth());
  }
}
