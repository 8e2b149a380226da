package dev.replens.app.reparam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.train.run.RunState;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.chart.LiveChartSkin;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.fx.ChartCanvas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The RepOptimizer and DyRep workspaces driven headless on tiny networks: RepOpt with one CSLA
 * block of 4 channels for 8 steps; DyRep with one plain block of 4 channels, an adjustment every 2
 * steps, 8 steps.
 */
@ExtendWith(ApplicationExtension.class)
class ReparamPanesTest {

  private final StackPane root = new StackPane();
  private RepOptPane repopt;
  private DyRepPane dyrep;

  @Start
  void start(Stage stage) {
    stage.setScene(new Scene(root, 1200, 800));
    stage.show();
  }

  @AfterEach
  void stop(FxRobot robot) {
    robot.interact(
        () -> {
          if (repopt != null) {
            repopt.close();
          }
          if (dyrep != null) {
            dyrep.close();
          }
        });
  }

  private static BlockSpec sample(String id) throws Exception {
    return SampleCatalog.load(id).block();
  }

  /** Pixels within 40 of {@code rgb} in each channel, inside the chart's data area. */
  private static int pixelsOf(LiveChart chart, int rgb) {
    ChartRenderingInfo info = new ChartRenderingInfo();
    BufferedImage img = chart.getChart().createBufferedImage(600, 400, info);
    Rectangle2D area = info.getPlotInfo().getDataArea();
    int n = 0;
    for (int y = (int) area.getMinY() + 1; y < (int) area.getMaxY() - 1; y++) {
      for (int x = (int) area.getMinX() + 1; x < (int) area.getMaxX() - 1; x++) {
        int p = img.getRGB(x, y);
        if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) < 40
            && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) < 40
            && Math.abs((p & 255) - (rgb & 255)) < 40) {
          n++;
        }
      }
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  @Test
  void theTrajectoryChartsFollowBothModelsStepByStep(FxRobot robot) throws Exception {
    BlockSpec csla = sample("csla");
    robot.interact(
        () -> {
          repopt = new RepOptPane(new RepOptLab(csla, 1, 4));
          root.getChildren().setAll(repopt);
          root.applyCss();
          root.layout();
          ((Spinner<Integer>) repopt.lookup("#repoptSteps")).getValueFactory().setValue(8);
        });
    robot.interact(() -> ((Button) repopt.lookup("#repoptRun")).fire());
    WaitForAsyncUtils.waitFor(
        90,
        TimeUnit.SECONDS,
        () ->
            repopt.lab().stateProperty().get() == RunState.FINISHED
                && repopt.lossChart().pointCount(RepOptPane.REPOPT) == 8);
    WaitForAsyncUtils.waitForFxEvents();

    LiveChart diff = repopt.differenceChart();
    assertThat(diff.seriesNames()).hasSize(1);
    assertThat(diff.pointCount(diff.seriesNames().get(0))).isEqualTo(9); // step 0 and 8 steps
    assertThat(repopt.lossChart().pointCount(RepOptPane.CSLA)).isEqualTo(8);
    assertThat(repopt.lossChart().pointCount(RepOptPane.REPOPT)).isEqualTo(8);
    // Both loss curves are drawn, although they coincide: CSLA wide (blue), RepOpt dashed (orange).
    assertThat(pixelsOf(repopt.lossChart(), 0x4e79a7)).isGreaterThan(100);
    assertThat(pixelsOf(repopt.lossChart(), 0xf28e2b)).isGreaterThan(100);
    // float64 by default: the plotted differences stay at round-off.
    assertThat(
            diff.toCsv()
                .toString()
                .lines()
                .skip(1)
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)))
                .max()
                .orElseThrow())
        .isLessThan(1e-12);
    assertThat(((ProgressBar) repopt.lookup("#repoptProgress")).getProgress()).isEqualTo(1.0);
    assertThat(((Label) repopt.lookup("#repoptStatus")).getText())
        .startsWith("Step 8 of 8")
        .contains("The two kernels coincide");
    assertThat(repopt.lab().multiplierProperty().get()).isNotNull();

    // Breaking it: the mismatched multiplier restarts the run; the old curve stays beside it.
    robot.interact(() -> ((javafx.scene.control.CheckBox) repopt.lookup("#repoptMismatch")).fire());
    WaitForAsyncUtils.waitFor(
        90,
        TimeUnit.SECONDS,
        () ->
            repopt.lab().stateProperty().get() == RunState.FINISHED
                && repopt.lossChart().pointCount(RepOptPane.REPOPT) == 8);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(diff.seriesNames()).hasSize(2);
    assertThat(diff.seriesNames().get(1)).startsWith(RepOptPane.PREVIOUS);
    assertThat(((Label) repopt.lookup("#repoptStatus")).getText())
        .contains("The two kernels have parted");
  }

  @SuppressWarnings("unchecked")
  @Test
  void theDifferenceChartDrawsFloat64RoundOffAsAVisibleLine(FxRobot robot) throws Exception {
    BlockSpec csla = sample("csla");
    robot.interact(
        () -> {
          repopt = new RepOptPane(new RepOptLab(csla, 1, 4));
          root.getChildren().setAll(repopt);
          root.applyCss();
          root.layout();
          ((Spinner<Integer>) repopt.lookup("#repoptSteps")).getValueFactory().setValue(20);
        });
    robot.interact(() -> ((Button) repopt.lookup("#repoptRun")).fire());
    WaitForAsyncUtils.waitFor(
        120,
        TimeUnit.SECONDS,
        () ->
            repopt.lab().stateProperty().get() == RunState.FINISHED
                && repopt.lossChart().pointCount(RepOptPane.REPOPT) == 20);
    WaitForAsyncUtils.waitForFxEvents();

    LiveChart diff = repopt.differenceChart();
    String series = diff.seriesNames().get(0);
    assertThat(diff.pointCount(series)).isEqualTo(21);
    double[] ys =
        diff.toCsv()
            .toString()
            .lines()
            .skip(1)
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)))
            .toArray();
    // Round-off, far below the 1e-12 where the log axis used to end.
    assertThat(java.util.Arrays.stream(ys).max().orElseThrow()).isLessThan(1e-12);
    assertThat(diff.getNote()).contains("float64").contains("exact 0");

    // The line on screen: blue pixels in most columns of the data area, at ten or more heights.
    ChartCanvas canvas = ((LiveChartSkin) diff.getSkin()).viewer().getCanvas();
    java.util.concurrent.atomic.AtomicReference<WritableImage> shot =
        new java.util.concurrent.atomic.AtomicReference<>();
    robot.interact(() -> shot.set(canvas.snapshot(null, null)));
    WritableImage img = shot.get();
    Rectangle2D area = canvas.getRenderingInfo().getPlotInfo().getDataArea();
    assertThat(area.getHeight()).isGreaterThan(100);
    PixelReader px = img.getPixelReader();
    int columns = 0;
    java.util.Set<Integer> rows = new java.util.TreeSet<>();
    for (int x = (int) area.getMinX() + 2; x < (int) area.getMaxX() - 2; x++) {
      boolean hit = false;
      for (int y = (int) area.getMinY() + 2; y < (int) area.getMaxY() - 2; y++) {
        if (ofTheLine(px.getArgb(x, y))) {
          hit = true;
          rows.add(y / 3);
        }
      }
      columns += hit ? 1 : 0;
    }
    int width = (int) area.getWidth() - 4;
    assertThat(columns).as("columns with the line, of %d", width).isGreaterThan(width * 8 / 10);
    assertThat(rows.size()).as("distinct heights the line reaches").isGreaterThanOrEqualTo(10);
  }

  /**
   * A pixel of the series' blue (0x4e79a7), also where antialiasing blends a thin line with the
   * white plot: clearly bluer than it is red, and clearly darker than white. The grey grid and axes
   * (equal channels) are not.
   */
  private static boolean ofTheLine(int argb) {
    int r = (argb >> 16) & 255;
    int b = argb & 255;
    return b - r > 25 && r < 215;
  }

  @Test
  void theBlockOnTheCanvasGrowsDuringADyRepRunAndTheTimelineReplaysIt(FxRobot robot)
      throws Exception {
    BlockSpec plain = sample("plain-conv-bn");
    robot.interact(
        () -> {
          dyrep = new DyRepPane(plain);
          dyrep.graph().setAnimated(false);
          root.getChildren().setAll(dyrep);
          root.applyCss();
          root.layout();
          dyrep.apply(new DyRepLab.Settings(2, 8, 1, 4, 0.05, 0.0001));
        });
    WaitForAsyncUtils.waitForFxEvents();
    int before = nodes();
    robot.interact(() -> ((Button) dyrep.lookup("#dyrepRun")).fire());
    WaitForAsyncUtils.waitFor(
        90,
        TimeUnit.SECONDS,
        () -> dyrep.events().stream().anyMatch(e -> e.kind() == DyRepEvent.Kind.GROWN));
    WaitForAsyncUtils.waitForFxEvents();
    // The live graph may already show the cuts that follow the grow within a step or two; the
    // grown structure itself is checked through the timeline below.
    WaitForAsyncUtils.waitFor(
        90, TimeUnit.SECONDS, () -> dyrep.lab().stateProperty().get() == RunState.FINISHED);
    WaitForAsyncUtils.waitForFxEvents();
    int end = nodes();
    assertThat(dyrep.events()).allSatisfy(e -> assertThat(e.outputChange()).isLessThan(1e-4));
    assertThat(((ProgressBar) dyrep.lookup("#dyrepProgress")).getProgress()).isEqualTo(1.0);
    Node warning = dyrep.lookup("#dyrepRoundOff");
    assertThat(warning.isVisible()).isTrue();
    assertThat(((Label) warning).getText()).contains("round-off").contains("noise");

    // Playback: back to the start shows the plain block again.
    robot.interact(() -> dyrep.timeline().setValue(0));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(nodes()).isEqualTo(before);
    // The first event is the grow; the graph polled above may already show later cuts.
    robot.interact(() -> dyrep.timeline().setValue(dyrep.events().get(0).step()));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(nodes()).isGreaterThan(before + 6);
    robot.interact(() -> dyrep.timeline().setValue(dyrep.timeline().getMax()));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(nodes()).isEqualTo(end);
  }

  private int nodes() {
    return dyrep.graph().lookupAll(".graph-node").size();
  }
}
