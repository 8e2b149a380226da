package dev.replens.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a dataset from what a user types: {@code shapes} (gray 28×28), {@code shapes-rgb} (RGB
 * 32×32), or a path to an MNIST-style IDX folder or an image folder (one subfolder per class).
 */
public final class DataSources {

  private DataSources() {}

  /**
   * How to open a source.
   *
   * @param shapesTrain training images generated for {@code shapes}
   * @param shapesValidation validation images generated for {@code shapes}
   * @param imageSize the side image folders are resized to
   * @param imageChannels 1 or 3 for image folders
   * @param validationFraction the share split off when a source has no validation set of its own
   * @param seed the seed for generation and splitting
   */
  public record Options(
      int shapesTrain,
      int shapesValidation,
      int imageSize,
      int imageChannels,
      double validationFraction,
      long seed) {

    /** 5000 + 1000 shapes, images resized to 32×32 RGB, a 10% split. */
    public static Options defaults(long seed) {
      return new Options(5000, 1000, 32, 3, 0.1, seed);
    }

    /** A copy with another seed. */
    public Options withSeed(long newSeed) {
      return new Options(
          shapesTrain, shapesValidation, imageSize, imageChannels, validationFraction, newSeed);
    }
  }

  /** Whether the text names a built-in dataset rather than a path. */
  public static boolean isBuiltIn(String source) {
    return builtIn(source) != null;
  }

  /** Opens the source. */
  public static DatasetSplit open(String source, Options o) throws DataLoadException {
    ShapesDataset.Variant v = builtIn(source);
    if (v != null) {
      return ShapesDataset.split(v, o.shapesTrain(), o.shapesValidation(), o.seed());
    }
    Path p = Path.of(source);
    if (!Files.exists(p)) {
      throw new DataLoadException(
          p, "does not exist (built-in datasets: shapes, shapes-rgb; or give a folder)");
    }
    if (!Files.isDirectory(p)) {
      throw new DataLoadException(
          p, "is a file; give the folder that holds the IDX files or the class subfolders");
    }
    if (MnistFolder.looksLikeIdx(p)) {
      return MnistFolder.load(p, o.validationFraction(), o.seed());
    }
    if (ImageFolder.looksLikeImageFolder(p)) {
      return ImageFolder.load(p, o.imageSize(), o.imageChannels())
          .split(o.validationFraction(), o.seed());
    }
    throw new DataLoadException(
        p,
        "holds neither MNIST-style IDX files (train-images-idx3-ubyte[.gz]) nor class"
            + " subfolders of images");
  }

  private static ShapesDataset.Variant builtIn(String source) {
    return switch (source.toLowerCase(Locale.ROOT)) {
      case "shapes", "shapes-28", "shapes-gray" -> ShapesDataset.Variant.GRAY_28;
      case "shapes-rgb", "shapes-rgb-32", "shapes-32" -> ShapesDataset.Variant.RGB_32;
      default -> null;
    };
  }
}
