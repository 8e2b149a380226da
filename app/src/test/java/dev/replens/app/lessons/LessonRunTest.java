package dev.replens.app.lessons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.app.design.DeleteBranchCommand;
import dev.replens.app.design.EditBranchCommand;
import dev.replens.app.explorer.FusionAnalysis;
import dev.replens.app.explorer.InspectorPane;
import dev.replens.app.explorer.KernelsPane;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.lesson.DyRepStudy;
import dev.replens.engine.lesson.Lesson;
import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.engine.lesson.RepOptStudy;
import dev.replens.engine.lesson.TrainModeBatchNorm;
import dev.replens.engine.lesson.TrainingCostStudy;
import dev.replens.engine.lesson.VaeStudy;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.TransformKind;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.engine.train.MemoryUsage;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.transform.BnStats;
import dev.replens.engine.vae.EstimatorStudy;
import dev.replens.engine.vae.TestFunction;
import dev.replens.views.graph.GraphElement;
import dev.replens.views.heatmap.KernelHeatmap;
import dev.replens.views.heatmap.KernelTap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
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
 * Runs each shipped lesson end to end in the real window, headless: every step is reached through
 * the panel's Next button, tasks are done through the UI (or a command where the UI is a canvas
 * gesture), their checks turn done, and the numbers shown are compared with the engine's own
 * (within 1e-6).
 */
@ExtendWith(ApplicationExtension.class)
class LessonRunTest {

  @TempDir static Path home;

  private MainWindow w;

  @Start
  void start(Stage stage) throws Exception {
    w = TestWindows.open(stage, "repvgg", home);
    w.graph().setAnimated(false);
    stage.show();
  }

  // ---------------------------------------------------------------- helpers

  private LessonRunner runner() {
    return w.lessons().runner();
  }

  /** Waits until the step's actions are done and the analysis matches the design. */
  private void awaitStep() throws Exception {
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitFor(
        20,
        TimeUnit.SECONDS,
        () -> {
          FusionAnalysis a = w.stepper().analysisProperty().get();
          return !runner().performingProperty().get()
              && a != null
              && a.spec().equals(w.session().spec())
              && !w.analysis().busyProperty().get();
        });
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void next(FxRobot robot) throws Exception {
    robot.clickOn("#lessonNext");
    awaitStep();
  }

  private void startFromChooser(FxRobot robot, String id) throws Exception {
    robot.press(KeyCode.CONTROL).type(KeyCode.L).release(KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(w.lessons().isVisible()).isTrue();
    Node start = robot.lookup("#lesson-start-" + id).query();
    javafx.scene.control.ScrollPane list =
        (javafx.scene.control.ScrollPane) robot.lookup("#lessonChooser .lesson-scroll").query();
    // Scroll the list so that the lesson's card is in view, as a user would.
    robot.interact(
        () -> {
          var content = list.getContent();
          double y = content.sceneToLocal(start.localToScene(0, 0)).getY();
          double range =
              content.getBoundsInLocal().getHeight() - list.getViewportBounds().getHeight();
          list.setVvalue(range <= 0 ? 0 : Math.min(1, Math.max(0, (y - 40) / range)));
        });
    robot.clickOn(start);
    awaitStep();
    assertThat(runner().lesson().id()).isEqualTo(id);
  }

  private void startDirectly(FxRobot robot, String id) throws Exception {
    Lesson l = LessonCatalog.load(id);
    robot.interact(() -> w.lessons().start(l));
    awaitStep();
  }

  /** The value shown in row {@code i} of the live numbers, parsed back from its text. */
  private double shown(FxRobot robot, int i) {
    String text = robot.lookup("#lessonNumber-" + i).queryAs(Label.class).getText();
    return Double.parseDouble(text.replace('−', '-').replace("—", "NaN"));
  }

  private String shownLabel(int i) {
    return runner().readings().get(i).label();
  }

  private Pipeline engine() {
    return FusionPipeline.run(w.session().spec(), w.session().weights());
  }

  private static double tap(Kernel k, int o, int i, int y, int x) {
    return k.weight().getDouble(o, i, y, x);
  }

  private static boolean has(Node n, String pseudo) {
    return n.getPseudoClassStates().contains(PseudoClass.getPseudoClass(pseudo));
  }

  private boolean taskShownDone(FxRobot robot) {
    Node status = robot.lookup("#lessonTaskStatus").query();
    return has(status, "done") && ((Label) status).getText().startsWith("Done");
  }

  private void awaitTaskDone(FxRobot robot) throws Exception {
    awaitStep();
    try {
      WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> taskShownDone(robot));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "the task isn't shown done: "
              + robot.lookup("#lessonTaskStatus").queryAs(Label.class).getText()
              + "; check passes now: "
              + runner()
                  .lesson()
                  .step(runner().index())
                  .task()
                  .doneWhen()
                  .passes(runner().state(w.stepper().analysisProperty().get())),
          e);
    }
  }

  private InspectorPane inspector(FxRobot robot) {
    return robot.lookup(n -> n instanceof InspectorPane).queryAs(InspectorPane.class);
  }

  private double bnScale(String branch, String op, int c) {
    BatchNorm bn = (BatchNorm) w.session().spec().branch(branch).orElseThrow().op(op).orElseThrow();
    return BnStats.of(w.session().weights(), branch, bn).scale().getDouble(c);
  }

  // ---------------------------------------------------------------- lesson 1

  @Test
  void convBnLessonFoldsTheBnOnARealKernelAndShowsTrainModeDiffers(FxRobot robot) throws Exception {
    startFromChooser(robot, "conv-bn");
    // Step 1: the plain sample, BN selected, γ/σ and W read live.
    assertThat(w.session().document().name()).isEqualTo("Plain conv + BN");
    assertThat(w.graph().getSelection()).isEqualTo(GraphElement.op("conv_bn", "bn"));
    assertThat(shown(robot, 0)).isCloseTo(bnScale("conv_bn", "bn", 0), within(1e-6));
    double convW = w.session().weights().get("conv_bn", "conv", "weight").getDouble(0, 0, 1, 1);
    assertThat(shown(robot, 1)).isCloseTo(convW, within(1e-6));

    // Step 2: at the fused stage, W' = W·γ/σ on screen and in the engine.
    next(robot);
    assertThat(w.stepper().stepProperty().get().stage()).isEqualTo(StageKind.FUSED);
    Kernel fused = engine().fusedKernel();
    assertThat(shownLabel(2)).isEqualTo("fused W'[0, 0, 1, 1]");
    assertThat(shown(robot, 2)).isCloseTo(tap(fused, 0, 0, 1, 1), within(1e-6));
    assertThat(shown(robot, 2)).isCloseTo(shown(robot, 0) * shown(robot, 1), within(1e-6));
    assertThat(shown(robot, 3)).isCloseTo(fused.bias().getDouble(0), within(1e-6));
    KernelTap sel = w.kernels().heatmap(KernelsPane.FUSED).getSelectedTap();
    assertThat(sel.y()).isEqualTo(1);
    assertThat(sel.x()).isEqualTo(1);

    // Step 3: the task: change ε in the inspector; γ/σ and the fused tap follow.
    next(robot);
    assertThat(taskShownDone(robot)).isFalse();
    double before = shown(robot, 1);
    TextField eps =
        robot
            .from(inspector(robot))
            .lookup((Node n) -> n instanceof TextField t && t.getText().contains("e-05"))
            .queryAs(TextField.class);
    robot.interact(eps::requestFocus);
    robot.press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL);
    robot.write("0.5").type(KeyCode.ENTER);
    awaitTaskDone(robot);
    BatchNorm bn =
        (BatchNorm) w.session().spec().branch("conv_bn").orElseThrow().op("bn").orElseThrow();
    assertThat(bn.eps()).isEqualTo(0.5);
    assertThat(runner().taskDoneProperty().get()).isTrue();
    assertThat(shown(robot, 0)).isCloseTo(bnScale("conv_bn", "bn", 0), within(1e-6));
    assertThat(shown(robot, 1)).isCloseTo(tap(engine().fusedKernel(), 0, 0, 1, 1), within(1e-6));
    assertThat(shown(robot, 1)).isNotCloseTo(before, within(1e-3));

    // Step 4: the batch-statistics demo shows the engine's comparison on this design.
    next(robot);
    BatchStatsDemoView demo = (BatchStatsDemoView) w.lessons().demoView();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> demo.reportProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    TrainModeBatchNorm.Report r = demo.reportProperty().get();
    TrainModeBatchNorm.Report expected =
        TrainModeBatchNorm.compare(w.session().spec(), w.session().weights(), 7);
    assertThat(r).isEqualTo(expected);
    assertThat(r.evalVsFused()).isLessThan(1e-5);
    assertThat(r.trainVsFused()).isGreaterThan(0.1);
    String trainText = robot.lookup("#bnDemoTrain").queryAs(Label.class).getText();
    assertThat(Double.parseDouble(trainText.replace('−', '-')))
        .isCloseTo(r.trainVsFused(), within(1e-3 * r.trainVsFused()));

    // Step 5: the difference view; the fused error is the analysis' and within tolerance.
    next(robot);
    assertThat(w.kernels().getSelectionModel().getSelectedItem().getId())
        .isEqualTo("differenceTab");
    double err = (double) robot.lookup("#lessonNumber-0").queryAs(Label.class).getUserData();
    assertThat(err).isEqualTo(w.stepper().analysisProperty().get().fusedError());
    assertThat(err).isLessThan(1e-5);
    assertThat(robot.lookup("#lessonNext").queryButton().getText()).startsWith("Finish");
    robot.clickOn("#lessonNext");
    assertThat(runner().lesson()).isNull();
    assertThat(robot.lookup("#lessonChooser").tryQuery()).isPresent();
  }

  // ---------------------------------------------------------------- lesson 2

  @Test
  void repvggLessonShowsPaddingIdentityAndAdditivityAndNoticesTheDeletedIdentity(FxRobot robot)
      throws Exception {
    startFromChooser(robot, "repvgg");
    assertThat(shown(robot, 0)).isEqualTo(3.0);
    assertThat(shown(robot, 1)).isCloseTo(tap(engine().fusedKernel(), 0, 0, 1, 1), within(1e-6));

    // Step 2: the stepper is at "pad 1x1 → 3x3"; the padded kernel is 0 off-centre.
    next(robot);
    var step = w.stepper().stepProperty().get();
    assertThat(step.transform()).isEqualTo(TransformKind.PAD);
    assertThat(step.branchId()).isEqualTo("rbr_1x1");
    Equivalents training = Equivalents.of(engine().training());
    assertThat(shown(robot, 0))
        .isCloseTo(tap(training.contribution("rbr_1x1"), 0, 0, 1, 1), within(1e-6));
    assertThat(shown(robot, 1)).isEqualTo(0.0);

    // Step 3: identity → kernel: γ/σ on the diagonal centre, 0 elsewhere.
    next(robot);
    assertThat(w.stepper().stepProperty().get().transform())
        .isEqualTo(TransformKind.IDENTITY_TO_KERNEL);
    assertThat(shown(robot, 0)).isCloseTo(bnScale("rbr_identity", "bn", 0), within(1e-6));
    assertThat(shown(robot, 1)).isCloseTo(shown(robot, 0), within(1e-6));
    assertThat(shown(robot, 2)).isEqualTo(0.0);

    // Step 4: additivity: the three branch taps add up to the fused one, in the chart too.
    next(robot);
    assertThat(w.stepper().stepProperty().get().transform()).isEqualTo(TransformKind.ADD_BRANCHES);
    double sum = shown(robot, 0) + shown(robot, 1) + shown(robot, 2);
    double fusedCentre = tap(engine().fusedKernel(), 0, 0, 1, 1);
    assertThat(shown(robot, 3)).isCloseTo(fusedCentre, within(1e-6));
    assertThat(sum).isCloseTo(fusedCentre, within(1e-6));
    KernelHeatmap fusedMap = w.kernels().heatmap(KernelsPane.FUSED);
    assertThat(fusedMap.getSelectedTap().y()).isEqualTo(1);
    assertThat(w.kernels().contributions().isVisible()).isTrue();

    // Step 5: the task: select the identity branch on the canvas and press Delete.
    next(robot);
    assertThat(w.stepper().indexProperty().get()).isZero();
    assertThat(w.graph().getSelection()).isEqualTo(GraphElement.branch("rbr_identity"));
    assertThat(taskShownDone(robot)).isFalse();
    double centreBefore = shown(robot, 0);
    double offBefore = shown(robot, 1);
    robot.interact(w.graph()::requestFocus);
    robot.type(KeyCode.DELETE);
    awaitTaskDone(robot);
    assertThat(w.session().spec().branch("rbr_identity")).isEmpty();
    Kernel without = engine().fusedKernel();
    assertThat(shown(robot, 0)).isCloseTo(tap(without, 0, 0, 1, 1), within(1e-6));
    // Only the diagonal centre changed, by the identity's γ/σ.
    assertThat(centreBefore - shown(robot, 0)).isCloseTo(identityScale(), within(1e-6));
    assertThat(shown(robot, 1)).isCloseTo(offBefore, within(1e-6));
    assertThat(shown(robot, 2)).isEqualTo(2.0);

    // Step 6: fused, exact; and the run report can be written.
    next(robot);
    assertThat(w.stepper().stepProperty().get().stage()).isEqualTo(StageKind.FUSED);
    assertThat((double) robot.lookup("#lessonNumber-0").queryAs(Label.class).getUserData())
        .isLessThan(1e-5);
    Path report = home.resolve("repvgg-report.html");
    robot.interact(
        () -> {
          try {
            w.lessons().exportReport(report);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    String html = Files.readString(report);
    assertThat(html)
        .contains("RepLens lesson report: RepVGG: three branches, one conv")
        .contains("Remove the identity branch")
        .contains("<span class=\"ok\">✓</span>")
        .contains("rbr_dense")
        .contains("Training form")
        .contains("Fused")
        .contains("data:image/png;base64,")
        .doesNotContain("rbr_identity</td>")
        .doesNotContain("src=\"http");
    assertThat(html.split("<img ", -1).length - 1).isGreaterThanOrEqualTo(5);
  }

  /** The identity branch's γ/σ of channel 0, as it was in the sample's seeded weights. */
  private double identityScale() throws Exception {
    var doc = SampleCatalog.load("repvgg");
    var wts =
        dev.replens.engine.model.WeightInit.forAnalysis(
            doc.block(), org.nd4j.linalg.api.buffer.DataType.FLOAT, 1);
    BatchNorm bn =
        (BatchNorm) doc.block().branch("rbr_identity").orElseThrow().op("bn").orElseThrow();
    return BnStats.of(wts, "rbr_identity", bn).scale().getDouble(0);
  }

  // ---------------------------------------------------------------- lesson 3

  @Test
  void acnetDbbLessonShowsTheCentreCrossAndTheBorderOnlyDivergence(FxRobot robot) throws Exception {
    startDirectly(robot, "acnet-dbb");
    // Step 1: the 1x3 branch padded into the middle row.
    var s = w.stepper().stepProperty().get();
    assertThat(s.transform()).isEqualTo(TransformKind.PAD);
    assertThat(s.branchId()).isEqualTo("hor");
    Equivalents eq = Equivalents.of(engine().training());
    assertThat(shown(robot, 0)).isCloseTo(tap(eq.contribution("hor"), 0, 0, 1, 0), within(1e-6));
    assertThat(shown(robot, 0)).isNotZero();
    assertThat(shown(robot, 1)).isEqualTo(0.0);
    assertThat(shown(robot, 2)).isCloseTo(tap(eq.contribution("ver"), 0, 0, 0, 1), within(1e-6));

    // Step 2: the task: pick the fused kernel's centre tap (as a click on the heatmap does). A
    // centre tap picked before the step doesn't count.
    KernelHeatmap before = w.kernels().heatmap(KernelsPane.FUSED);
    robot.interact(() -> before.setSelectedTap(KernelTap.at(before.getKernel(), 0, 0, 1, 1)));
    next(robot);
    assertThat(w.kernels().heatmap(KernelsPane.FUSED).getSelectedTap()).isNull();
    assertThat(taskShownDone(robot)).isFalse();
    KernelHeatmap fused = w.kernels().heatmap(KernelsPane.FUSED);
    robot.interact(() -> fused.setSelectedTap(KernelTap.at(fused.getKernel(), 2, 2, 1, 1)));
    awaitTaskDone(robot);
    double sum = shown(robot, 0) + shown(robot, 1) + shown(robot, 2);
    assertThat(sum).isCloseTo(tap(engine().fusedKernel(), 0, 0, 1, 1), within(1e-6));
    assertThat(shown(robot, 3)).isCloseTo(tap(engine().fusedKernel(), 0, 0, 1, 1), within(1e-6));

    // Steps 3 and 4: DBB, avg-pool → kernel and the 1x1 → 3x3 merge, both exact.
    next(robot);
    assertThat(w.session().document().name()).isEqualTo("Diverse Branch Block");
    // Back shows the ACNet step on the ACNet design again, not on DBB.
    robot.clickOn("#lessonBack");
    awaitStep();
    assertThat(w.session().document().name()).isEqualTo("ACNet block");
    assertThat(w.stepper().stepProperty().get().transform()).isEqualTo(TransformKind.ADD_BRANCHES);
    next(robot);
    assertThat(w.session().document().name()).isEqualTo("Diverse Branch Block");
    assertThat(w.stepper().stepProperty().get().transform()).isEqualTo(TransformKind.AVG_TO_KERNEL);
    assertThat(shown(robot, 0)).isLessThan(1e-5);
    next(robot);
    assertThat(w.stepper().stepProperty().get().transform())
        .isEqualTo(TransformKind.MERGE_SEQUENTIAL);
    assertThat(w.stepper().stepProperty().get().branchId()).isEqualTo("dbb_1x1_kxk");
    assertThat(shown(robot, 0)).isLessThan(1e-5);

    // Step 5: the task: per-op padding, chosen in the inspector.
    next(robot);
    assertThat(w.graph().getSelection()).isEqualTo(GraphElement.branch("dbb_1x1_kxk"));
    @SuppressWarnings("unchecked")
    ComboBox<PaddingMode> mode =
        robot
            .from(inspector(robot))
            .lookup((Node n) -> n instanceof ComboBox<?> c && c.getValue() instanceof PaddingMode)
            .queryAs(ComboBox.class);
    robot.interact(() -> mode.setValue(PaddingMode.PER_OP));
    awaitTaskDone(robot);

    // Step 6: the error sits on the border only; the badge is red and says why.
    next(robot);
    assertThat(w.kernels().getSelectionModel().getSelectedItem().getId())
        .isEqualTo("differenceTab");
    double border = shown(robot, 0);
    double inside = shown(robot, 1);
    assertThat(border).isGreaterThan(1e-3);
    assertThat(inside).isLessThan(1e-5);
    double engineBorder =
        new dev.replens.engine.lesson.Readout.FusedError(
                null, dev.replens.engine.lesson.Readout.Region.BORDER)
            .read(context());
    assertThat((double) robot.lookup("#lessonNumber-0").queryAs(Label.class).getUserData())
        .isEqualTo(engineBorder);
    // The stepper stands at the first step that diverged: BN 'bn1' moved past the 3x3 conv.
    var diverged = w.stepper().stepProperty().get();
    assertThat(diverged.branchId()).isEqualTo("dbb_1x1_kxk");
    assertThat(w.stepper().checkProperty().get().ok()).isFalse();
    assertThat(
            w.stepper().analysisProperty().get().checks().stream()
                .filter(c -> !c.ok())
                .findFirst()
                .orElseThrow()
                .index())
        .isEqualTo(w.stepper().indexProperty().get());
    Node badge = robot.lookup("#stepBadge").query();
    assertThat(has(badge, "diverged")).isTrue();
    robot.clickOn(badge);
    String diagnosis = ((dev.replens.views.badge.ErrorBadge) badge).getDiagnosis();
    assertThat(((dev.replens.views.badge.ErrorBadge) badge).isExpanded()).isTrue();
    assertThat(diagnosis)
        .isEqualTo(w.stepper().checkProperty().get().diagnosis())
        .contains("dbb_1x1_kxk")
        .contains("outer 1 row/column");
    assertThat(taskShownDone(robot)).isFalse();
    // Back to the training form (Ctrl+Home) and at-input padding: exact again.
    robot.press(KeyCode.CONTROL).type(KeyCode.HOME).release(KeyCode.CONTROL);
    var b = w.session().spec().branch("dbb_1x1_kxk").orElseThrow();
    robot.interact(
        () ->
            w.session()
                .execute(
                    new EditBranchCommand(
                        w.session(), b.id(), b.withPaddingMode(PaddingMode.AT_INPUT), "mode")));
    awaitTaskDone(robot);
    assertThat(shown(robot, 0)).isLessThan(1e-5);
  }

  private dev.replens.engine.lesson.LiveContext context() {
    FusionAnalysis a = w.stepper().analysisProperty().get();
    return new dev.replens.engine.lesson.LiveContext(
        a.spec(),
        a.pipeline().training().weights(),
        a.pipeline(),
        a.checks(),
        a.equivalents().get(0),
        w.stepper().indexProperty().get());
  }

  // ---------------------------------------------------------------- lessons 4 to 6

  /**
   * Walks the explorer steps of a lesson up to (not including) step {@code upTo}: each is reached,
   * its numbers are read live and every fused tap shown is the engine's.
   */
  private void explorerSteps(FxRobot robot, String id, int upTo, boolean pageDown)
      throws Exception {
    Lesson l = runner().lesson();
    for (int i = 0; i < upTo; i++) {
      assertThat(runner().index()).isEqualTo(i);
      assertThat(robot.lookup("#lessonStepTitle").queryAs(Label.class).getText())
          .isEqualTo(l.step(i).title());
      assertThat(runner().noticeProperty().get()).as("%s step %d", id, i + 1).isEmpty();
      for (int n = 0; n < runner().readings().size(); n++) {
        var reading = runner().readings().get(n);
        assertThat(reading.value()).as("%s step %d %s", id, i + 1, reading.label()).isNotNaN();
        if (reading.readout() instanceof dev.replens.engine.lesson.Readout.FusedTap) {
          assertThat(shown(robot, n))
              .isCloseTo(tap(engine().fusedKernel(), 0, 0, 1, 1), within(1e-6));
        }
      }
      if (l.step(i).hasTask()) {
        assertThat(id).isEqualTo("dyrep");
        robot.interact(() -> w.session().execute(new DeleteBranchCommand(w.session(), "dbb_1xk")));
        awaitTaskDone(robot);
        assertThat(shown(robot, 0)).isEqualTo(6.0);
      }
      if (pageDown) {
        // A presentation remote's "next" key.
        robot.type(KeyCode.PAGE_DOWN);
        awaitStep();
      } else {
        next(robot);
      }
    }
    assertThat(runner().index()).isEqualTo(upTo);
  }

  /** The value of a demo's number label, parsed back from its text. */
  /** Exports the lesson report to {@code name} in the temporary home and returns its text. */
  private String exportReport(FxRobot robot, String name) throws Exception {
    Path report = home.resolve(name);
    robot.interact(
        () -> {
          try {
            w.lessons().exportReport(report);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    return Files.readString(report);
  }

  private static double value(FxRobot robot, String id) {
    String t = robot.lookup("#" + id).queryAs(Label.class).getText();
    return Double.parseDouble(t.replace('−', '-').replace("×", ""));
  }

  @Test
  void orepaLessonMeasuresOfflineAgainstOnlineTrainingAndTheScalingLayers(FxRobot robot)
      throws Exception {
    startDirectly(robot, "orepa");
    explorerSteps(robot, "orepa", 4, true);

    // Step 5: real trainings, offline and online, started by the lesson.
    TrainingCostDemoView demo = (TrainingCostDemoView) w.lessons().demoView();
    WaitForAsyncUtils.waitFor(
        120,
        TimeUnit.SECONDS,
        () -> demo.resultProperty().get() != null && demo.resultProperty().get().done());
    WaitForAsyncUtils.waitForFxEvents();
    TrainingCostStudy.Result r = demo.resultProperty().get();
    assertThat(r.settings()).isEqualTo(TrainingCostStudy.Settings.defaults());
    assertThat(r.points()).hasSize(3 * 16);
    // Shown as measured: medians in ms to 0.1, memory in MiB to 0.01.
    assertThat(value(robot, "lesson-cost-1"))
        .isCloseTo(r.medianMillis(TrainingCostStudy.Run.OFFLINE), within(0.051));
    assertThat(value(robot, "lesson-cost-2"))
        .isCloseTo(r.medianMillis(TrainingCostStudy.Run.ONLINE), within(0.051));
    double offMiB = MemoryUsage.mib(r.workingSetBytes(TrainingCostStudy.Run.OFFLINE));
    double onMiB = MemoryUsage.mib(r.workingSetBytes(TrainingCostStudy.Run.ONLINE));
    assertThat(value(robot, "lesson-cost-4")).isCloseTo(offMiB, within(0.0051));
    assertThat(value(robot, "lesson-cost-5")).isCloseTo(onMiB, within(0.0051));
    assertThat(offMiB / onMiB).isGreaterThan(2.0);
    assertThat(r.maxLossDifference()).isLessThan(1e-4);
    assertThat(demo.figures().get("mean branch similarity, without scaling"))
        .isEqualTo(r.meanSimilarity(TrainingCostStudy.Run.ONLINE_UNSCALED))
        .isGreaterThan(r.meanSimilarity(TrainingCostStudy.Run.ONLINE));
    assertThat(demo.charts()).hasSize(2);
    // The task: a wider network.
    assertThat(taskShownDone(robot)).isFalse();
    robot.interact(() -> demo.widthBox().setValue(16));
    awaitTaskDone(robot);

    // Step 6: the same demo stays, now training the wider network.
    next(robot);
    assertThat(w.lessons().demoView()).isSameAs(demo);
    assertThat(robot.lookup("#lessonStepText").queryAs(Label.class).getText()).contains("scales");
    robot.interact(() -> w.lessons().closePanel());
  }

  @Test
  void repOptimizerLessonTrainsBothModelsAndTheirKernelsCoincideUntilTheMultipliersAreWrong(
      FxRobot robot) throws Exception {
    startDirectly(robot, "repoptimizer");
    explorerSteps(robot, "repoptimizer", 3, false);

    // Step 4: the CSLA model and its RepOpt twin, trained side by side by the lesson.
    RepOptDemoView demo = (RepOptDemoView) w.lessons().demoView();
    WaitForAsyncUtils.waitFor(
        120,
        TimeUnit.SECONDS,
        () -> demo.resultProperty().get() != null && demo.resultProperty().get().done());
    WaitForAsyncUtils.waitForFxEvents();
    RepOptStudy.Result r = demo.resultProperty().get();
    assertThat(r.steps()).hasSize(31);
    assertThat(r.maxDifference()).isLessThan(1e-12);
    var last = r.last();
    assertThat(value(robot, "lesson-repopt-1")).isCloseTo(r.maxDifference(), within(1e-3 * 1e-12));
    assertThat(value(robot, "lesson-repopt-2")).isCloseTo(last.cslaLoss(), within(1e-3));
    assertThat(value(robot, "lesson-repopt-3")).isCloseTo(last.repoptLoss(), within(1e-3));
    assertThat(Math.abs(last.cslaLoss() - last.repoptLoss())).isLessThan(1e-12);
    assertThat(demo.charts()).hasSize(2);

    // Step 5: the task: the wrong multipliers; the trajectories part.
    next(robot);
    assertThat(w.lessons().demoView()).isSameAs(demo);
    assertThat(taskShownDone(robot)).isFalse();
    robot.interact(() -> demo.mismatchBox().setSelected(true));
    awaitTaskDone(robot);
    WaitForAsyncUtils.waitFor(
        60,
        TimeUnit.SECONDS,
        () ->
            demo.resultProperty().get() != null
                && demo.resultProperty().get().settings().mismatch()
                && demo.resultProperty().get().steps().size() >= 3);
    assertThat(demo.resultProperty().get().maxDifference()).isGreaterThan(1e-3);
    robot.interact(() -> w.lessons().closePanel());
  }

  @Test
  void dyrepLessonGrowsAndCutsLiveAndReplaysTheStructureOnTheGraph(FxRobot robot) throws Exception {
    startDirectly(robot, "dyrep");
    explorerSteps(robot, "dyrep", 3, false);

    // Step 4: a DyRep run started by the lesson; events and graph follow it.
    DyRepDemoView demo = (DyRepDemoView) w.lessons().demoView();
    WaitForAsyncUtils.waitFor(
        120,
        TimeUnit.SECONDS,
        () -> demo.resultProperty().get() != null && demo.resultProperty().get().done());
    WaitForAsyncUtils.waitForFxEvents();
    DyRepStudy.Result r = demo.resultProperty().get();
    assertThat(r.events()).anyMatch(e -> e.kind() == DyRepEvent.Kind.GROWN);
    assertThat(r.events()).anyMatch(e -> e.kind() == DyRepEvent.Kind.CUT);
    assertThat(r.maxOutputChange()).isLessThan(1e-4);
    for (int i = 0; i < r.events().size(); i++) {
      assertThat(robot.lookup("#lesson-dyrepEvent-" + i).queryAs(Label.class).getText())
          .isEqualTo(DyRepDemoView.describe(r.events().get(i)));
    }
    // The graph shows block0's newest structure.
    var newest = r.frames().get(r.frames().size() - 1);
    assertThat(demo.graph().getSpec()).isEqualTo(newest.blocks().get(0));
    assertThat(value(robot, "lesson-dyrep-3"))
        .isEqualTo((double) newest.blocks().get(0).branches().size());

    // The task: block1, slid back to just after it grew: seven branches on the graph.
    assertThat(taskShownDone(robot)).isFalse();
    robot.interact(() -> demo.layerBox().setValue("block1"));
    int grew =
        r.events().stream()
            .filter(e -> e.layer().equals("block1") && e.kind() == DyRepEvent.Kind.GROWN)
            .findFirst()
            .orElseThrow()
            .step();
    int frame = 0;
    while (r.frames().get(frame).step() != grew) {
      frame++;
    }
    int f = frame;
    robot.interact(() -> demo.replaySlider().setValue(f));
    awaitTaskDone(robot);
    assertThat(demo.graph().getSpec().branches()).hasSize(7);
    robot.interact(() -> demo.replaySlider().setValue(demo.replaySlider().getMax()));
    assertThat(demo.graph().getSpec()).isEqualTo(newest.blocks().get(1));
    Path report = home.resolve("dyrep-report.html");
    robot.interact(
        () -> {
          try {
            w.lessons().exportReport(report);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    assertThat(Files.readString(report))
        .contains("Training loss while DyRep changes the structure")
        .contains("branches cut");
    robot.interact(() -> w.lessons().closePanel());
  }

  // ---------------------------------------------------------------- lesson 7

  @Test
  void vaeLessonLocksTheChromeChartsBothEstimatorsAndTrainsAVaeWithTheTrick(FxRobot robot)
      throws Exception {
    // The engine's own run of step 6's VAE, computed meanwhile on a thread of its own.
    CompletableFuture<VaeStudy.Result> reference =
        CompletableFuture.supplyAsync(
            () -> VaeStudy.run(new VaeStudy.Settings(1000, 16, 1), r -> {}));
    assertThat(robot.lookup("#menuBar").query().isVisible()).isTrue();
    startFromChooser(robot, "vae-trick");
    // Locked: no menus, no toolbar, no palette.
    assertThat(w.lessons().chromeLocked()).isTrue();
    assertThat(robot.lookup("#menuBar").query().isVisible()).isFalse();
    assertThat(robot.lookup("#toolBar").query().isVisible()).isFalse();
    assertThat(robot.lookup(".op-palette").query().isDisabled()).isTrue();
    assertThat(robot.lookup("#lessonStepText").queryAs(Label.class).getText())
        .contains("“Re-parameterization” names two different ideas");

    VaeDemoView demo = (VaeDemoView) w.lessons().demoView();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> demo.studyProperty().get() != null);
    WaitForAsyncUtils.waitForFxEvents();
    EstimatorStudy.Study st = demo.studyProperty().get();
    assertThat(st).isEqualTo(EstimatorStudy.run(TestFunction.SQUARE, 1.0, 0.5, 1));
    assertThat(st.at(100).muFactor()).isGreaterThanOrEqualTo(10.0);
    for (String series : demo.chart().seriesNames()) {
      assertThat(demo.chart().pointCount(series)).isEqualTo(EstimatorStudy.DEFAULT_COUNTS.length);
    }
    String factor = robot.lookup("#vaeFactorMu").queryAs(Label.class).getText();
    assertThat(Double.parseDouble(factor.replace("×", "")))
        .isCloseTo(st.at(100).muFactor(), within(0.01 * st.at(100).muFactor()));

    next(robot);
    next(robot);
    next(robot);
    // Step 5: the task: raise σ.
    next(robot);
    assertThat(runner().index()).isEqualTo(4);
    assertThat(w.lessons().demoView()).isSameAs(demo);
    assertThat(taskShownDone(robot)).isFalse();
    robot.interact(() -> demo.sigmaSlider().setValue(1.6));
    WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> taskShownDone(robot));
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> demo.studyProperty().get().sigma() == 1.6);
    EstimatorStudy.Study wide = demo.studyProperty().get();
    assertThat(wide).isEqualTo(EstimatorStudy.run(TestFunction.SQUARE, 1.0, 1.6, 1));
    assertThat(exportReport(robot, "vae-report.html"))
        .contains("Variance of the two gradient estimators")
        .contains("factor ∂/∂μ")
        .contains("Move the σ slider");

    // Step 6: a tiny VAE trained with the trick; the numbers and pictures are the engine's.
    next(robot);
    VaeTrainingDemoView vae = (VaeTrainingDemoView) w.lessons().demoView();
    WaitForAsyncUtils.waitFor(
        60,
        TimeUnit.SECONDS,
        () -> vae.resultProperty().get() != null && vae.resultProperty().get().done());
    WaitForAsyncUtils.waitForFxEvents();
    VaeStudy.Result trained = vae.resultProperty().get();
    assertThat(trained).isEqualTo(reference.get(60, TimeUnit.SECONDS));
    assertThat(trained.improvement()).isGreaterThan(3.0);
    // Shown to a tenth of a nat, 3 significant digits and a hundredth: within half the last digit.
    assertThat(value(robot, "lesson-vae-0")).isEqualTo(1000.0);
    assertThat(value(robot, "lesson-vae-3")).isCloseTo(trained.lastLoss(), within(0.05 + 1e-9));
    assertThat(value(robot, "lesson-vae-5"))
        .isCloseTo(trained.reconstructionMse(), within(5e-3 * trained.reconstructionMse()));
    assertThat(value(robot, "lesson-vae-7")).isCloseTo(trained.improvement(), within(0.005 + 1e-9));
    assertThat(vae.figures())
        .containsEntry("reconstructions beat the mean image by ×", trained.improvement());
    // Pixels: the centre of each screen block is the engine's gray, image by image.
    for (int i = 0; i < VaeStudy.SHOWN_IMAGES; i++) {
      var img = vae.reconstructionViews().get(i).getImage();
      var picture = trained.reconstructions().get(i);
      assertThat(img.getWidth()).isEqualTo(14.0 * VaeTrainingDemoView.ZOOM);
      int z = VaeTrainingDemoView.ZOOM;
      for (int y = 0; y < 14; y += 3) {
        for (int x = 0; x < 14; x += 3) {
          double gray = img.getPixelReader().getColor(x * z + z / 2, y * z + z / 2).getRed();
          assertThat(gray).isCloseTo(picture.at(y, x), within(1.0 / 255 + 1e-6));
        }
      }
    }

    // Step 7: back to RepVGG, to contrast the structural idea.
    next(robot);
    assertThat(w.session().document().name()).isEqualTo("RepVGG block");
    assertThat(w.stepper().stepProperty().get().stage()).isEqualTo(StageKind.FUSED);
    // The report holds the demo shown last: the VAE's training.
    assertThat(exportReport(robot, "vae-training-report.html"))
        .contains("VAE training: loss and KL term per step")
        .contains("reconstructions beat the mean image by")
        .contains("Move the σ slider");
    robot.clickOn("#lessonNext");
    assertThat(w.lessons().chromeLocked()).isFalse();
    assertThat(robot.lookup("#menuBar").query().isVisible()).isTrue();
    assertThat(robot.lookup(".op-palette").query().isDisabled()).isFalse();
  }

  // ---------------------------------------------------------------- a broken lesson file

  @Test
  void aBrokenLessonFileGetsADialogNamingFileStepAndLine(FxRobot robot) throws Exception {
    Path bad =
        Files.writeString(
            home.resolve("my-lesson.json"),
            String.join(
                "\n",
                "{ \"format\": \"replens-lesson\", \"formatVersion\": 1,",
                "  \"id\": \"mine\", \"title\": \"Mine\",",
                "  \"steps\": [",
                "    { \"title\": \"Open\", \"text\": \"x.\",",
                "      \"actions\": [ { \"do\": \"loadSample\", \"sample\": \"repvgg\" } ] },",
                "    { \"title\": \"Look\", \"text\": \"y.\",",
                "      \"actions\": [ { \"do\": \"zoomTo\", \"branch\": \"rbr_1x1\" } ] } ] }"));
    Platform.runLater(() -> w.lessons().openFile(bad));
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup("#errorDialog").tryQuery().isPresent());
    DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
    String text = ((Label) dialog.getContent()).getText();
    assertThat(text)
        .startsWith("my-lesson.json, line 7, column")
        .contains("step 2 “Look”")
        .contains("unknown action 'zoomTo'");
    robot.clickOn(dialog.lookupButton(javafx.scene.control.ButtonType.OK));
    assertThat(runner().lesson()).isNull();
    assertThat(w.stage().isShowing()).isTrue();
  }
}
