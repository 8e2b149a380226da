package dev.replens.views.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.model.BlockSpec;
import dev.replens.views.palette.OpPalette;
import dev.replens.views.palette.OpTemplates;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Drag gestures on {@link BlockGraphView}: moving ops and lanes, free moves, and drops from the
 * {@link OpPalette}. Each gesture must fire exactly the edit request it stands for.
 */
@ExtendWith(ApplicationExtension.class)
class BlockGraphGestureTest {

  private BlockGraphView view;
  private GraphProbe probe;
  private final List<GraphEdit> edits = new ArrayList<>();

  @Start
  void start(Stage stage) {
    view = new BlockGraphView(GraphFixtures.repvgg(16));
    view.setAnimated(false);
    view.setOnEditRequest(e -> edits.add(e.edit()));
    probe = new GraphProbe(view);
    OpPalette palette = new OpPalette();
    palette.setPrefWidth(220);
    BorderPane root = new BorderPane(view);
    root.setLeft(palette);
    stage.setScene(new Scene(root, 1200, 620));
    stage.show();
  }

  private void show(FxRobot robot, BlockSpec spec) {
    robot.interact(
        () -> {
          view.setSpec(spec);
          view.fitToView();
        });
  }

  private void drag(FxRobot robot, Node from, Point2D to) {
    robot.drag(from, MouseButton.PRIMARY).dropTo(robot.point(to));
  }

  // ------------------------------------------------------------------ moving ops and lanes

  @Test
  void draggingAnOpAlongItsLaneRequestsMoveOp(FxRobot robot) {
    show(robot, GraphFixtures.dbb(8, 16, 3));
    Point2D target =
        probe.between(
            GraphElement.op("dbb_1x1_kxk", "conv2"), GraphElement.op("dbb_1x1_kxk", "bn2"));
    robot.drag(probe.node(GraphElement.op("dbb_1x1_kxk", "conv1")), MouseButton.PRIMARY);
    robot.moveTo(robot.point(target));
    // While dragging, the insertion marker stands on the arrow between conv2 and bn2.
    Region marker = probe.drawing().marker();
    assertThat(marker.isVisible()).isTrue();
    Rectangle2D conv2 = probe.box(GraphElement.op("dbb_1x1_kxk", "conv2"));
    Rectangle2D bn2 = probe.box(GraphElement.op("dbb_1x1_kxk", "bn2"));
    double mx = marker.getLayoutX() + marker.getWidth() / 2;
    assertThat(mx).isBetween(conv2.getMaxX(), bn2.getMinX());
    robot.drop();
    assertThat(marker.isVisible()).isFalse();
    // conv1 leaves index 0 and lands between conv2 and bn2: [bn1, conv2, conv1, bn2].
    assertThat(edits).containsExactly(new GraphEdit.MoveOp("dbb_1x1_kxk", 0, "dbb_1x1_kxk", 2));
    assertThat(view.getNodeOffsets()).isEmpty();
  }

  @Test
  void draggingAnOpOntoAnotherLaneRequestsMoveOp(FxRobot robot) {
    show(robot, GraphFixtures.dbb(8, 16, 3));
    Rectangle2D conv = probe.box(GraphElement.op("dbb_1x1", "conv"));
    Point2D beforeConv = probe.screen(conv.getMinX() - 12, conv.getMinY() + conv.getHeight() / 2);
    drag(robot, probe.node(GraphElement.op("dbb_origin", "bn")), beforeConv);
    assertThat(edits).containsExactly(new GraphEdit.MoveOp("dbb_origin", 1, "dbb_1x1", 0));
  }

  @Test
  void draggingAPostOpBeforeAnotherRequestsMoveOpInThePostChain(FxRobot robot) {
    BlockSpec orepa = GraphFixtures.orepa(8, 16, 3);
    show(
        robot,
        orepa.withPost(
            List.of(orepa.post().get(0), new dev.replens.engine.model.ChannelBias("shift"))));
    Point2D beforeBn = probe.between(GraphElement.SUM, GraphElement.postOp("bn"));
    drag(robot, probe.node(GraphElement.postOp("shift")), beforeBn);
    assertThat(edits).containsExactly(new GraphEdit.MoveOp("post", 1, "post", 0));
  }

  @Test
  void draggingANodeIntoEmptySpaceMovesItFreely(FxRobot robot) {
    GraphElement key = GraphElement.op("rbr_identity", "bn");
    Rectangle2D before = probe.box(key);
    double zoom = view.getZoom();
    Point2D from = robot.point(probe.node(key)).query();
    // Straight down, below the last lane: no slot there, so the node just moves.
    Point2D to = from.add(0, 100);
    drag(robot, probe.node(key), to);
    assertThat(edits).hasSize(1);
    GraphEdit.MoveNode move = (GraphEdit.MoveNode) edits.get(0);
    assertThat(move.node()).isEqualTo(key);
    assertThat(move.from()).isEqualTo(Point2D.ZERO);
    assertThat(move.dx()).isCloseTo(0, within(1.0 / zoom));
    assertThat(move.dy()).isCloseTo(100 / zoom, within(1.0 / zoom));
    assertThat(view.getNodeOffsets()).containsEntry(key, move.to());
    Rectangle2D after = probe.box(key);
    assertThat(after.getMinY() - before.getMinY()).isCloseTo(move.dy(), within(1e-6));
  }

  @Test
  void draggingALaneByItsLabelRequestsMoveBranch(FxRobot robot) {
    LaneView last = probe.lane("rbr_identity");
    Point2D below = probe.screen(last.getLayoutX() + 60, last.getLayoutY() + last.getHeight() + 10);
    drag(robot, probe.lane("rbr_dense").label(), below);
    assertThat(edits).containsExactly(new GraphEdit.MoveBranch("rbr_dense", 0, 2));
    assertThat(probe.lane("rbr_dense").getTranslateY()).isZero();
  }

  @Test
  void draggingEmptySpacePansTheGraph(FxRobot robot) {
    javafx.geometry.Bounds before = probe.sceneBounds(probe.node(GraphElement.SUM));
    Point2D corner =
        robot
            .point(probe.skin().viewport())
            .atPosition(javafx.geometry.Pos.TOP_LEFT)
            .atOffset(new Point2D(20, 20))
            .query();
    robot.drag(corner, MouseButton.PRIMARY).dropTo(robot.point(corner.add(70, 40)));
    javafx.geometry.Bounds after = probe.sceneBounds(probe.node(GraphElement.SUM));
    assertThat(after.getMinX() - before.getMinX()).isCloseTo(70, within(1.0));
    assertThat(after.getMinY() - before.getMinY()).isCloseTo(40, within(1.0));
    assertThat(edits).isEmpty();
  }

  // ------------------------------------------------------------------ palette drops

  @BeforeEach
  void forgetStaleDragView() {
    MonocleDrag.forgetStaleDragView();
  }

  @Test
  void droppingAPaletteItemOnALaneArrowRequestsAddOp(FxRobot robot) {
    Point2D arrow =
        probe.between(GraphElement.op("rbr_1x1", "conv"), GraphElement.op("rbr_1x1", "bn"));
    robot.drag("#palette-bn", MouseButton.PRIMARY).dropTo(robot.point(arrow));
    assertThat(edits).containsExactly(new GraphEdit.AddOp("rbr_1x1", 1, OpTemplates.get("bn")));
  }

  @Test
  void droppingAPaletteItemInEmptySpaceRequestsAddBranch(FxRobot robot) {
    LaneView last = probe.lane("rbr_identity");
    Point2D below =
        probe.screen(last.getLayoutX() + 100, last.getLayoutY() + last.getHeight() + 30);
    robot.drag("#palette-chain-1x1-kxk", MouseButton.PRIMARY).dropTo(robot.point(below));
    assertThat(edits).containsExactly(new GraphEdit.AddBranch(3, OpTemplates.get("chain-1x1-kxk")));

    edits.clear();
    LaneView first = probe.lane("rbr_dense");
    Point2D between =
        probe.screen(first.getLayoutX() + 100, first.getLayoutY() + first.getHeight() + 7);
    robot.drag("#palette-conv-1x1", MouseButton.PRIMARY).dropTo(robot.point(between));
    assertThat(edits).containsExactly(new GraphEdit.AddBranch(1, OpTemplates.get("conv-1x1")));
  }

  @Test
  void droppingAPaletteItemAfterTheSumRequestsAPostOp(FxRobot robot) {
    Point2D afterSum = probe.between(GraphElement.SUM, GraphElement.ACTIVATION);
    robot.drag("#palette-scale", MouseButton.PRIMARY).dropTo(robot.point(afterSum));
    assertThat(edits).containsExactly(new GraphEdit.AddOp("post", 0, OpTemplates.get("scale")));
  }
}
