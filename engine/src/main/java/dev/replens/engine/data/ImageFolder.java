package dev.replens.engine.data;

import dev.replens.engine.memory.MemoryBudget;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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
    if (size < 1) {
      throw new IllegalArgumentException("the image size must be positive, not " + size);
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
    List<List<Path>> perClass = new ArrayList<>();
    long count = 0;
    for (Path dir : classDirs) {
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(ImageFolder::isImageFile).sorted().toList();
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new DataLoadException(dir, "can't be listed (" + e.getMessage() + ")", e);
      }
      if (files.isEmpty()) {
        throw new DataLoadException(
            dir, "has no images (" + String.join(", ", EXTENSIONS) + "); add some or remove it");
      }
      perClass.add(files);
      count += files.size();
    }
    // Every image is resized to size × size, so the data set's size is known before decoding.
    Optional<String> tooLarge =
        MemoryBudget.ofThisMachine()
            .check("its images", "data sets", "float32", 4, count, channels, size, size);
    if (tooLarge.isPresent()) {
      throw new DataLoadException(root, tooLarge.get());
    }
    List<String> classes = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < classDirs.size(); c++) {
      classes.add(classDirs.get(c).getFileName().toString());
      for (Path f : perClass.get(c)) {
        images.add(read(f, size, channels));
        labels.add(c);
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

  /**
   * Decodes an image after checking the size its header announces, so that a forged header can't
   * make the decoder allocate gigabytes. Decoders throw unchecked exceptions on damaged data; each
   * becomes a message naming the file.
   */
  private static BufferedImage decode(Path file) throws DataLoadException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new DataLoadException(file, "can't be opened");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new DataLoadException(file, "is not an image format javax.imageio can read");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        // A decoded pixel takes at most 8 bytes (16-bit RGBA).
        Optional<String> tooLarge =
            MemoryBudget.ofThisMachine().check("decoded, it", "images", "pixels", 8, w, h);
        if (tooLarge.isPresent()) {
          throw new DataLoadException(file, "is " + w + "×" + h + " pixels; " + tooLarge.get());
        }
        BufferedImage img = reader.read(0);
        if (img == null) {
          throw new DataLoadException(file, "is not an image format javax.imageio can read");
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new DataLoadException(
          file,
          "can't be decoded as an image ("
              + (e.getMessage() == null ? "it is damaged or cut off" : e.getMessage())
              + ")",
          e);
    } catch (RuntimeException e) {
      throw new DataLoadException(
          file,
          "is a damaged image: its decoder failed ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + ")",
          e);
    }
  }

  /** One image, resized, CHW in [0, 1]. */
  static float[] read(Path file, int size, int channels) throws DataLoadException {
    BufferedImage src = decode(file);
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
