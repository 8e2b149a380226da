package dev.replens.views.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.views.FxSnapshots;
import dev.replens.views.TestKernels;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The kernel heatmap in a 640×520 window. Kernels are hand-built: a 4×4×3×3 kernel with {@code
 * w[1,2,0,1] = +0.8} and {@code w[2,3,2,2] = −0.8}, all else 0; grouped and 64-channel kernels for
 * the not-connected and paging cases.
 */
@ExtendWith(ApplicationExtension.class)
class KernelHeatmapTest {

  private KernelHeatmap heatmap;

  @Start
  void start(Stage stage) {
    heatmap = new KernelHeatmap();
    stage.setScene(new Scene(new StackPane(heatmap), 640, 520));
    stage.show();
  }

  private KernelHeatmapSkin skin() {
    return (KernelHeatmapSkin) heatmap.getSkin();
  }

  private void show(FxRobot robot, KernelSnapshot k) {
    robot.interact(() -> heatmap.setKernel(k));
    WaitForAsyncUtils.waitForFxEvents();
  }

  private Point2D center(FxRobot robot, int o, int in, int y, int x) {
    Point2D[] p = new Point2D[1];
    robot.interact(() -> p[0] = skin().tapCenter(o, in, y, x));
    assertThat(p[0]).as("tap [%d,%d,%d,%d] on the page", o, in, y, x).isNotNull();
    return p[0];
  }

  private static KernelSnapshot plusMinus() {
    return TestKernels.zeros(4, 4, 3, 1, 1, 2, 0, 1, 0.8, 2, 3, 2, 2, -0.8);
  }

  @Test
  void positiveTapIsRedNegativeTapIsBlueAndZeroIsWhite(FxRobot robot) {
    show(robot, plusMinus());
    WritableImage img = FxSnapshots.snapshot(robot, heatmap);
    FxSnapshots.saveIfGallery(img, "heatmap-plus-minus.png");

    Color pos = FxSnapshots.colorAt(img, center(robot, 1, 2, 0, 1));
    Color neg = FxSnapshots.colorAt(img, center(robot, 2, 3, 2, 2));
    Color zero = FxSnapshots.colorAt(img, center(robot, 0, 0, 1, 1));
    assertThat(pos.getRed()).isGreaterThan(0.35).isGreaterThan(pos.getBlue() + 0.2);
    assertThat(neg.getBlue()).isGreaterThan(0.35).isGreaterThan(neg.getRed() + 0.2);
    assertThat(zero).isEqualTo(Color.WHITE);
    assertThat(heatmap.getEffectiveScale()).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void colorsFollowTheKernelWhenItChanges(FxRobot robot) {
    show(robot, plusMinus());
    Point2D p = center(robot, 1, 2, 0, 1);
    Color before = FxSnapshots.colorAt(FxSnapshots.snapshot(robot, heatmap), p);
    // Same shape, the positive tap flipped to negative.
    show(robot, TestKernels.zeros(4, 4, 3, 1, 1, 2, 0, 1, -0.8, 2, 3, 2, 2, -0.8));
    Color after = FxSnapshots.colorAt(FxSnapshots.snapshot(robot, heatmap), p);
    assertThat(before.getRed()).isGreaterThan(before.getBlue() + 0.2);
    assertThat(after.getBlue()).isGreaterThan(after.getRed() + 0.2);
  }

  @Test
  void aFixedScaleWashesOutSmallValues(FxRobot robot) {
    show(robot, plusMinus());
    Point2D p = center(robot, 1, 2, 0, 1);
    Color own = FxSnapshots.colorAt(FxSnapshots.snapshot(robot, heatmap), p);
    robot.interact(() -> heatmap.setFixedScale(8.0));
    Color shared = FxSnapshots.colorAt(FxSnapshots.snapshot(robot, heatmap), p);
    assertThat(heatmap.getEffectiveScale()).isEqualTo(8.0);
    // 0.8 of 8 is a pale red, much lighter than full red.
    assertThat(shared.getBrightness()).isGreaterThan(own.getBrightness());
    assertThat(shared.getRed()).isGreaterThan(shared.getBlue());
  }

  @Test
  void hoveringATapReportsItsIndexAndValue(FxRobot robot) {
    show(robot, plusMinus());
    Point2D p = center(robot, 2, 3, 2, 2);
    robot.moveTo(heatmap.localToScreen(p));
    WaitForAsyncUtils.waitForFxEvents();
    KernelTap t = heatmap.getHoveredTap();
    assertThat(t).isNotNull();
    assertThat(new int[] {t.out(), t.in(), t.y(), t.x()}).containsExactly(2, 3, 2, 2);
    assertThat(t.value()).isEqualTo(-0.8);
    assertThat(robot.lookup(".readout").queryLabeled().getText()).contains("w[2, 3, 2, 2]");
  }

  @Test
  void clickingATapSelectsIt(FxRobot robot) {
    show(robot, plusMinus());
    robot.clickOn(heatmap.localToScreen(center(robot, 1, 2, 0, 1)));
    WaitForAsyncUtils.waitForFxEvents();
    KernelTap t = heatmap.getSelectedTap();
    assertThat(t).isNotNull();
    assertThat(new int[] {t.out(), t.in(), t.inGroup(), t.y(), t.x()})
        .containsExactly(1, 2, 2, 0, 1);
    assertThat(t.value()).isEqualTo(0.8);
  }

  @Test
  void theSelectionKeepsItsIndexAndTakesTheNewValue(FxRobot robot) {
    show(robot, plusMinus());
    robot.interact(() -> heatmap.setSelectedTap(KernelTap.at(plusMinus(), 1, 2, 0, 1)));
    show(robot, TestKernels.zeros(4, 4, 3, 1, 1, 2, 0, 1, 0.25));
    assertThat(heatmap.getSelectedTap().value()).isEqualTo(0.25);
    show(robot, TestKernels.zeros(2, 2, 3, 1));
    assertThat(heatmap.getSelectedTap()).isNull();
  }

  @Test
  void kernelsThatGroupsLeaveUnconnectedAreGreyNotWhite(FxRobot robot) {
    // 4 in, 4 out, 2 groups: out 0..1 read in 0..1 only.
    show(robot, TestKernels.zeros(4, 4, 3, 2));
    WritableImage img = FxSnapshots.snapshot(robot, heatmap);
    FxSnapshots.saveIfGallery(img, "heatmap-groups.png");
    Color connected = FxSnapshots.colorAt(img, center(robot, 0, 1, 1, 1));
    Color open = FxSnapshots.colorAt(img, center(robot, 0, 3, 1, 1));
    assertThat(connected).isEqualTo(Color.WHITE);
    assertThat(open.getRed()).isCloseTo(open.getGreen(), within(0.02));
    assertThat(open.getGreen()).isCloseTo(open.getBlue(), within(0.02));
    assertThat(open.getBrightness()).isBetween(0.6, 0.85);

    robot.moveTo(heatmap.localToScreen(center(robot, 0, 3, 1, 1)));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(heatmap.getHoveredTap().connected()).isFalse();
    assertThat(robot.lookup(".readout").queryLabeled().getText()).contains("not connected");
  }

  @Test
  void pagingShowsChannels32To63OnPageTwo(FxRobot robot) {
    show(robot, TestKernels.random(64, 64, 3, 1, 7));
    assertThat(heatmap.getChannelWindow()).isEqualTo(new ChannelWindow(0, 32, 0, 32));
    assertThat(heatmap.getPseudoClassStates().toString()).contains("paged");
    robot.interact(
        () -> {
          heatmap.setOutPage(1);
          heatmap.setInPage(1);
        });
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(heatmap.getChannelWindow()).isEqualTo(new ChannelWindow(32, 64, 32, 64));
    assertThat(robot.lookup(".page-label").queryAllAs(javafx.scene.control.Label.class))
        .extracting(javafx.scene.control.Label::getText)
        .containsExactly("out 32–63", "in 32–63");

    robot.moveTo(heatmap.localToScreen(center(robot, 40, 33, 0, 0)));
    WaitForAsyncUtils.waitForFxEvents();
    KernelTap t = heatmap.getHoveredTap();
    assertThat(new int[] {t.out(), t.in(), t.y(), t.x()}).containsExactly(40, 33, 0, 0);
    assertThat(t.value()).isEqualTo(heatmap.getKernel().at(40, 33, 0, 0));

    robot.interact(() -> heatmap.setOutPage(5));
    assertThat(heatmap.getOutPage()).isEqualTo(1);
  }

  @Test
  void zoomingEnlargesTheTaps(FxRobot robot) {
    show(robot, TestKernels.random(8, 8, 3, 1, 3));
    int before = skin().geometry().tap();
    robot.interact(() -> heatmap.setZoom(2));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(skin().geometry().tap()).isBetween(2 * before - 1, 2 * before + 1);
    robot.interact(() -> heatmap.setZoom(100));
    assertThat(heatmap.getZoom()).isEqualTo(KernelHeatmap.MAX_ZOOM);
  }

  @Test
  void noKernelShowsThePlaceholder(FxRobot robot) {
    assertThat(heatmap.getPseudoClassStates().toString()).contains("empty");
    assertThat(robot.lookup(".placeholder").queryLabeled().isVisible()).isTrue();
    show(robot, plusMinus());
    assertThat(heatmap.getPseudoClassStates().toString()).doesNotContain("empty");
    assertThat(robot.lookup(".placeholder").queryLabeled().isVisible()).isFalse();
  }
}
