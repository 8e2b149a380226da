package dev.replens.views.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class LiveChartTest {

  @TempDir Path dir;
  private LiveChart chart;

  @Start
  void start(Stage stage) {
    chart = new LiveChart("Loss", "step", "loss");
    stage.setScene(new Scene(new StackPane(chart), 500, 320));
    stage.show();
  }

  @Test
  void aBatchToSeveralSeriesRedrawsOnce(FxRobot robot) {
    robot.interact(
        () -> {
          chart.addSeries("train");
          chart.addSeries("val");
        });
    AtomicInteger redraws = new AtomicInteger();
    robot.interact(
        () -> {
          chart.getChart().addChangeListener(e -> redraws.incrementAndGet());
          LiveChart.Batch b = chart.batch();
          for (int i = 0; i < 100; i++) {
            b.add("train", i, 1.0 / (i + 1)).add("val", i, 1.2 / (i + 1));
          }
          b.commit();
        });
    assertThat(redraws.get()).isEqualTo(1);
    assertThat(chart.pointCount("train")).isEqualTo(100);
    assertThat(chart.pointCount("val")).isEqualTo(100);
    assertThat(chart.seriesNames()).containsExactly("train", "val");
  }

  @Test
  void theCsvHoldsEveryPointInLongForm(FxRobot robot) throws IOException {
    robot.interact(
        () -> {
          chart.appendAll("train", new double[] {0, 1}, new double[] {2.5, 1.5});
          chart.append("val, held out", 1, 1.75);
        });
    assertThat(chart.toCsv().toString())
        .isEqualTo("series,x,y\ntrain,0.0,2.5\ntrain,1.0,1.5\n\"val, held out\",1.0,1.75\n");
    Path f = dir.resolve("loss.csv");
    chart.exportCsv(f);
    assertThat(Files.readString(f)).startsWith("series,x,y\n");
  }

  @Test
  void aPointLimitDropsTheOldestPoints(FxRobot robot) {
    robot.interact(
        () -> {
          chart.setMaxPoints(10);
          LiveChart.Batch b = chart.batch();
          for (int i = 0; i < 25; i++) {
            b.add("train", i, i);
          }
          b.commit();
        });
    assertThat(chart.pointCount("train")).isEqualTo(10);
    assertThat(chart.toCsv().toString()).contains("train,15.0,15.0\n").doesNotContain("train,14.0");
  }

  @Test
  void aPngExportHasTheRequestedSize(FxRobot robot) throws IOException {
    robot.interact(() -> chart.appendAll("train", new double[] {0, 1, 2}, new double[] {3, 2, 1}));
    Path f = dir.resolve("chart.png");
    chart.exportPng(f, 320, 200);
    BufferedImage img = ImageIO.read(f.toFile());
    assertThat(img.getWidth()).isEqualTo(320);
    assertThat(img.getHeight()).isEqualTo(200);
  }
}
