package dev.replens.views.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.model.BlockSpec;
import dev.replens.views.graph.GraphLayout.DropKind;
import dev.replens.views.graph.GraphLayout.DropTarget;
import dev.replens.views.graph.GraphLayout.Metrics;
import dev.replens.views.graph.GraphModel.Lane;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.geometry.Point2D;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The automatic layout and its drop hit tests, without a window. */
class GraphLayoutTest {

  static List<BlockSpec> samples() {
    return List.of(
        GraphFixtures.repvgg(16),
        GraphFixtures.dbb(8, 16, 3),
        GraphFixtures.orepa(8, 16, 3),
        GraphFixtures.acnet(16, 3),
        GraphFixtures.repvggAdded(16));
  }

  private static GraphLayout layout(BlockSpec spec) {
    return GraphLayout.compute(GraphModel.of(spec), Metrics.DEFAULT, Map.of());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void nodesNeverOverlapAndOpsStayInsideTheirLanes(BlockSpec spec) {
    GraphLayout l = layout(spec);
    List<Map.Entry<GraphElement, Rectangle2D>> boxes = new ArrayList<>(l.boxes().entrySet());
    for (int i = 0; i < boxes.size(); i++) {
      for (int j = i + 1; j < boxes.size(); j++) {
        assertThat(boxes.get(i).getValue().intersects(boxes.get(j).getValue()))
            .as("%s overlaps %s", boxes.get(i).getKey(), boxes.get(j).getKey())
            .isFalse();
      }
    }
    for (Lane lane : l.model().lanes()) {
      Rectangle2D r = l.lanes().get(lane.key());
      for (GraphElement op : lane.ops()) {
        assertThat(r.contains(l.box(op))).as("%s inside its lane", op).isTrue();
      }
    }
    List<Rectangle2D> lanes = new ArrayList<>(l.lanes().values());
    for (int i = 1; i < lanes.size(); i++) {
      assertThat(lanes.get(i).getMinY()).isGreaterThan(lanes.get(i - 1).getMaxY());
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void theMainLineRunsLeftToRightOnTheSumLine(BlockSpec spec) {
    GraphLayout l = layout(spec);
    List<GraphElement> line = new ArrayList<>();
    line.add(GraphElement.INPUT);
    line.add(GraphElement.SUM);
    line.addAll(l.model().post());
    if (l.model().node(GraphElement.ACTIVATION) != null) {
      line.add(GraphElement.ACTIVATION);
    }
    line.add(GraphElement.OUTPUT);
    for (int i = 0; i < line.size(); i++) {
      Rectangle2D b = l.box(line.get(i));
      assertThat(b.getMinY() + b.getHeight() / 2).isZero();
      if (i > 0) {
        assertThat(b.getMinX()).isGreaterThan(l.box(line.get(i - 1)).getMaxX());
      }
    }
    for (Rectangle2D lane : l.lanes().values()) {
      assertThat(lane.getMinX()).isGreaterThan(l.box(GraphElement.INPUT).getMaxX());
      assertThat(lane.getMaxX()).isLessThan(l.box(GraphElement.SUM).getMinX());
    }
  }

  @Test
  void dropOnALaneArrowInsertsBetweenItsNeighbours() {
    GraphLayout l = layout(GraphFixtures.dbb(8, 16, 3));
    Rectangle2D bn1 = l.box(GraphElement.op("dbb_1x1_kxk", "bn1"));
    Rectangle2D conv2 = l.box(GraphElement.op("dbb_1x1_kxk", "conv2"));
    double y = bn1.getMinY() + bn1.getHeight() / 2;
    DropTarget t = l.dropTarget((bn1.getMaxX() + conv2.getMinX()) / 2, y, null);
    assertThat(t.kind()).isEqualTo(DropKind.INSERT_OP);
    assertThat(t.branchId(l.model())).isEqualTo("dbb_1x1_kxk");
    assertThat(t.index()).isEqualTo(2);
    assertThat(t.markerStart().getX()).isBetween(bn1.getMaxX(), conv2.getMinX());

    // Left of the first op and right of the last one.
    Rectangle2D conv1 = l.box(GraphElement.op("dbb_1x1_kxk", "conv1"));
    assertThat(l.dropTarget(conv1.getMinX() - 5, y, null).index()).isZero();
    Rectangle2D lane = l.lanes().get(GraphElement.branch("dbb_1x1_kxk"));
    assertThat(l.dropTarget(lane.getMaxX() - 3, y, null).index()).isEqualTo(4);
  }

  @Test
  void draggedOpIsLeftOutWhenCountingSlots() {
    GraphLayout l = layout(GraphFixtures.dbb(8, 16, 3));
    Rectangle2D conv2 = l.box(GraphElement.op("dbb_1x1_kxk", "conv2"));
    Rectangle2D bn2 = l.box(GraphElement.op("dbb_1x1_kxk", "bn2"));
    double y = conv2.getMinY() + conv2.getHeight() / 2;
    double x = (conv2.getMaxX() + bn2.getMinX()) / 2;
    assertThat(l.dropTarget(x, y, null).index()).isEqualTo(3);
    assertThat(l.dropTarget(x, y, GraphElement.op("dbb_1x1_kxk", "conv1")).index()).isEqualTo(2);
  }

  @Test
  void dropBetweenOrAroundLanesAddsABranchThere() {
    GraphLayout l = layout(GraphFixtures.repvgg(16));
    Rectangle2D first = l.lanes().get(GraphElement.branch("rbr_dense"));
    Rectangle2D second = l.lanes().get(GraphElement.branch("rbr_1x1"));
    Rectangle2D last = l.lanes().get(GraphElement.branch("rbr_identity"));
    double x = first.getMinX() + 40;
    DropTarget gap = l.dropTarget(x, (first.getMaxY() + second.getMinY()) / 2, null);
    assertThat(gap.kind()).isEqualTo(DropKind.NEW_BRANCH);
    assertThat(gap.index()).isEqualTo(1);
    assertThat(gap.markerStart().getY()).isBetween(first.getMaxY(), second.getMinY());
    assertThat(l.dropTarget(x, first.getMinY() - 30, null).index()).isZero();
    assertThat(l.dropTarget(x, last.getMaxY() + 30, null).index()).isEqualTo(3);
  }

  @Test
  void dropAfterTheSumInsertsAPostOp() {
    GraphLayout l = layout(GraphFixtures.orepa(8, 16, 3));
    Rectangle2D sum = l.box(GraphElement.SUM);
    Rectangle2D bn = l.box(GraphElement.postOp("bn"));
    DropTarget before = l.dropTarget((sum.getMaxX() + bn.getMinX()) / 2, 0, null);
    assertThat(before.kind()).isEqualTo(DropKind.INSERT_OP);
    assertThat(before.branchId(l.model())).isEqualTo(BlockSpec.POST);
    assertThat(before.index()).isZero();
    Rectangle2D act = l.box(GraphElement.ACTIVATION);
    assertThat(l.dropTarget((bn.getMaxX() + act.getMinX()) / 2, 0, null).index()).isEqualTo(1);
  }

  @Test
  void laneMoveTargetIsTheIndexAfterTheMove() {
    GraphLayout l = layout(GraphFixtures.dbb(8, 16, 3));
    GraphElement origin = GraphElement.branch("dbb_origin");
    Rectangle2D avg = l.lanes().get(GraphElement.branch("dbb_avg"));
    Rectangle2D last = l.lanes().get(GraphElement.branch("dbb_1x1_kxk"));
    assertThat(l.laneMoveTarget(avg.getMaxY() + 1, origin).index()).isEqualTo(2);
    assertThat(l.laneMoveTarget(last.getMaxY() + 50, origin).index()).isEqualTo(3);
    assertThat(l.laneMoveTarget(-1000, origin).index()).isZero();
  }

  @Test
  void offsetsMoveOnlyTheirNode() {
    GraphModel m = GraphModel.of(GraphFixtures.repvgg(16));
    GraphElement key = GraphElement.op("rbr_1x1", "bn");
    GraphLayout plain = GraphLayout.compute(m, Metrics.DEFAULT, Map.of());
    GraphLayout moved = GraphLayout.compute(m, Metrics.DEFAULT, Map.of(key, new Point2D(15, -40)));
    assertThat(moved.box(key).getMinX()).isEqualTo(plain.box(key).getMinX() + 15);
    assertThat(moved.box(key).getMinY()).isEqualTo(plain.box(key).getMinY() - 40);
    assertThat(moved.baseBox(key)).isEqualTo(plain.box(key));
    for (GraphElement other : plain.boxes().keySet()) {
      if (!other.equals(key)) {
        assertThat(moved.box(other)).isEqualTo(plain.box(other));
      }
    }
  }

  @Test
  void repeatedIdsStillGetTheirOwnNodes() {
    BlockSpec spec = GraphFixtures.repvgg(16);
    spec =
        spec.withBranches(
            List.of(spec.branches().get(0), spec.branches().get(0), spec.branches().get(1)));
    GraphModel m = GraphModel.of(spec);
    assertThat(m.lanes()).hasSize(3);
    assertThat(m.lanes().get(0).key()).isNotEqualTo(m.lanes().get(1).key());
    assertThat(m.lanes().get(1).ref()).isEqualTo(GraphElement.branch("rbr_dense"));
    assertThat(m.nodes()).hasSize(2 + 2 + 2 + 4);
  }
}
