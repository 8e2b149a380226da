package dev.replens.engine.vae;

import java.util.SplittableRandom;

/**
 * A tiny variational autoencoder for gray images with pixels in [0, 1] [Kingma &amp; Welling,
 * "Auto-Encoding Variational Bayes", ICLR 2014, §2.4 and Appendix C]: an MLP encoder {@code x → h =
 * relu(W1 x + b1) → (μ, log σ²)}, a sample written as
 *
 * <pre>
 * z = μ + σ ⊙ ε,   ε ~ N(0, I)
 * </pre>
 *
 * and an MLP decoder {@code z → g = relu(W3 z + b3) → x̂ = sigmoid(W4 g + b4)}, the mean of a
 * Gaussian likelihood {@code p(x | z) = N(x̂, s² I)} with a fixed pixel noise {@code s} (ibid.,
 * Appendix C.2). The loss of an image is the negative ELBO with the closed-form KL to {@code N(0,
 * I)}, up to the constant {@code P log(s √(2π))} of the P pixels:
 *
 * <pre>
 * −ELBO = Σ_p (x_p − x̂_p)² / (2 s²) + ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1)
 * </pre>
 *
 * <p>Why not the Bernoulli likelihood usual for MNIST: on gray pixels its cross-entropy is flat
 * near the targets, and on the lesson shapes the KL term then wins: the code carried about 1.4 nats
 * and every reconstruction was the same gray blob. With {@code s = 0.1} the code carries 20 nats
 * and more, and the reconstructions show the shapes.
 *
 * <p>Gradients are written by hand (backpropagation through the sample is exactly what the
 * reparameterization makes possible) and Adam updates the weights [Kingma &amp; Ba, ICLR 2015].
 * Plain Java in double precision: the network is a few thousand weights, so it trains in well under
 * a second per hundred steps and the numbers are the same on every machine.
 *
 * <p>Order: {@link #create} → {@link #step} (repeatedly) → {@link #reconstruct} whenever a picture
 * is wanted. Not thread-safe: confine an instance to one thread.
 */
public final class Vae {

  /**
   * The layer sizes.
   *
   * @param pixels pixels of an image (the input and output width)
   * @param hidden units of the encoder's and the decoder's hidden layer
   * @param latent dimensions of z
   */
  public record Shape(int pixels, int hidden, int latent) {
    public Shape {
      if (pixels < 1 || hidden < 1 || latent < 1) {
        throw new IllegalArgumentException(
            "layer sizes must be positive (pixels "
                + pixels
                + ", hidden "
                + hidden
                + ", latent "
                + latent
                + ")");
      }
    }
  }

  /**
   * The loss of a batch, averaged over its images.
   *
   * @param loss the negative ELBO (without its constant), reconstruction plus KL
   * @param kl the KL term
   */
  public record Loss(double loss, double kl) {

    /** The reconstruction term, {@code Σ_p (x_p − x̂_p)² / (2 s²)}. */
    public double reconstruction() {
      return loss - kl;
    }
  }

  // Parameter indices: W1 [hidden×pixels], b1, Wm [latent×hidden], bm, Wv, bv, W3 [hidden×latent],
  // b3, W4 [pixels×hidden], b4; every matrix row-major [out][in].
  private static final int W1 = 0;
  private static final int B1 = 1;
  private static final int WM = 2;
  private static final int BM = 3;
  private static final int WV = 4;
  private static final int BV = 5;
  private static final int W3 = 6;
  private static final int B3 = 7;
  private static final int W4 = 8;
  private static final int B4 = 9;

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;

  private final Shape shape;
  private final double pixelNoise;
  private final double learningRate;
  private final double[][] params;
  private final double[][] m;
  private final double[][] v;
  private int t;

  private Vae(Shape shape, double pixelNoise, double learningRate, double[][] params) {
    this.shape = shape;
    this.pixelNoise = pixelNoise;
    this.learningRate = learningRate;
    this.params = params;
    this.m = zerosLike(params);
    this.v = zerosLike(params);
  }

  /**
   * A network with weights drawn uniformly in {@code ±sqrt(6 / (in + out))} (Glorot) from {@code
   * seed} and zero biases, for pixel noise {@code s = pixelNoise}, trained by Adam at {@code
   * learningRate}.
   */
  public static Vae create(Shape shape, double pixelNoise, double learningRate, long seed) {
    if (!(learningRate > 0) || !(pixelNoise > 0)) {
      throw new IllegalArgumentException(
          "the learning rate and the pixel noise must be positive, got "
              + learningRate
              + " and "
              + pixelNoise);
    }
    int p = shape.pixels();
    int h = shape.hidden();
    int l = shape.latent();
    SplittableRandom r = new SplittableRandom(seed);
    double[][] w = new double[10][];
    w[W1] = glorot(r, h, p);
    w[B1] = new double[h];
    w[WM] = glorot(r, l, h);
    w[BM] = new double[l];
    w[WV] = glorot(r, l, h);
    w[BV] = new double[l];
    w[W3] = glorot(r, h, l);
    w[B3] = new double[h];
    w[W4] = glorot(r, p, h);
    w[B4] = new double[p];
    return new Vae(shape, pixelNoise, learningRate, w);
  }

  public Shape shape() {
    return shape;
  }

  /**
   * One Adam step on a batch: the loss and its gradient with noise {@code ε} drawn from {@code
   * noise} ({@code latent} draws per image, in order), then the update.
   *
   * @param batch images, each {@code pixels} long
   * @return the batch's loss before the update
   */
  public Loss step(float[][] batch, SplittableRandom noise) {
    double[][] eps = new double[batch.length][shape.latent()];
    for (double[] e : eps) {
      for (int j = 0; j < e.length; j++) {
        e[j] = noise.nextGaussian();
      }
    }
    double[][] grad = zerosLike(params);
    Loss loss = lossAndGradient(batch, eps, grad);
    adam(grad);
    return loss;
  }

  /**
   * The decoder's mean image at the encoder's mean: {@code sigmoid(decoder(μ(x)))}, without noise,
   * so that a reconstruction is the same every time it is asked for.
   */
  public float[] reconstruct(float[] image) {
    checkImage(image);
    Pass f = forward(image, new double[shape.latent()]);
    float[] out = new float[shape.pixels()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) sigmoid(f.logits[i]);
    }
    return out;
  }

  /**
   * The batch's mean loss for fixed noise {@code eps} ([image][latent]), with its gradient added
   * into {@code grad} (laid out like the parameters). For gradient checks and {@link #step}.
   */
  Loss lossAndGradient(float[][] batch, double[][] eps, double[][] grad) {
    if (batch.length == 0) {
      throw new IllegalArgumentException("a batch needs at least one image");
    }
    int p = shape.pixels();
    int h = shape.hidden();
    int l = shape.latent();
    double scale = 1.0 / batch.length;
    double precision = 1 / (pixelNoise * pixelNoise);
    double total = 0;
    double totalKl = 0;
    double[] dLogits = new double[p];
    double[] dg = new double[h];
    double[] dz = new double[l];
    double[] dMu = new double[l];
    double[] dLogVar = new double[l];
    double[] dh = new double[h];
    for (int n = 0; n < batch.length; n++) {
      float[] x = batch[n];
      checkImage(x);
      Pass f = forward(x, eps[n]);
      double rec = 0;
      for (int i = 0; i < p; i++) {
        double y = sigmoid(f.logits[i]);
        double d = y - x[i];
        rec += 0.5 * d * d * precision;
        dLogits[i] = d * y * (1 - y) * precision * scale;
      }
      double kl = 0;
      for (int j = 0; j < l; j++) {
        kl += 0.5 * (f.mu[j] * f.mu[j] + Math.exp(f.logVar[j]) - f.logVar[j] - 1);
      }
      total += rec + kl;
      totalKl += kl;
      // Decoder.
      outerAdd(grad[W4], dLogits, f.g);
      addInto(grad[B4], dLogits);
      transposeTimes(params[W4], dLogits, dg, p, h);
      for (int k = 0; k < h; k++) {
        dg[k] = f.g[k] > 0 ? dg[k] : 0;
      }
      outerAdd(grad[W3], dg, f.z);
      addInto(grad[B3], dg);
      transposeTimes(params[W3], dg, dz, h, l);
      // Through the sample: ∂z/∂μ = 1, ∂z/∂logσ² = ½ σ ε; plus the KL's own gradient.
      for (int j = 0; j < l; j++) {
        double sigma = Math.exp(0.5 * f.logVar[j]);
        dMu[j] = dz[j] + f.mu[j] * scale;
        dLogVar[j] = dz[j] * 0.5 * sigma * eps[n][j] + 0.5 * (sigma * sigma - 1) * scale;
      }
      outerAdd(grad[WM], dMu, f.h);
      addInto(grad[BM], dMu);
      outerAdd(grad[WV], dLogVar, f.h);
      addInto(grad[BV], dLogVar);
      transposeTimes(params[WM], dMu, dh, l, h);
      double[] fromVar = new double[h];
      transposeTimes(params[WV], dLogVar, fromVar, l, h);
      for (int k = 0; k < h; k++) {
        dh[k] = f.h[k] > 0 ? dh[k] + fromVar[k] : 0;
      }
      outerAdd(grad[W1], dh, x);
      addInto(grad[B1], dh);
    }
    return new Loss(total * scale, totalKl * scale);
  }

  /** The loss alone, for fixed noise; for gradient checks. */
  Loss loss(float[][] batch, double[][] eps) {
    return lossAndGradient(batch, eps, zerosLike(params));
  }

  /** The live parameter arrays, for gradient checks in this package. */
  double[][] parameters() {
    return params;
  }

  private record Pass(
      double[] h, double[] mu, double[] logVar, double[] z, double[] g, double[] logits) {}

  private Pass forward(float[] x, double[] eps) {
    int p = shape.pixels();
    int hid = shape.hidden();
    int l = shape.latent();
    double[] h = new double[hid];
    for (int k = 0; k < hid; k++) {
      double s = params[B1][k];
      int row = k * p;
      for (int i = 0; i < p; i++) {
        s += params[W1][row + i] * x[i];
      }
      h[k] = Math.max(s, 0);
    }
    double[] mu = affine(params[WM], params[BM], h, l, hid);
    double[] logVar = affine(params[WV], params[BV], h, l, hid);
    double[] z = new double[l];
    for (int j = 0; j < l; j++) {
      z[j] = mu[j] + Math.exp(0.5 * logVar[j]) * eps[j];
    }
    double[] g = affine(params[W3], params[B3], z, hid, l);
    for (int k = 0; k < hid; k++) {
      g[k] = Math.max(g[k], 0);
    }
    double[] logits = affine(params[W4], params[B4], g, p, hid);
    return new Pass(h, mu, logVar, z, g, logits);
  }

  private void adam(double[][] grad) {
    t++;
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    for (int a = 0; a < params.length; a++) {
      double[] w = params[a];
      double[] g = grad[a];
      double[] ma = m[a];
      double[] va = v[a];
      for (int i = 0; i < w.length; i++) {
        ma[i] = BETA1 * ma[i] + (1 - BETA1) * g[i];
        va[i] = BETA2 * va[i] + (1 - BETA2) * g[i] * g[i];
        w[i] -= learningRate * (ma[i] / c1) / (Math.sqrt(va[i] / c2) + ADAM_EPS);
      }
    }
  }

  private void checkImage(float[] x) {
    if (x.length != shape.pixels()) {
      throw new IllegalArgumentException(
          "an image of " + x.length + " pixels for a VAE of " + shape.pixels() + " pixels");
    }
  }

  private static double[] affine(double[] w, double[] b, double[] x, int out, int in) {
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = b[o];
      int row = o * in;
      for (int i = 0; i < in; i++) {
        s += w[row + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  /** {@code y = Wᵀ d} for {@code W} [out×in]. */
  private static void transposeTimes(double[] w, double[] d, double[] y, int out, int in) {
    java.util.Arrays.fill(y, 0);
    for (int o = 0; o < out; o++) {
      double dv = d[o];
      if (dv == 0) {
        continue;
      }
      int row = o * in;
      for (int i = 0; i < in; i++) {
        y[i] += w[row + i] * dv;
      }
    }
  }

  /** {@code G += d ⊗ x}. */
  private static void outerAdd(double[] g, double[] d, double[] x) {
    int in = x.length;
    for (int o = 0; o < d.length; o++) {
      double dv = d[o];
      if (dv == 0) {
        continue;
      }
      int row = o * in;
      for (int i = 0; i < in; i++) {
        g[row + i] += dv * x[i];
      }
    }
  }

  private static void outerAdd(double[] g, double[] d, float[] x) {
    int in = x.length;
    for (int o = 0; o < d.length; o++) {
      double dv = d[o];
      if (dv == 0) {
        continue;
      }
      int row = o * in;
      for (int i = 0; i < in; i++) {
        g[row + i] += dv * x[i];
      }
    }
  }

  private static void addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
  }

  private static double sigmoid(double a) {
    return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }

  private static double[] glorot(SplittableRandom r, int out, int in) {
    double limit = Math.sqrt(6.0 / (in + out));
    double[] w = new double[out * in];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextDouble(-limit, limit);
    }
    return w;
  }

  private static double[][] zerosLike(double[][] a) {
    double[][] z = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      z[i] = new double[a[i].length];
    }
    return z;
  }
}
