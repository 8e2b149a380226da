package dev.replens.engine.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Labelled images, NCHW float32 with values in [0, 1]. A value: the arrays are copied in and never
 * handed out, so a dataset can be shared between threads. Read images with {@link #copyImages}.
 *
 * <p>Shapes: {@code images} holds {@code size · channels · height · width} floats, image after
 * image, each in CHW order; {@code labels} holds {@code size} class indices in {@code [0,
 * classNames.size())}.
 */
public final class Dataset {

  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final float[] images;
  private final int[] labels;
  private final List<String> classNames;

  /**
   * Creates a dataset; the arrays are copied.
   *
   * @throws IllegalArgumentException if the array lengths don't match the shape or a label is out
   *     of range
   */
  public Dataset(
      String name,
      int channels,
      int height,
      int width,
      float[] images,
      int[] labels,
      List<String> classNames) {
    this(name, channels, height, width, images.clone(), labels.clone(), classNames, true);
  }

  private Dataset(
      String name,
      int channels,
      int height,
      int width,
      float[] images,
      int[] labels,
      List<String> classNames,
      boolean check) {
    this.name = Objects.requireNonNull(name, "name");
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.images = images;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
    if (check) {
      check();
    }
  }

  private void check() {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image shape " + channels + "x" + height + "x" + width + " must be positive");
    }
    long expected = (long) labels.length * imageLength();
    if (images.length != expected) {
      throw new IllegalArgumentException(
          images.length
              + " pixel values don't make "
              + labels.length
              + " images of "
              + channels
              + "x"
              + height
              + "x"
              + width);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException(
            "label "
                + labels[i]
                + " of image "
                + i
                + " is outside the "
                + classNames.size()
                + " classes");
      }
    }
  }

  /** A short name, e.g. {@code shapes-28 (train)}. */
  public String name() {
    return name;
  }

  /** The number of images. */
  public int size() {
    return labels.length;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Floats per image: {@code channels · height · width}. */
  public int imageLength() {
    return channels * height * width;
  }

  /** The class names, index = label. */
  public List<String> classNames() {
    return classNames;
  }

  /** The number of classes. */
  public int numClasses() {
    return classNames.size();
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** A copy of all labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** Copies image {@code i} (CHW) into {@code dst} at {@code offset}. */
  public void copyImage(int i, float[] dst, int offset) {
    System.arraycopy(images, i * imageLength(), dst, offset, imageLength());
  }

  /** Copies the images at {@code indices} into {@code dst}, one after another (NCHW). */
  public void copyImages(int[] indices, float[] dst) {
    int len = imageLength();
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(images, indices[k] * len, dst, k * len, len);
    }
  }

  /** A copy of image {@code i}, CHW. */
  public float[] image(int i) {
    return Arrays.copyOfRange(images, i * imageLength(), (i + 1) * imageLength());
  }

  /** The images at {@code indices}, in that order, as a new dataset. */
  public Dataset subset(int[] indices, String newName) {
    int len = imageLength();
    float[] img = new float[indices.length * len];
    int[] lab = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(images, indices[k] * len, img, k * len, len);
      lab[k] = labels[indices[k]];
    }
    return new Dataset(newName, channels, height, width, img, lab, classNames, false);
  }

  /** The first {@code n} images (all if there are fewer). */
  public Dataset head(int n) {
    int m = Math.min(n, size());
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) {
      idx[i] = i;
    }
    return subset(idx, name);
  }

  /**
   * Splits off a validation part: a seeded shuffle, stratified per class so that every class keeps
   * its share, then {@code validationFraction} of each class goes to validation.
   */
  public DatasetSplit split(double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "the validation fraction must be between 0 and 1, not " + validationFraction);
    }
    int[] order = Shuffle.permutation(size(), seed);
    int[] perClass = new int[numClasses()];
    for (int l : labels) {
      perClass[l]++;
    }
    int[] valQuota = new int[numClasses()];
    for (int c = 0; c < valQuota.length; c++) {
      valQuota[c] = (int) Math.round(perClass[c] * validationFraction);
    }
    int[] train = new int[size()];
    int[] val = new int[size()];
    int nt = 0;
    int nv = 0;
    for (int i : order) {
      int c = labels[i];
      if (valQuota[c] > 0) {
        valQuota[c]--;
        val[nv++] = i;
      } else {
        train[nt++] = i;
      }
    }
    return new DatasetSplit(
        subset(Arrays.copyOf(train, nt), name + " (train)"),
        subset(Arrays.copyOf(val, nv), name + " (validation)"));
  }

  /**
   * The per-channel mean and standard deviation over all pixels, {@code [2][channels]}: what the
   * trainer normalizes inputs with.
   */
  public double[][] channelStats() {
    double[] sum = new double[channels];
    double[] sq = new double[channels];
    int plane = height * width;
    for (int i = 0; i < size(); i++) {
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * plane;
        for (int p = 0; p < plane; p++) {
          double v = images[base + p];
          sum[c] += v;
          sq[c] += v * v;
        }
      }
    }
    double n = (double) size() * plane;
    double[] mean = new double[channels];
    double[] std = new double[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = n == 0 ? 0 : sum[c] / n;
      double var = n == 0 ? 1 : sq[c] / n - mean[c] * mean[c];
      std[c] = Math.sqrt(Math.max(var, 1e-12));
    }
    return new double[][] {mean, std};
  }

  /** How many images each class has. */
  public int[] classCounts() {
    int[] out = new int[numClasses()];
    for (int l : labels) {
      out[l]++;
    }
    return out;
  }

  @Override
  public String toString() {
    return name
        + ": "
        + size()
        + " images "
        + channels
        + "x"
        + height
        + "x"
        + width
        + ", "
        + numClasses()
        + " classes";
  }
}
