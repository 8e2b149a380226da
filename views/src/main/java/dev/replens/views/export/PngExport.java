package dev.replens.views.export;

import java.io.IOException;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.transform.Transform;
import javax.imageio.ImageIO;

/**
 * Saves any node (a heatmap, a canvas, a chart, a whole panel) as a PNG: a snapshot of the node as
 * it is drawn, optionally at a higher render scale for sharper images, written atomically.
 *
 * <p>Order of calls: {@link #snapshot} on the JavaFX thread, then {@link #write} on any thread
 * (encoding is the slow part); {@link #save} does both on the JavaFX thread.
 */
public final class PngExport {

  private PngExport() {}

  /**
   * Renders a node at {@code scale} (2 = twice the pixels per side) on a white background. Call on
   * the JavaFX thread.
   */
  public static WritableImage snapshot(Node node, double scale) {
    if (!Platform.isFxApplicationThread()) {
      throw new IllegalStateException("snapshots must be taken on the JavaFX thread");
    }
    if (!(scale > 0)) {
      throw new IllegalArgumentException("scale must be positive, got " + scale);
    }
    SnapshotParameters p = new SnapshotParameters();
    p.setFill(Color.WHITE);
    p.setTransform(Transform.scale(scale, scale));
    return node.snapshot(p, null);
  }

  /** Encodes an image as PNG into {@code file}, atomically. Any thread. */
  public static void write(Image image, Path file) throws IOException {
    java.awt.image.BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
    AtomicFiles.write(
        file,
        out -> {
          if (!ImageIO.write(buffered, "png", out)) {
            throw new IOException("no PNG writer is available");
          }
        });
  }

  /** Saves a node at scale 1. Call on the JavaFX thread. */
  public static void save(Node node, Path file) throws IOException {
    save(node, file, 1);
  }

  /** Saves a node at a render scale. Call on the JavaFX thread. */
  public static void save(Node node, Path file, double scale) throws IOException {
    write(snapshot(node, scale), file);
  }
}
