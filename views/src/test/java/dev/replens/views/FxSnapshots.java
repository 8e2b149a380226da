package dev.replens.views;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.transform.Transform;
import javax.imageio.ImageIO;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Snapshots and pixel reads for UI tests. */
public final class FxSnapshots {

  private FxSnapshots() {}

  /** A snapshot of a node at scale 1, taken on the FX thread after pending events. */
  public static WritableImage snapshot(FxRobot robot, Node node) {
    return snapshot(robot, node, 1);
  }

  /** A snapshot of a node at a render scale (1.5 for a 150% display). */
  public static WritableImage snapshot(FxRobot robot, Node node, double scale) {
    WaitForAsyncUtils.waitForFxEvents();
    AtomicReference<WritableImage> out = new AtomicReference<>();
    robot.interact(
        () -> {
          SnapshotParameters p = new SnapshotParameters();
          p.setTransform(Transform.scale(scale, scale));
          out.set(node.snapshot(p, null));
        });
    return out.get();
  }

  /** The color at a node-local point of a scale-1 snapshot of that node. */
  public static Color colorAt(Image img, Point2D p) {
    return img.getPixelReader().getColor((int) Math.floor(p.getX()), (int) Math.floor(p.getY()));
  }

  /** Saves a snapshot when the {@code replens.gallery} system property names a folder. */
  public static void saveIfGallery(Image img, String name) {
    String dir = System.getProperty("replens.gallery");
    if (dir == null || dir.isBlank()) {
      return;
    }
    try {
      Files.createDirectories(Path.of(dir));
      ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", Path.of(dir, name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether two images differ in at least one pixel. */
  public static boolean differ(Image a, Image b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return true;
    }
    for (int y = 0; y < (int) a.getHeight(); y++) {
      for (int x = 0; x < (int) a.getWidth(); x++) {
        if (a.getPixelReader().getArgb(x, y) != b.getPixelReader().getArgb(x, y)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Pixels darker than {@code lightness} (0..1) in an image. */
  public static int darkPixels(Image img, double lightness) {
    int n = 0;
    for (int y = 0; y < (int) img.getHeight(); y++) {
      for (int x = 0; x < (int) img.getWidth(); x++) {
        if (img.getPixelReader().getColor(x, y).getBrightness() < lightness) {
          n++;
        }
      }
    }
    return n;
  }
}
