package dev.replens.engine.lesson;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.vae.Vae;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The VAE lesson's run: a tiny {@link Vae} (196 → 64 → latent → 64 → 196, pixel noise 0.1) trained
 * on 4096 of the lesson shapes at 14×14 ({@link LessonTraining#shapes}) with the reparameterization
 * {@code z = μ + σ ⊙ ε}; after every step the loss (the negative ELBO), its KL term and the
 * reconstructions of a fixed set of validation images. A reconstruction decodes the encoder's mean
 * μ, without noise.
 *
 * <p>The yardstick for the reconstructions is the mean training image: the best a decoder that
 * ignores its input can do in squared error.
 *
 * <p>Seeded (weights, batches and noise from {@code seed}, the data fixed): the same settings give
 * the same numbers. Runs on the calling thread: call it from a background thread.
 */
public final class VaeStudy {

  /** Images the run trains on. */
  public static final int TRAIN_IMAGES = 4096;

  /** Validation images shown and measured. */
  public static final int SHOWN_IMAGES = 8;

  /** Images per step. */
  public static final int BATCH = 32;

  /** Units of the hidden layers. */
  public static final int HIDDEN = 64;

  /** The decoder's fixed pixel noise s, on pixels in [0, 1]. */
  public static final double PIXEL_NOISE = 0.1;

  /** Adam's learning rate. */
  public static final double LEARNING_RATE = 3e-3;

  /**
   * What to run.
   *
   * @param steps Adam steps
   * @param latent dimensions of z
   * @param seed weights, batches and noise
   */
  public record Settings(int steps, int latent, long seed) {
    public Settings {
      if (steps < 1 || latent < 1) {
        throw new IllegalArgumentException(
            "steps and latent dimensions must be positive (steps "
                + steps
                + ", latent "
                + latent
                + ")");
      }
    }

    /** 1000 steps, 16 latent dimensions, seed 1. */
    public static Settings defaults() {
      return new Settings(1000, 16, 1);
    }
  }

  /**
   * A gray image, row-major, pixels in [0, 1]. Immutable: the pixels are copied in and out.
   *
   * @param width columns
   * @param height rows
   * @param pixels {@code width × height} values
   */
  public record Picture(int width, int height, float[] pixels) {
    public Picture {
      if (pixels.length != width * height) {
        throw new IllegalArgumentException(
            pixels.length + " pixels for a " + width + "×" + height + " picture");
      }
      pixels = pixels.clone();
    }

    @Override
    public float[] pixels() {
      return pixels.clone();
    }

    /** The pixel at row {@code y}, column {@code x}. */
    public float at(int y, int x) {
      return pixels[y * width + x];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Picture p
          && p.width == width
          && p.height == height
          && Arrays.equals(p.pixels, pixels);
    }

    @Override
    public int hashCode() {
      return Objects.hash(width, height, Arrays.hashCode(pixels));
    }

    @Override
    public String toString() {
      return "Picture[" + width + "×" + height + "]";
    }
  }

  /**
   * What happened so far.
   *
   * @param settings the settings
   * @param losses the negative ELBO (without its constant) of every step so far, mean over the
   *     batch, nats per image
   * @param kls the KL term of every step so far
   * @param originals the validation images shown
   * @param reconstructions their reconstructions now, in the same order
   * @param reconstructionMse the mean squared error of the reconstructions, per pixel
   * @param baselineMse the same for the mean training image in place of every reconstruction
   * @param done whether the run finished
   */
  public record Result(
      Settings settings,
      List<Double> losses,
      List<Double> kls,
      List<Picture> originals,
      List<Picture> reconstructions,
      double reconstructionMse,
      double baselineMse,
      boolean done) {
    public Result {
      Objects.requireNonNull(settings, "settings");
      losses = List.copyOf(losses);
      kls = List.copyOf(kls);
      originals = List.copyOf(originals);
      reconstructions = List.copyOf(reconstructions);
    }

    /** How many times lower the reconstructions' error is than the mean image's. */
    public double improvement() {
      return baselineMse / reconstructionMse;
    }

    /** The loss of the first step, NaN before it. */
    public double firstLoss() {
      return losses.isEmpty() ? Double.NaN : losses.get(0);
    }

    /** The loss of the newest step, NaN before the first. */
    public double lastLoss() {
      return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    /** The KL term of the newest step, NaN before the first. */
    public double lastKl() {
      return kls.isEmpty() ? Double.NaN : kls.get(kls.size() - 1);
    }
  }

  private VaeStudy() {}

  /**
   * Trains.
   *
   * @param progress told the result so far before the first step and after every step (on this
   *     thread)
   */
  public static Result run(Settings s, Consumer<Result> progress) {
    DatasetSplit data = LessonTraining.shapes(TRAIN_IMAGES, SHOWN_IMAGES, 5);
    Dataset train = data.train();
    int side = LessonTraining.SIDE;
    int pixels = side * side;
    float[][] shown = new float[SHOWN_IMAGES][];
    List<Picture> originals = new ArrayList<>();
    for (int i = 0; i < SHOWN_IMAGES; i++) {
      shown[i] = data.validation().image(i);
      originals.add(new Picture(side, side, shown[i]));
    }
    float[] meanImage = new float[pixels];
    for (int n = 0; n < train.size(); n++) {
      float[] im = train.image(n);
      for (int p = 0; p < pixels; p++) {
        meanImage[p] += im[p] / train.size();
      }
    }
    double baseline = 0;
    for (float[] x : shown) {
      baseline += squaredError(meanImage, x);
    }
    baseline /= (double) SHOWN_IMAGES * pixels;

    SplittableRandom root = new SplittableRandom(s.seed());
    Vae vae =
        Vae.create(
            new Vae.Shape(pixels, HIDDEN, s.latent()), PIXEL_NOISE, LEARNING_RATE, root.nextLong());
    SplittableRandom batches = root.split();
    SplittableRandom noise = root.split();
    List<Double> losses = new ArrayList<>();
    List<Double> kls = new ArrayList<>();
    float[][] batch = new float[BATCH][];
    Result r = result(s, losses, kls, originals, vae, shown, baseline, false);
    progress.accept(r);
    for (int step = 0; step < s.steps(); step++) {
      if (Thread.currentThread().isInterrupted()) {
        return r;
      }
      for (int b = 0; b < BATCH; b++) {
        batch[b] = train.image(batches.nextInt(train.size()));
      }
      Vae.Loss loss = vae.step(batch, noise);
      losses.add(loss.loss());
      kls.add(loss.kl());
      r = result(s, losses, kls, originals, vae, shown, baseline, step == s.steps() - 1);
      progress.accept(r);
    }
    return r;
  }

  private static Result result(
      Settings s,
      List<Double> losses,
      List<Double> kls,
      List<Picture> originals,
      Vae vae,
      float[][] shown,
      double baseline,
      boolean done) {
    int side = LessonTraining.SIDE;
    List<Picture> recon = new ArrayList<>();
    double mse = 0;
    for (float[] x : shown) {
      float[] y = vae.reconstruct(x);
      mse += squaredError(y, x);
      recon.add(new Picture(side, side, y));
    }
    mse /= (double) shown.length * side * side;
    return new Result(s, losses, kls, originals, recon, mse, baseline, done);
  }

  private static double squaredError(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
