package dev.replens.engine.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder with one subfolder per class, as torchvision's {@code ImageFolder} reads it: the
 * subfolder names, sorted, are the classes; every PNG, JPEG, BMP or GIF inside is an image of that
 * class. Images are resized (bilinear) to a square size and converted to gray or RGB.
 */
public final class ImageFolder {

  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

  private ImageFolder() {}

  /** Whether the folder has at least one subfolder (and so could be an image folder). */
  public static boolean looksLikeImageFolder(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(Files::isDirectory);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Loads every image.
   *
   * @param size the side images are resized to
   * @param channels 1 (gray, luminance) or 3 (RGB)
   */
  public static Dataset load(Path root, int size, int channels) throws DataLoadException {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
    }
    if (!Files.isDirectory(root)) {
      throw new DataLoadException(root, "is not a folder");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new DataLoadException(root, "can't be listed (" + e.getMessage() + ")", e);
    }
    if (classDirs.size() < 2) {
      throw new DataLoadException(
          root,
          "has "
              + classDirs.size()
              + " class subfolders; an image folder needs one subfolder per class, at least two");
    }
    List<String> classes = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      int label = classes.size();
      classes.add(dir.getFileName().toString());
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(ImageFolder::isImageFile).sorted().toList();
      } catch (IOException e) {
        throw new DataLoadException(dir, "can't be listed (" + e.getMessage() + ")", e);
      }
      if (files.isEmpty()) {
        throw new DataLoadException(
            dir, "has no images (" + String.join(", ", EXTENSIONS) + "); add some or remove it");
      }
      for (Path f : files) {
        images.add(read(f, size, channels));
        labels.add(label);
      }
    }
    int len = channels * size * size;
    float[] all = new float[images.size() * len];
    int[] lab = new int[images.size()];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, all, i * len, len);
      lab[i] = labels.get(i);
    }
    String name = root.getFileName() == null ? root.toString() : root.getFileName().toString();
    return new Dataset(name, channels, size, size, all, lab, classes);
  }

  private static boolean isImageFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(n::endsWith);
  }

  /** One image, resized, CHW in [0, 1]. */
  static float[] read(Path file, int size, int channels) throws DataLoadException {
    BufferedImage src;
    try {
      src = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new DataLoadException(file, "can't be decoded as an image (" + e.getMessage() + ")", e);
    }
    if (src == null) {
      throw new DataLoadException(file, "is not an image format javax.imageio can read");
    }
    if (src.getWidth() < 1 || src.getHeight() < 1) {
      throw new DataLoadException(
          file, "is empty (" + src.getWidth() + "x" + src.getHeight() + ")");
    }
    BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(src, 0, 0, size, size, null);
    g.dispose();
    float[] out = new float[channels * size * size];
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = dst.getRGB(x, y);
        float r = ((rgb >> 16) & 0xFF) / 255f;
        float gr = ((rgb >> 8) & 0xFF) / 255f;
        float b = (rgb & 0xFF) / 255f;
        int p = y * size + x;
        if (channels == 1) {
          out[p] = 0.299f * r + 0.587f * gr + 0.114f * b;
        } else {
          out[p] = r;
          out[plane + p] = gr;
          out[2 * plane + p] = b;
        }
      }
    }
    return out;
  }
}
