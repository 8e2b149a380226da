package dev.replens.views.heatmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.eval.Comparison;
import dev.replens.views.FxSnapshots;
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
 * An 8×8 error map: 0.1 at (0, 0), 1e−7 at (4, 4), 1e−12 elsewhere; shown on the default log scale
 * (8 decades below 0.1) and on a linear one.
 */
@ExtendWith(ApplicationExtension.class)
class ErrorMapViewTest {

  private ErrorMapView view;

  @Start
  void start(Stage stage) {
    view = new ErrorMapView();
    stage.setScene(new Scene(new StackPane(view), 480, 400));
    stage.show();
  }

  private static Comparison comparison() {
    double[] map = new double[64];
    java.util.Arrays.fill(map, 1e-12);
    map[0] = 0.1;
    map[4 * 8 + 4] = 1e-7;
    return new Comparison(0.1, 0.1, new double[] {0.1}, map, 8, 8);
  }

  private Point2D center(FxRobot robot, int y, int x) {
    Point2D[] p = new Point2D[1];
    robot.interact(() -> p[0] = ((ErrorMapViewSkin) view.getSkin()).cellCenter(y, x));
    return p[0];
  }

  @Test
  void largeErrorsAreDarkRedSmallOnesPaleAndNoneWhite(FxRobot robot) {
    robot.interact(() -> view.setComparison(comparison()));
    WritableImage img = FxSnapshots.snapshot(robot, view);
    Color hot = FxSnapshots.colorAt(img, center(robot, 0, 0));
    Color warm = FxSnapshots.colorAt(img, center(robot, 4, 4));
    Color cold = FxSnapshots.colorAt(img, center(robot, 7, 7));
    assertThat(hot.getRed()).isGreaterThan(hot.getGreen() + 0.4);
    assertThat(hot.getBrightness()).isLessThan(0.75);
    // 1e−7 is 6 of 8 decades up: clearly colored, lighter than the maximum.
    assertThat(warm.getBrightness()).isGreaterThan(hot.getBrightness());
    assertThat(warm.getRed()).isGreaterThan(warm.getBlue() + 0.2);
    assertThat(cold).isEqualTo(Color.WHITE);
  }

  @Test
  void onALinearScaleTinyErrorsAreWhite(FxRobot robot) {
    robot.interact(
        () -> {
          view.setComparison(comparison());
          view.setLogScale(false);
        });
    WritableImage img = FxSnapshots.snapshot(robot, view);
    assertThat(FxSnapshots.colorAt(img, center(robot, 4, 4)).getBrightness()).isGreaterThan(0.99);
    assertThat(view.getPseudoClassStates().toString()).doesNotContain("log");
  }

  @Test
  void theMapChangesWhenTheComparisonDoes(FxRobot robot) {
    robot.interact(() -> view.setComparison(comparison()));
    WritableImage before = FxSnapshots.snapshot(robot, view);
    double[] map = new double[64];
    map[63] = 0.5;
    robot.interact(
        () -> view.setComparison(new Comparison(0.5, 0.5, new double[] {0.5}, map, 8, 8)));
    WritableImage after = FxSnapshots.snapshot(robot, view);
    assertThat(FxSnapshots.colorAt(after, center(robot, 0, 0))).isEqualTo(Color.WHITE);
    assertThat(FxSnapshots.differ(before, after)).isTrue();
  }

  @Test
  void hoveringReportsThePositionAndItsError(FxRobot robot) {
    robot.interact(() -> view.setComparison(comparison()));
    WaitForAsyncUtils.waitForFxEvents();
    robot.moveTo(view.localToScreen(center(robot, 4, 4)));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(view.getHoveredCell()).isEqualTo(new ErrorCell(4, 4, 1e-7));
    assertThat(robot.lookup(".error-map-view .readout").queryLabeled().getText())
        .isEqualTo("(y 4, x 4)  |Δ| = 1.0e−07");
  }
}
