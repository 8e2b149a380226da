package dev.replens.views.heatmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.eval.Comparison;
import dev.replens.views.FxSnapshots;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.Label;
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
 * (8 decades below 0.1) and on a linear one; and one judged against a round-off bound of 1e−5.
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

  /** 1e−3 at (0, 0), 2e−5 at (2, 2), 2e−6 at (4, 4), 0 at (7, 7), 1e−7 elsewhere. */
  private static Comparison againstABound() {
    double[] map = new double[64];
    java.util.Arrays.fill(map, 1e-7);
    map[0] = 1e-3;
    map[2 * 8 + 2] = 2e-5;
    map[4 * 8 + 4] = 2e-6;
    map[63] = 0;
    return new Comparison(1e-3, 1e-3, new double[] {1e-3}, map, 8, 8);
  }

  @Test
  void againstARoundOffBoundErrorsBelowItAreGreenAndOnlyThoseAboveItWarm(FxRobot robot) {
    robot.interact(
        () -> {
          view.setBound(1e-5);
          view.setComparison(againstABound());
        });
    WritableImage img = FxSnapshots.snapshot(robot, view);
    Color mismatch = FxSnapshots.colorAt(img, center(robot, 0, 0));
    Color justAbove = FxSnapshots.colorAt(img, center(robot, 2, 2));
    Color within = FxSnapshots.colorAt(img, center(robot, 4, 4));
    Color tiny = FxSnapshots.colorAt(img, center(robot, 1, 1));
    Color zero = FxSnapshots.colorAt(img, center(robot, 7, 7));
    // 100× the bound: red.
    assertThat(mismatch.getRed()).isGreaterThan(mismatch.getGreen() + 0.5);
    // 2× the bound: already warm (yellow-orange), not green.
    assertThat(justAbove.getRed()).isGreaterThan(0.9);
    assertThat(justAbove.getRed()).isGreaterThan(justAbove.getGreen());
    assertThat(justAbove.getBlue()).isLessThan(0.5);
    // A fifth of the bound: green, nothing alarming.
    assertThat(within.getGreen()).isGreaterThan(within.getRed() + 0.1);
    assertThat(within.getGreen()).isGreaterThan(within.getBlue() + 0.1);
    // Far below the bound, and exactly 0: neutral, nearly white.
    assertThat(tiny.getBrightness()).isGreaterThan(0.9);
    assertThat(tiny.getGreen()).isGreaterThanOrEqualTo(tiny.getRed());
    assertThat(zero.getBrightness()).isGreaterThan(0.95);
    assertThat(zero.getSaturation()).isLessThan(0.05);
    assertThat(view.getPseudoClassStates().toString()).contains("bounded");

    assertThat(robot.lookup(".error-map-view .color-bar .marker-label").queryLabeled().getText())
        .isEqualTo("bound 1.0e−05");
    assertThat(robot.lookup(".error-map-view .summary").queryLabeled().getText())
        .isEqualTo("max |Δ| 1.0e−03 at (y 0, x 0) · 100× the bound");
    List<String> legend =
        robot.lookup(".error-map-view .legend .legend-label").queryAllAs(Label.class).stream()
            .map(Label::getText)
            .toList();
    assertThat(legend).containsExactly("|Δ| ≤ bound: within round-off", "above it: real mismatch");
    assertThat(robot.lookup(".error-map-view .legend").query().isVisible()).isTrue();
  }

  @Test
  void theMapHasLabelledPositionAxes(FxRobot robot) {
    robot.interact(
        () -> {
          view.setBound(1e-5);
          view.setComparison(againstABound());
        });
    WaitForAsyncUtils.waitForFxEvents();
    ErrorMapViewSkin skin = (ErrorMapViewSkin) view.getSkin();
    List<String> xs = skin.xTickLabels().stream().map(Label::getText).toList();
    List<String> ys = skin.yTickLabels().stream().map(Label::getText).toList();
    assertThat(xs).startsWith("0").contains("7").allMatch(t -> t.matches("\\d+"));
    assertThat(ys).startsWith("0").contains("7");
    assertThat(skin.xTickLabels())
        .allMatch(l -> l.isVisible() && l.getWidth() > 3 && l.getHeight() > 6);
    assertThat(skin.yTickLabels())
        .allMatch(l -> l.isVisible() && l.getWidth() > 3 && l.getHeight() > 6);
    // Each x tick sits under its column, each y tick beside its row.
    Label x7 = skin.xTickLabels().get(skin.xTickLabels().size() - 1);
    Point2D c7 = center(robot, 0, 7);
    double x7Center = view.sceneToLocal(x7.localToScene(x7.getWidth() / 2, 0)).getX();
    assertThat(x7Center).isCloseTo(c7.getX(), org.assertj.core.data.Offset.offset(1.5));
    List<String> titles =
        robot.lookup(".error-map-view .axis-title").queryAllAs(Label.class).stream()
            .filter(Label::isVisible)
            .map(Label::getText)
            .toList();
    assertThat(titles).containsExactlyInAnyOrder("x (column)", "y (row)");
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
