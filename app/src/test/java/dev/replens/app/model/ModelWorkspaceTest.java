package dev.replens.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.MainWindow;
import dev.replens.app.TestWindows;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.network.BlockReport;
import dev.replens.engine.network.NetworkInspector;
import dev.replens.engine.network.NetworkReport;
import dev.replens.views.network.BlockStatus;
import dev.replens.views.network.StripBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.TableRow;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the Model workspace headless on the bundled sample network (five RepVGG blocks, the last
 * with BN statistics never trained, and a classifier that passes through): the table against the
 * engine, the problems filter, table and strip selection in sync, a block opened in the Explorer,
 * and Convert &amp; Save read back.
 */
@ExtendWith(ApplicationExtension.class)
class ModelWorkspaceTest {

  @TempDir static Path home;
  @TempDir Path out;

  private MainWindow w;
  private ModelWorkspace m;

  @Start
  void start(Stage stage) throws Exception {
    w = TestWindows.open(stage, "repvgg", home);
    w.graph().setAnimated(false);
    m = w.model();
    stage.show();
  }

  private void openSample(FxRobot robot) throws Exception {
    robot.interact(() -> w.showWorkspace(ModelWorkspace.TAB_ID));
    robot.clickOn("#emptyOpenSample");
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> m.modelProperty().get() != null && !m.busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
  }

  /** The engine's own inspection of the same file, independent of the workspace. */
  private NetworkReport engineReport() throws Exception {
    Path f = m.modelProperty().get().file();
    Checkpoint c = Checkpoints.read(f, Progress.NONE);
    return NetworkInspector.inspect(c, Progress.NONE);
  }

  private TableRow<?> row(FxRobot robot, String prefix) {
    return robot
        .lookup(".table-row-cell")
        .match(
            (Node n) ->
                n instanceof TableRow<?> r
                    && r.getItem() instanceof BlockReport b
                    && b.prefix().equals(prefix))
        .queryAs(TableRow.class);
  }

  private static Node header(FxRobot robot, String columnId) {
    return robot
        .lookup(".column-header")
        .match(
            (Node n) ->
                n instanceof javafx.scene.control.skin.TableColumnHeader h
                    && h.getTableColumn() != null
                    && columnId.equals(h.getTableColumn().getId()))
        .query();
  }

  @Test
  void theEmptyStateOffersTheSampleAndTheTableMatchesTheEngine(FxRobot robot) throws Exception {
    robot.interact(() -> w.showWorkspace(ModelWorkspace.TAB_ID));
    assertThat(robot.lookup("#modelEmptyState").query().isVisible()).isTrue();
    openSample(robot);
    assertThat(robot.lookup("#modelEmptyState").query().isVisible()).isFalse();

    NetworkReport engine = engineReport();
    assertThat(engine.blocks()).hasSize(5);
    List<String> prefixes = m.table().getItems().stream().map(BlockReport::prefix).toList();
    assertThat(prefixes)
        .containsExactly("stage0", "stage1.0", "stage1.1", "stage2.0", "stage2.1")
        .containsExactlyElementsOf(engine.blocks().stream().map(BlockReport::prefix).toList());
    // Groups show where a shape implies them: the identity of stage2.1 needs 32 in, its kernel
    // has 16 per group.
    BlockReport s21 = m.table().getItems().get(4);
    assertThat(s21.shapeText()).isEqualTo("32×16×3×3");
    assertThat(s21.groups()).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      BlockReport a = m.table().getItems().get(i);
      BlockReport e = engine.blocks().get(i);
      assertThat(a.fusedMaxAbsDiff()).isEqualTo(e.fusedMaxAbsDiff());
      assertThat(a.int8().perTensorError()).isEqualTo(e.int8().perTensorError());
    }
    // The strip: five blocks and the classifier, in the file's order.
    assertThat(m.strip().getBlocks().stream().map(StripBlock::prefix))
        .containsExactly("stage0", "stage1.0", "stage1.1", "stage2.0", "stage2.1", "linear");
    assertThat(m.strip().getBlocks().get(5).status()).isEqualTo(BlockStatus.PASS_THROUGH);
    assertThat(m.strip().getBlocks().get(4).status()).isEqualTo(BlockStatus.WARNING);
    assertThat(m.int8Bars().getRows()).hasSize(5);
  }

  @Test
  void theFilterShowsOnlyProblemRowsAndSelectionFollowsAcrossTableAndStrip(FxRobot robot)
      throws Exception {
    openSample(robot);
    long problems = engineReport().blocks().stream().filter(BlockReport::hasProblems).count();
    assertThat(problems).isBetween(1L, 4L);
    robot.clickOn("#problemsOnly");
    assertThat(m.table().getItems()).hasSize((int) problems);
    assertThat(m.table().getItems()).allMatch(BlockReport::hasProblems);
    assertThat(m.table().getItems().stream().map(BlockReport::prefix)).contains("stage2.1");
    robot.clickOn("#problemsOnly");
    assertThat(m.table().getItems()).hasSize(5);

    // Sorting by the INT8 column: the header click sorts ascending, the second descending.
    robot.clickOn(header(robot, "colInt8"));
    assertThat(m.table().getItems().get(0).prefix()).isEqualTo("stage0");
    robot.clickOn(header(robot, "colInt8"));
    assertThat(m.table().getItems().get(0).prefix()).isEqualTo("stage1.1");
    robot.clickOn(header(robot, "colPrefix"));
    assertThat(m.table().getItems().get(0).prefix()).isEqualTo("stage0");

    robot.clickOn(row(robot, "stage1.1"));
    int index = m.strip().getSelectedIndex();
    assertThat(m.strip().getBlocks().get(index).prefix()).isEqualTo("stage1.1");
    assertThat(m.int8Bars().getSelectedPrefix()).isEqualTo("stage1.1");
    assertThat(m.channelRanges().getRanges().channels()).isEqualTo(16);

    Node cell = robot.lookup("#networkStrip .strip-cell").nth(3).query();
    robot.clickOn(cell);
    assertThat(m.table().getSelectionModel().getSelectedItem().prefix()).isEqualTo("stage2.0");
    assertThat(m.channelRanges().getRanges().channels()).isEqualTo(32);
  }

  @Test
  void doubleClickingABlockOpensItInTheExplorerWithItsWeights(FxRobot robot) throws Exception {
    openSample(robot);
    robot.doubleClickOn(row(robot, "stage1.0"));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(w.workspaces().getSelectionModel().getSelectedItem().getId())
        .isEqualTo("explorerTab");
    var spec = w.session().spec();
    assertThat(spec.outChannels()).isEqualTo(16);
    assertThat(spec.inChannels()).isEqualTo(8);
    assertThat(spec.kernel()).isEqualTo(3);
    assertThat(w.session().document().name()).startsWith("stage1.0");
    assertThat(w.session().weightsSourceProperty().get()).contains("stage1.0");
    // The weights are the file's: the dense conv of the Explorer's block is the checkpoint's.
    Checkpoint c = Checkpoints.read(m.modelProperty().get().file(), Progress.NONE);
    float[] fileW = c.tensors().get("stage1.0.rbr_dense.conv.weight").data().asFloat();
    var weights = w.session().weights();
    boolean found =
        weights.keys().stream()
            .anyMatch(
                n ->
                    java.util.Arrays.equals(
                        weights
                            .get(n)
                            .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                            .data()
                            .asFloat(),
                        fileW));
    assertThat(found).as("the dense conv weight of stage1.0 is in the Explorer's weights").isTrue();
  }

  @Test
  void convertAndSaveWritesADeployCheckpointThatReadsBack(FxRobot robot) throws Exception {
    openSample(robot);
    Path deploy = out.resolve("deploy.pth");
    robot.interact(() -> m.convertTo(deploy));
    WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !m.busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(m.messageProperty().get()).startsWith("Saved the deploy state dict to");
    Checkpoint back = Checkpoints.read(deploy, Progress.NONE);
    for (String p : List.of("stage0", "stage1.0", "stage1.1", "stage2.0", "stage2.1")) {
      assertThat(back.tensors()).containsKey(p + ".rbr_reparam.weight");
      assertThat(back.tensors()).containsKey(p + ".rbr_reparam.bias");
    }
    assertThat(back.keys()).noneMatch(k -> k.contains("rbr_dense") || k.contains("rbr_identity"));
    assertThat(back.tensors().get("stage2.0.rbr_reparam.weight").shape())
        .containsExactly(32, 8, 3, 3);
    assertThat(back.tensors()).containsKeys("linear.weight", "linear.bias");

    Path report = out.resolve("model.html");
    robot.interact(() -> m.exportReport(report));
    String html = Files.readString(report);
    assertThat(html).contains("<td>stage2.1</td>").contains("BN never trained");
    assertThat(html).contains("INT8 sensitivity, worst first");
    Path pdf = out.resolve("model.pdf");
    robot.interact(() -> m.exportReport(pdf));
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(pdf), 5);
    assertThat(new String(head, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
  }

  /** A copy of the sample network under a name of the user's. */
  private Path userCopy(String name) throws Exception {
    Path f = out.resolve(name);
    try (var in =
        ModelWorkspace.class.getClassLoader().getResourceAsStream(ModelWorkspace.SAMPLE_RESOURCE)) {
      Files.copy(in, f);
    }
    return f;
  }

  @Test
  void aCheckpointOfTheUsersIsRememberedAmongRecentFiles(FxRobot robot) throws Exception {
    Path f = userCopy("mine.pth");
    robot.interact(() -> w.openCheckpoint(f));
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> m.modelProperty().get() != null && !m.busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(m.table().getItems()).hasSize(5);
    assertThat(new dev.replens.app.files.RecentFiles(home.resolve("recent.json")).list())
        .first()
        .isEqualTo(f.toAbsolutePath().normalize());
  }

  @Test
  void cancellingAReadKeepsTheWorkspaceAsItWas(FxRobot robot) throws Exception {
    Path f = userCopy("cancelled.pth");
    robot.interact(
        () -> {
          w.showWorkspace(ModelWorkspace.TAB_ID);
          m.open(f);
          assertThat(m.busyProperty().get()).isTrue();
          m.cancel();
        });
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !m.busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(m.modelProperty().get()).isNull();
    assertThat(m.messageProperty().get()).isEqualTo("Opening cancelled.pth: cancelled.");
    assertThat(robot.lookup("#modelEmptyState").query().isVisible()).isTrue();
  }

  /**
   * The engine's mixed fixture: a deploy-form block, a partly present one, a partial conversion and
   * BN never trained, beside healthy blocks.
   */
  private static final Path MIXED =
      Path.of("..", "engine", "src", "test", "resources", "network", "mixed.pth");

  @Test
  void aNetworkWithErrorsShowsThemAndRefusesToConvertInOneLine(FxRobot robot) throws Exception {
    Path f = out.resolve("mixed.pth");
    Files.copy(MIXED, f);
    robot.interact(() -> w.openCheckpoint(f));
    WaitForAsyncUtils.waitFor(
        60, TimeUnit.SECONDS, () -> m.modelProperty().get() != null && !m.busyProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
    List<BlockStatus> statuses = m.strip().getBlocks().stream().map(StripBlock::status).toList();
    assertThat(statuses)
        .contains(BlockStatus.DEPLOY_FORM, BlockStatus.ERROR, BlockStatus.WARNING, BlockStatus.OK);
    robot.clickOn("#problemsOnly");
    assertThat(m.table().getItems()).allMatch(BlockReport::hasProblems).isNotEmpty();
    robot.clickOn("#problemsOnly");

    Path deploy = out.resolve("never.pth");
    robot.clickOn("#convertAndSave");
    WaitForAsyncUtils.waitForFxEvents();
    javafx.scene.control.DialogPane dialog =
        robot.lookup("#errorDialog").queryAs(javafx.scene.control.DialogPane.class);
    assertThat(dialog.getHeaderText()).isEqualTo("This network can't be converted yet");
    String text = ((javafx.scene.control.Label) dialog.getContent()).getText();
    assertThat(text).doesNotContain("\n").doesNotContain("Exception").contains("stage");
    robot.interact(() -> ((Stage) dialog.getScene().getWindow()).close());
    assertThat(deploy).doesNotExist();

    // A deploy-form block opens in the Explorer as its one conv.
    String deployPrefix =
        m.table().getItems().stream()
            .filter(BlockReport::deployForm)
            .findFirst()
            .orElseThrow()
            .prefix();
    robot.doubleClickOn(row(robot, deployPrefix));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(w.workspaces().getSelectionModel().getSelectedItem().getId())
        .isEqualTo("explorerTab");
    assertThat(w.session().spec().branches()).hasSize(1);
  }
}
