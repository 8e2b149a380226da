package dev.replens.views.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** A 40×30 red region and a 20×10 blue canvas, saved as PNG. */
@ExtendWith(ApplicationExtension.class)
class PngExportTest {

  @TempDir Path dir;
  private Region region;
  private Canvas canvas;

  @Start
  void start(Stage stage) {
    region = new Region();
    region.setMinSize(40, 30);
    region.setMaxSize(40, 30);
    region.setStyle("-fx-background-color: red;");
    canvas = new Canvas(20, 10);
    canvas.getGraphicsContext2D().setFill(Color.BLUE);
    canvas.getGraphicsContext2D().fillRect(0, 0, 20, 10);
    HBox root = new HBox(region, canvas);
    root.setFillHeight(false);
    stage.setScene(new Scene(root, 200, 100));
    stage.show();
  }

  private BufferedImage save(FxRobot robot, javafx.scene.Node node, double scale, String name) {
    Path f = dir.resolve(name);
    robot.interact(
        () -> {
          try {
            PngExport.save(node, f, scale);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    try {
      return ImageIO.read(f.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aNodeIsSavedWithItsSizeAndPixels(FxRobot robot) {
    BufferedImage img = save(robot, region, 1, "region.png");
    assertThat(img.getWidth()).isEqualTo(40);
    assertThat(img.getHeight()).isEqualTo(30);
    assertThat(img.getRGB(20, 15) & 0xffffff).isEqualTo(0xff0000);
  }

  @Test
  void aCanvasSavesToo(FxRobot robot) {
    BufferedImage img = save(robot, canvas, 1, "canvas.png");
    assertThat(img.getWidth()).isEqualTo(20);
    assertThat(img.getRGB(10, 5) & 0xffffff).isEqualTo(0x0000ff);
  }

  @Test
  void aScaleEnlargesTheImage(FxRobot robot) {
    BufferedImage img = save(robot, region, 2, "region2.png");
    assertThat(img.getWidth()).isEqualTo(80);
    assertThat(img.getHeight()).isEqualTo(60);
  }

  @Test
  void snapshotsOffTheFxThreadAreRefused() {
    assertThatThrownBy(() -> PngExport.snapshot(region, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JavaFX thread");
  }
}
