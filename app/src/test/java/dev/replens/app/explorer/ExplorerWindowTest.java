package dev.replens.app.explorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.app.design.AddOpCommand;
import dev.replens.app.design.DeleteBranchCommand;
import dev.replens.app.files.RecoveryStore;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.views.NumberText;
import dev.replens.views.badge.ErrorBadge;
import dev.replens.views.graph.GraphElement;
import dev.replens.views.heatmap.ErrorMapView;
import dev.replens.views.heatmap.KernelHeatmap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Drives the explorer window headless: palette, graph, stepper, heatmaps, undo, files. */
@ExtendWith(ApplicationExtension.class)
class ExplorerWindowTest {

  @TempDir static Path home;

  private MainWindow w;

  @Start
  void start(Stage stage) throws Exception {
    w = TestWindows.open(stage, "repvgg", home);
    w.graph().setAnimated(false);
    stage.show();
  }

  /** Waits until the analysis of the current design is shown. */
  private void awaitAnalysis() throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        20,
        TimeUnit.SECONDS,
        () -> {
          FusionAnalysis a = w.analysis().resultProperty().get();
          return a != null
              && a.spec().equals(w.session().spec())
              && !w.analysis().busyProperty().get();
        });
    WaitForAsyncUtils.waitForFxEvents();
  }

  private static boolean has(Node n, String pseudo) {
    return n.getPseudoClassStates().contains(PseudoClass.getPseudoClass(pseudo));
  }

  private Node node(String branch, String op) {
    return w.graph().lookupElement(GraphElement.op(branch, op)).orElseThrow();
  }

  @Test
  void buildsARepvggBlockFromThePalette(FxRobot robot) throws Exception {
    var plain = SampleCatalog.load("plain-conv-bn").block();
    robot.interact(
        () ->
            w.session()
                .open(
                    new DesignDocument("Mine", "", plain, java.util.Map.of(), null),
                    null,
                    null,
                    "seeded random (seed 1)"));
    for (String template : List.of("chain-1x1-bn", "chain-identity-bn")) {
      Node item = robot.lookup("#palette-" + template).query();
      robot.interact(item::requestFocus);
      robot.type(KeyCode.ENTER);
    }
    awaitAnalysis();
    var branches = w.session().spec().branches();
    assertThat(branches).hasSize(3);
    assertThat(branches.get(1).ops())
        .satisfiesExactly(
            o ->
                assertThat(o)
                    .isInstanceOf(Conv.class)
                    .extracting(x -> ((Conv) x).kernelH())
                    .isEqualTo(1),
            o -> assertThat(o).isInstanceOf(BatchNorm.class));
    assertThat(branches.get(2).ops())
        .satisfiesExactly(
            o -> assertThat(o).isInstanceOf(Identity.class),
            o -> assertThat(o).isInstanceOf(BatchNorm.class));
    assertThat(w.analysis().resultProperty().get().problems()).isEmpty();
    assertThat(w.graph().lookupElement(GraphElement.op(branches.get(2).id(), "id"))).isPresent();
  }

  /**
   * The step badge and the status bar show one figure and one verdict, the engine's for that step,
   * at every step; and the Difference map colors against the same bound.
   */
  @Test
  void theStepBadgeAndTheStatusBarAgreeOnTheFigureAndTheVerdict(FxRobot robot) throws Exception {
    awaitAnalysis();
    ErrorBadge badge = robot.lookup("#stepBadge").queryAs(ErrorBadge.class);
    Label status = robot.lookup("#statusError").queryAs(Label.class);
    ErrorMapView map = robot.lookup("#errorMap").queryAs(ErrorMapView.class);
    FusionAnalysis a = w.analysis().resultProperty().get();
    int steps = w.stepper().size();
    for (int i : new int[] {0, 1, steps / 2, steps - 1}) {
      robot.interact(() -> w.stepper().indexProperty().set(i));
      WaitForAsyncUtils.waitForFxEvents();
      StepCheck check = a.checks().get(i);
      String figure = "max |Δ| " + NumberText.scientific(check.error().maxAbs());
      assertThat(badge.getText()).as("step %d", i).isEqualTo(figure + " · within round-off");
      assertThat(status.getText())
          .as("step %d", i)
          .isEqualTo(
              "step "
                  + (i + 1)
                  + " of "
                  + steps
                  + ": "
                  + figure
                  + " · within round-off (bound "
                  + NumberText.scientific(check.bound())
                  + ")");
      assertThat(has(status, "ok")).isTrue();
      assertThat(map.getBound()).isEqualTo(check.bound());
      assertThat(map.getComparison()).isEqualTo(check.error());
    }
    // At the fused step both show the fused error, not the training form's 0.
    assertThat(status.getText()).contains(NumberText.scientific(a.fusedError()));
    assertThat(a.fusedError()).isGreaterThan(0);

    // A real mismatch: both turn red and say the same.
    robot.interact(
        () -> {
          badge.show(new Verdict(0.5, 1e-4, "float32", "Pad 1x1 → 3x3 in rbr_1x1"));
        });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(status.getText())
        .endsWith(
            "max |Δ| 5.0e−01 · real mismatch, 5000× the bound 1.0e−04, in “Pad 1x1 → 3x3 in"
                + " rbr_1x1”");
    assertThat(has(status, "diverged")).isTrue();
    assertThat(has(badge, "diverged")).isTrue();
  }

  @Test
  void stepsThroughEveryStageAndShowsTheEnginesFusedKernel(FxRobot robot) throws Exception {
    awaitAnalysis();
    int steps = w.stepper().size();
    assertThat(steps).isGreaterThan(8);
    java.util.Set<StageKind> seen = java.util.EnumSet.noneOf(StageKind.class);
    Button next = robot.lookup("#stepNext").queryButton();
    for (int i = 0; i < steps; i++) {
      seen.add(w.stepper().stepProperty().get().stage());
      Node badge = robot.lookup("#stepBadge").query();
      assertThat(has(badge, "ok")).as("step %d badge", i).isTrue();
      if (i < steps - 1) {
        robot.clickOn(next);
        WaitForAsyncUtils.waitForFxEvents();
      }
    }
    assertThat(seen).containsExactly(StageKind.values());
    assertThat(next.isDisabled()).isTrue();
    assertThat(robot.lookup("#stepTitle").queryAs(Label.class).getText()).isNotBlank();

    Kernel engine = FusionPipeline.run(w.session().spec(), w.session().weights()).fusedKernel();
    KernelSnapshot shown = w.kernels().heatmap("fused").getKernel();
    KernelSnapshot expected = engine.snapshot();
    assertThat(shown.weight().length).isEqualTo(expected.weight().length);
    for (int i = 0; i < expected.weight().length; i++) {
      assertThat(Math.abs(shown.weight()[i] - expected.weight()[i])).isLessThan(1e-6);
    }
    for (int i = 0; i < expected.bias().length; i++) {
      assertThat(Math.abs(shown.bias()[i] - expected.bias()[i])).isLessThan(1e-6);
    }
    // The canvas shows the fused block: one lane holding one conv.
    assertThat(w.graph().getSpec().branches()).hasSize(1);
    robot.type(KeyCode.HOME);
    robot.interact(w.stepper()::first);
    assertThat(w.graph().getSpec()).isEqualTo(w.session().spec());
  }

  @Test
  void undoAndRedoTakeASequenceOfEditsBackToTheStart(FxRobot robot) throws Exception {
    awaitAnalysis();
    DesignDocument startDoc = w.session().document();
    robot.clickOn(node("rbr_dense", "bn"));
    robot.type(KeyCode.DELETE);
    Node item = robot.lookup("#palette-chain-1x1-avg").query();
    robot.interact(item::requestFocus);
    robot.type(KeyCode.ENTER);
    robot.clickOn(node("rbr_1x1", "conv"));
    robot.type(KeyCode.DELETE);
    DesignDocument endDoc = w.session().document();
    assertThat(endDoc.block().branches()).hasSize(4);
    assertThat(endDoc).isNotEqualTo(startDoc);
    for (int i = 0; i < 3; i++) {
      robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
    }
    assertThat(w.session().document()).isEqualTo(startDoc);
    assertThat(w.stage().getTitle()).doesNotStartWith("•");
    robot.press(KeyCode.CONTROL).type(KeyCode.Y).release(KeyCode.CONTROL);
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.Z)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    robot.press(KeyCode.CONTROL).type(KeyCode.Y).release(KeyCode.CONTROL);
    assertThat(w.session().document()).isEqualTo(endDoc);
    assertThat(w.stage().getTitle()).startsWith("•");
  }

  @Test
  void aSampleOpensWithTheTrainedWeightsItShips(FxRobot robot) throws Exception {
    SampleCatalog.Sample dbb = SampleCatalog.find("dbb").orElseThrow();
    robot.interact(() -> w.openSample(dbb));
    var shipped = SampleCatalog.loadWeights(dbb, SampleCatalog.load(dbb)).orElseThrow();
    assertThat(w.session().weightsSourceProperty().get()).startsWith("dbb-shapes.npz");
    for (String k : shipped.keys()) {
      assertThat(w.session().weights().get(k)).as(k).isEqualTo(shipped.get(k));
    }
    assertThat(w.session().document().weights()).isNull();
  }

  @Test
  void savesAndReopensTheDesign(FxRobot robot) throws Exception {
    robot.interact(() -> w.session().execute(new DeleteBranchCommand(w.session(), "rbr_1x1")));
    DesignDocument edited = w.session().document();
    Path f = home.resolve("saved.json");
    boolean[] saved = new boolean[1];
    robot.interact(() -> saved[0] = w.saveAs(f));
    assertThat(saved[0]).isTrue();
    assertThat(w.stage().getTitle()).isEqualTo("saved.json — RepLens");
    robot.interact(() -> w.session().execute(new DeleteBranchCommand(w.session(), "rbr_dense")));
    robot.interact(() -> w.session().commands().markSaved());
    robot.interact(() -> w.openFile(f));
    assertThat(w.session().document()).isEqualTo(edited);
    assertThat(Files.readString(f)).contains("\"format\" : \"replens-design\"");
  }

  @Test
  void anInvalidDesignShowsItsErrorOnTheRightNode(FxRobot robot) throws Exception {
    robot.interact(
        () ->
            w.session()
                .execute(
                    new AddOpCommand(
                        w.session(), "rbr_dense", 1, new Nonlinearity("relu", Activation.RELU))));
    awaitAnalysis();
    var problems = w.analysis().resultProperty().get().problems();
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.branchId()).isEqualTo("rbr_dense");
              assertThat(p.opId()).isEqualTo("relu");
            });
    Node relu = node("rbr_dense", "relu");
    assertThat(has(relu, "invalid")).isTrue();
    assertThat(has(node("rbr_dense", "conv"), "invalid")).isFalse();
    Tooltip tip = findTooltip(relu);
    assertThat(tip).isNotNull();
    assertThat(tip.getText()).contains(problems.get(0).message());
    assertThat(w.stage().getScene().lookup("#statusBar")).isNotNull();
  }

  private static Tooltip findTooltip(Node n) {
    Object t = n.getProperties().get("javafx.scene.control.Tooltip");
    if (t instanceof Tooltip tip) {
      return tip;
    }
    if (n instanceof javafx.scene.Parent p) {
      for (Node c : p.getChildrenUnmodifiable()) {
        Tooltip found = findTooltip(c);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  @Test
  void heatmapColorsChangeWhenTheKernelChanges(FxRobot robot) throws Exception {
    awaitAnalysis();
    KernelHeatmap fused = w.kernels().heatmap("fused");
    WritableImage before =
        robot.interact(() -> fused.snapshot(null, null)) == null ? null : snap(robot, fused);
    robot.interact(() -> w.session().execute(new DeleteBranchCommand(w.session(), "rbr_identity")));
    awaitAnalysis();
    WritableImage after = snap(robot, w.kernels().heatmap("fused"));
    int differing = 0;
    int wdt = (int) Math.min(before.getWidth(), after.getWidth());
    int hgt = (int) Math.min(before.getHeight(), after.getHeight());
    for (int y = 0; y < hgt; y++) {
      for (int x = 0; x < wdt; x++) {
        if (before.getPixelReader().getArgb(x, y) != after.getPixelReader().getArgb(x, y)) {
          differing++;
        }
      }
    }
    assertThat(differing).isGreaterThan(200);
  }

  @Test
  void oneColorScaleIsSharedAndCanBeTurnedOff(FxRobot robot) throws Exception {
    awaitAnalysis();
    KernelHeatmap fused = w.kernels().heatmap("fused");
    KernelHeatmap dense = w.kernels().heatmap("rbr_dense");
    double all =
        Math.max(
            fused.getKernel().maxAbs(),
            Math.max(
                dense.getKernel().maxAbs(), w.kernels().heatmap("rbr_1x1").getKernel().maxAbs()));
    assertThat(dense.getEffectiveScale()).isEqualTo(fused.getEffectiveScale());
    assertThat(fused.getEffectiveScale()).isGreaterThanOrEqualTo(all);
    assertThat(dense.isShowColorBar()).isFalse();
    assertThat(fused.isShowColorBar()).isTrue();
    robot.interact(() -> ((CheckBox) robot.lookup("#sharedScale").query()).setSelected(false));
    assertThat(dense.getEffectiveScale()).isEqualTo(dense.getKernel().maxAbs());
    assertThat(fused.getEffectiveScale()).isEqualTo(fused.getKernel().maxAbs());
    assertThat(dense.isShowColorBar()).isTrue();
  }

  private static WritableImage snap(FxRobot robot, Node n) {
    WritableImage[] img = new WritableImage[1];
    robot.interact(() -> img[0] = n.snapshot(null, null));
    return img[0];
  }

  @Test
  void aCorruptDesignFileGetsADialogAndTheAppKeepsRunning(FxRobot robot) throws Exception {
    Path bad =
        Files.writeString(
            home.resolve("broken.json"),
            "{\"format\": \"replens-design\",\n\"formatVersion\": 1,\n\"block\": {,}}");
    DesignDocument before = w.session().document();
    Platform.runLater(() -> w.openFile(bad));
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup("#errorDialog").tryQuery().isPresent());
    DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
    String text = ((Label) dialog.getContent()).getText();
    assertThat(text).contains("broken.json, line 3");
    robot.clickOn(dialog.lookupButton(javafx.scene.control.ButtonType.OK));
    assertThat(w.session().document()).isEqualTo(before);
    assertThat(w.stage().isShowing()).isTrue();
  }

  @Test
  void anEditIsAutosavedToTheRecoveryCopy(FxRobot robot) throws Exception {
    RecoveryStore store = new RecoveryStore(home.resolve("recovery"));
    store.clear();
    robot.interact(() -> w.session().execute(new DeleteBranchCommand(w.session(), "rbr_1x1")));
    DesignDocument edited = w.session().document();
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> store.load().map(r -> r.design().equals(edited)).orElse(false));
  }
}
