package dev.replens.views.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.views.FxSnapshots;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The network views on hand-made data: a strip of five blocks (one of each status), an INT8 chart
 * of three layers, and the channel ranges of a 4-channel kernel whose channel 2 is wide.
 */
@ExtendWith(ApplicationExtension.class)
class NetworkViewsTest {

  private NetworkStrip strip;
  private Int8Bars bars;
  private ChannelRangeMap map;

  @Start
  void start(Stage stage) {
    strip = new NetworkStrip();
    strip
        .getBlocks()
        .setAll(
            new StripBlock("stage0.0", "RepVGG", BlockStatus.OK, "within round-off"),
            new StripBlock("stage1.0", "RepVGG", BlockStatus.WARNING, "BN never trained"),
            new StripBlock("stage1.1", "RepVGG", BlockStatus.ERROR, "rbr_1x1 is missing"),
            new StripBlock("stage2.0", "RepVGG", BlockStatus.DEPLOY_FORM, ""),
            new StripBlock("linear", "", BlockStatus.PASS_THROUGH, "2 keys"));
    bars = new Int8Bars();
    bars.getRows()
        .setAll(
            new Int8Row("stage0.0", 0.01, 0.005, ""),
            new Int8Row("stage1.0", 0.08, 0.01, "range inflated by rbr_identity"),
            new Int8Row("stage1.1", 0.02, 0.019, ""));
    map = new ChannelRangeMap();
    map.setTitle("stage1.0");
    map.setRanges(
        new ChannelRanges(
            new float[] {-0.1f, -0.2f, -0.1f, -0.9f}, new float[] {0.1f, 0.2f, 2f, 0}));
    VBox root = new VBox(8, strip, bars, map);
    bars.setPrefHeight(160);
    map.setPrefHeight(150);
    stage.setScene(new Scene(root, 720, 420));
    stage.show();
  }

  private List<Region> cells() {
    return ((NetworkStripSkin) strip.getSkin()).cells();
  }

  /** The color a few pixels in from a node's left edge, at mid height (clear of a cell's name). */
  private static Color leftEdge(FxRobot robot, Node n) {
    WritableImage img = FxSnapshots.snapshot(robot, n);
    return FxSnapshots.colorAt(img, new Point2D(6, img.getHeight() / 2));
  }

  private static Color centre(FxRobot robot, Node n) {
    WritableImage img = FxSnapshots.snapshot(robot, n);
    return FxSnapshots.colorAt(img, new Point2D(img.getWidth() / 2, img.getHeight() / 2));
  }

  @Test
  void eachStatusHasItsOwnColor(FxRobot robot) {
    Color ok = leftEdge(robot, cells().get(0));
    Color warning = leftEdge(robot, cells().get(1));
    Color error = leftEdge(robot, cells().get(2));
    Color deploy = leftEdge(robot, cells().get(3));
    Color pass = leftEdge(robot, cells().get(4));
    assertThat(ok.getGreen()).isGreaterThan(ok.getRed() + 0.2);
    assertThat(error.getRed()).isGreaterThan(error.getGreen() + 0.4);
    assertThat(warning.getRed()).isGreaterThan(0.8);
    assertThat(warning.getGreen()).isGreaterThan(0.5);
    assertThat(deploy.getBlue()).isGreaterThan(deploy.getRed() + 0.4);
    assertThat(pass.getSaturation()).isLessThan(0.05);
  }

  @Test
  void clickingACellSelectsItsBlockAndTheKeysMoveTheSelection(FxRobot robot) {
    robot.clickOn(cells().get(2));
    assertThat(strip.getSelectedIndex()).isEqualTo(2);
    assertThat(cells().get(2).getPseudoClassStates())
        .contains(NetworkStripSkin.SELECTED)
        .contains(BlockStatus.ERROR.pseudoClass());
    assertThat(robot.lookup(".strip-caption").queryLabeled().getText())
        .isEqualTo("stage1.1 (RepVGG): has an error; rbr_1x1 is missing");
    robot.type(KeyCode.RIGHT);
    assertThat(strip.getSelectedIndex()).isEqualTo(3);
    robot.type(KeyCode.HOME);
    assertThat(strip.getSelectedIndex()).isZero();
    robot.interact(() -> strip.selectPrefix("linear"));
    assertThat(strip.getSelectedIndex()).isEqualTo(4);
    assertThat(cells().get(0).getPseudoClassStates()).doesNotContain(NetworkStripSkin.SELECTED);
  }

  @Test
  void theStripSaysEveryBlockInWords() {
    assertThat(strip.getAccessibleText())
        .isEqualTo("5 blocks: 1 ok, 1 warning, 1 error, 1 in deploy form, 1 pass-through");
    assertThat(cells().get(1).getAccessibleText())
        .isEqualTo("stage1.0 (RepVGG): converts, with a warning; BN never trained");
    assertThat(cells().get(4).getAccessibleText())
        .isEqualTo("linear: passes through unchanged; 2 keys");
  }

  @Test
  void theBarsRankTheWorstLayerFirstWithLengthsProportionalToTheError(FxRobot robot) {
    List<Int8BarsSkin.Pair> pairs = ((Int8BarsSkin) bars.getSkin()).pairs();
    assertThat(pairs).hasSize(3);
    assertThat(bars.ranked().stream().map(Int8Row::prefix))
        .containsExactly("stage1.0", "stage1.1", "stage0.0");
    double full = pairs.get(0).getWidth();
    assertThat(pairs.get(0).perTensor.getWidth()).isCloseTo(full, within(1.0));
    assertThat(pairs.get(0).perChannel.getWidth()).isCloseTo(full * 0.01 / 0.08, within(1.0));
    assertThat(pairs.get(2).perTensor.getWidth()).isCloseTo(full * 0.01 / 0.08, within(1.0));
    // The pixels: the worst row's per-tensor bar is orange across, its per-channel bar blue.
    Color t = centre(robot, pairs.get(0).perTensor);
    Color c = centre(robot, pairs.get(0).perChannel);
    assertThat(t.getRed()).isGreaterThan(t.getBlue() + 0.5);
    assertThat(c.getBlue()).isGreaterThan(c.getRed() + 0.4);
    robot.clickOn(robot.lookup(".int8-row").nth(1).queryAs(Region.class));
    assertThat(bars.getSelectedPrefix()).isEqualTo("stage1.1");
  }

  @Test
  void theRangeMapColorsEachChannelAndNamesTheWidest(FxRobot robot) {
    Node plot = robot.lookup(".channel-range-map .plot").query();
    WritableImage img = FxSnapshots.snapshot(robot, plot);
    double w = img.getWidth();
    double h = img.getHeight();
    // Channel 2's max (2.0, the largest |w|) is the darkest red; channel 3's min (−0.9) is blue.
    Color max2 = FxSnapshots.colorAt(img, new Point2D(w * 2.5 / 4, h * 0.25));
    Color min3 = FxSnapshots.colorAt(img, new Point2D(w * 3.5 / 4, h * 0.75));
    Color max3 = FxSnapshots.colorAt(img, new Point2D(w * 3.5 / 4, h * 0.25));
    assertThat(max2.getRed()).isGreaterThan(0.3).isGreaterThan(max2.getBlue() + 0.2);
    assertThat(max2.getBrightness()).isLessThan(0.6);
    assertThat(min3.getBlue()).isGreaterThan(min3.getRed() + 0.2);
    assertThat(max3.getBrightness()).isGreaterThan(0.97); // exactly 0: white
    assertThat(robot.lookup(".channel-range-map .summary").queryLabeled().getText())
        .isEqualTo("widest: channel 2, |w| max 2 (3.6× the median)");
    robot.moveTo(
        plot,
        javafx.geometry.Pos.TOP_LEFT,
        new Point2D(w * 3.5 / 4, h / 2),
        org.testfx.robot.Motion.DIRECT);
    assertThat(map.hoveredChannelProperty().get()).isEqualTo(3);
    assertThat(robot.lookup(".channel-range-map .readout").queryLabeled().getText())
        .isEqualTo("channel 3: min −0.9 · max 0 · |w| max 0.9");
  }

  @Test
  void mismatchedRangesAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ChannelRanges(new float[2], new float[3]))
        .hasMessageContaining("2 vs 3");
  }
}
