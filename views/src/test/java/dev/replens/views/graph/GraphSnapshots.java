package dev.replens.views.graph;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Severity;
import dev.replens.engine.model.Validator;
import dev.replens.views.palette.OpPalette;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders the graph of sample blocks into PNGs for a person to look at. Not part of the suite (the
 * name doesn't match surefire's test patterns); run it with {@code -Dtest=GraphSnapshots
 * -Dsurefire.failIfNoSpecifiedTests=false -Dreplens.snapshots=/tmp}.
 */
@ExtendWith(ApplicationExtension.class)
class GraphSnapshots {

  private static final String DIR = System.getProperty("replens.snapshots");

  private BlockGraphView view;
  private OpPalette palette;
  private BorderPane root;

  @Start
  void start(Stage stage) {
    view = new BlockGraphView();
    view.setAnimated(false);
    palette = new OpPalette();
    palette.setPrefWidth(220);
    root = new BorderPane(view);
    root.setLeft(palette);
    stage.setScene(new Scene(root, 1280, 640));
    stage.show();
  }

  @Test
  void renderSamples(FxRobot robot) throws IOException {
    assumeTrue(DIR != null, "set -Dreplens.snapshots=<dir> to render");
    shoot(robot, GraphFixtures.repvgg(16), List.of(), "graph-repvgg.png");
    shoot(robot, GraphFixtures.dbb(8, 16, 3), List.of(), "graph-dbb.png");
    shoot(robot, GraphFixtures.orepa(8, 16, 3), List.of(), "graph-orepa.png");
    BlockSpec bad = GraphFixtures.dbb(8, 16, 3);
    bad =
        bad.withBranches(
            List.of(
                bad.branches().get(0),
                GraphFixtures.repvgg(8).branches().get(2),
                bad.branches().get(3),
                dev.replens.engine.model.Branch.of("empty")));
    List<Problem> problems = new java.util.ArrayList<>(Validator.validate(bad));
    problems.add(new Problem(Severity.WARNING, "dbb_1x1_kxk", "conv2", "a warning for show"));
    problems.add(new Problem(Severity.ERROR, null, null, "a block problem for show"));
    robot.interact(() -> view.setSelection(GraphElement.op("dbb_origin", "bn")));
    shoot(robot, bad, problems, "graph-problems.png");
    write(
        WaitForAsyncUtils.waitFor(
            WaitForAsyncUtils.asyncFx(
                () -> {
                  javafx.scene.SnapshotParameters sp = new javafx.scene.SnapshotParameters();
                  sp.setTransform(javafx.scene.transform.Transform.scale(4, 4));
                  NodeView n =
                      ((BlockGraphSkin) view.getSkin())
                          .drawing()
                          .nodeView(GraphElement.op("rbr_identity", "id"));
                  return n.snapshot(sp, null);
                })),
        "graph-invalid-identity.png");
    robot.interact(() -> view.zoomTo(2.2));
    WaitForAsyncUtils.waitForFxEvents();
    write(
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> view.snapshot(null, null))),
        "graph-problems-zoom.png");
    robot.interact(
        () -> {
          view.setSelection(null);
          view.getHighlight().clear();
          view.getHighlight().add(GraphElement.branch("rbr_1x1"));
        });
    shoot(robot, GraphFixtures.repvggLinearized(16), List.of(), "graph-repvgg-linearized.png");
    robot.interact(
        () -> {
          view.getHighlight().clear();
          view.getHighlight().add(GraphElement.op("fused", "conv"));
        });
    shoot(robot, GraphFixtures.repvggAdded(16), List.of(), "graph-repvgg-added.png");
    robot.interact(() -> view.getHighlight().clear());
    shoot(robot, GraphFixtures.acnet(16, 3), List.of(), "graph-acnet.png");
  }

  /** Each stage's end state of the real DBB pipeline, and one frame in the middle of adding up. */
  @Test
  void renderDbbStages(FxRobot robot) throws IOException {
    assumeTrue(DIR != null, "set -Dreplens.snapshots=<dir> to render");
    BlockSpec dbb = GraphFixtures.dbb(8, 16, 3);
    dev.replens.engine.pipeline.Pipeline p =
        dev.replens.engine.pipeline.FusionPipeline.run(
            dbb,
            dev.replens.engine.model.WeightInit.forAnalysis(
                dbb, org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1));
    for (dev.replens.engine.pipeline.StageKind k : dev.replens.engine.pipeline.StageKind.values()) {
      BlockSpec s = p.endOf(k).orElseThrow().state().spec();
      shoot(robot, s, List.of(), "graph-dbb-stage-" + k.name().toLowerCase() + ".png");
    }
    int add = -1;
    for (int i = 0; i < p.steps().size(); i++) {
      if (p.steps().get(i).transform() == dev.replens.engine.pipeline.TransformKind.ADD_BRANCHES) {
        add = i;
      }
    }
    BlockSpec before = p.steps().get(add - 1).state().spec();
    BlockSpec after = p.steps().get(add).state().spec();
    shoot(robot, before, List.of(), "graph-dbb-before-add.png");
    robot.interact(
        () -> {
          view.setAnimated(true);
          view.setAnimationDuration(javafx.util.Duration.seconds(4));
          view.setSpec(after);
        });
    org.testfx.util.WaitForAsyncUtils.sleep(1500, java.util.concurrent.TimeUnit.MILLISECONDS);
    write(
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> root.snapshot(null, null))),
        "graph-dbb-adding.png");
    robot.interact(() -> view.setAnimated(false));
  }

  private void shoot(FxRobot robot, BlockSpec spec, List<Problem> problems, String name)
      throws IOException {
    robot.interact(
        () -> {
          view.setSpec(spec);
          view.getProblems().setAll(problems);
          view.fitToView();
        });
    WaitForAsyncUtils.waitForFxEvents();
    write(
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> root.snapshot(null, null))),
        name);
  }

  private static void write(WritableImage img, String name) throws IOException {
    BufferedImage b = SwingFXUtils.fromFXImage(img, null);
    ImageIO.write(b, "png", new File(DIR, name));
  }
}
