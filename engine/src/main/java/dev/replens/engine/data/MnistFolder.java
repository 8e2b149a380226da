package dev.replens.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A folder holding MNIST or Fashion-MNIST in IDX form: {@code train-images-idx3-ubyte} and {@code
 * train-labels-idx1-ubyte}, each optionally {@code .gz}, and optionally the {@code t10k-} test
 * pair, which then becomes the validation set.
 */
public final class MnistFolder {

  /** Fashion-MNIST's class names. */
  public static final List<String> FASHION_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** MNIST's class names. */
  public static final List<String> DIGITS =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private MnistFolder() {}

  /** Whether the folder holds at least the training image file of an IDX dataset. */
  public static boolean looksLikeIdx(Path dir) {
    return find(dir, "train-images-idx3-ubyte") != null;
  }

  /**
   * Loads the folder. Without a test pair, {@code validationFraction} of the training set is split
   * off (stratified, seeded).
   */
  public static DatasetSplit load(Path dir, double validationFraction, long seed)
      throws DataLoadException {
    Path trainImages = require(dir, "train-images-idx3-ubyte");
    Path trainLabels = require(dir, "train-labels-idx1-ubyte");
    String base = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    List<String> classes =
        base.toLowerCase(Locale.ROOT).contains("fashion") ? FASHION_CLASSES : DIGITS;
    Dataset train = read(trainImages, trainLabels, classes, base + " (train)");
    Path testImages = find(dir, "t10k-images-idx3-ubyte");
    Path testLabels = find(dir, "t10k-labels-idx1-ubyte");
    if (testImages != null && testLabels != null) {
      Dataset test = read(testImages, testLabels, classes, base + " (test)");
      if (test.height() != train.height() || test.width() != train.width()) {
        throw new DataLoadException(
            testImages,
            "holds "
                + test.height()
                + "×"
                + test.width()
                + " images but "
                + trainImages.getFileName()
                + " holds "
                + train.height()
                + "×"
                + train.width()
                + "; the test images must have the training images' size");
      }
      return new DatasetSplit(train, test);
    }
    return train.split(validationFraction, seed);
  }

  private static Dataset read(Path images, Path labels, List<String> classes, String name)
      throws DataLoadException {
    IdxFiles.Images img = IdxFiles.readImages(images);
    int[] lab = IdxFiles.readLabels(labels);
    if (lab.length != img.n()) {
      throw new DataLoadException(
          labels,
          "has "
              + lab.length
              + " labels but "
              + images.getFileName()
              + " has "
              + img.n()
              + " images");
    }
    for (int i = 0; i < lab.length; i++) {
      if (lab[i] >= classes.size()) {
        throw new DataLoadException(
            labels, "label " + lab[i] + " of image " + i + " is not one of the 10 classes");
      }
    }
    return new Dataset(name, 1, img.rows(), img.cols(), img.pixels(), lab, classes);
  }

  private static Path require(Path dir, String stem) throws DataLoadException {
    Path p = find(dir, stem);
    if (p == null) {
      throw new DataLoadException(
          dir, "has no " + stem + " (or " + stem + ".gz); is this an MNIST-style IDX folder?");
    }
    return p;
  }

  /**
   * The file {@code stem}, {@code stem.gz} or the dotted variant ({@code train-images.idx3-ubyte}).
   */
  private static Path find(Path dir, String stem) {
    String dotted = stem.replaceFirst("-idx", ".idx");
    for (String name : List.of(stem, stem + ".gz", dotted, dotted + ".gz")) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }
}
