package dev.replens.engine.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tiny VAE's hand-written gradient against central differences, on a network of 6 pixels, 5
 * hidden units and 3 latent dimensions with a batch of 4 images ([4][6]) and fixed noise ([4][3]).
 */
class VaeTest {

  private static float[][] images(SplittableRandom r, int n, int pixels) {
    float[][] x = new float[n][pixels];
    for (float[] im : x) {
      for (int i = 0; i < pixels; i++) {
        im[i] = (float) r.nextDouble();
      }
    }
    return x;
  }

  /**
   * Every parameter's analytic derivative matches {@code (L(w+h) − L(w−h)) / 2h}, h = 1e-6, within
   * 1e-6 absolute plus 1e-5 relative (measured: largest difference about 1e-9).
   */
  @Test
  void gradientMatchesCentralDifferencesForEveryParameter() {
    Vae vae = Vae.create(new Vae.Shape(6, 5, 3), 0.3, 1e-3, 3);
    SplittableRandom r = new SplittableRandom(9);
    float[][] batch = images(r, 4, 6);
    double[][] eps = new double[4][3];
    for (double[] e : eps) {
      for (int j = 0; j < 3; j++) {
        e[j] = r.nextGaussian();
      }
    }
    double[][] w = vae.parameters();
    // Non-zero biases, so that their gradients are checked away from the initial point too.
    for (double[] a : w) {
      for (int i = 0; i < a.length; i++) {
        a[i] += 0.1 * r.nextGaussian();
      }
    }
    double[][] grad = new double[w.length][];
    for (int a = 0; a < w.length; a++) {
      grad[a] = new double[w[a].length];
    }
    vae.lossAndGradient(batch, eps, grad);
    double h = 1e-6;
    int checked = 0;
    for (int a = 0; a < w.length; a++) {
      for (int i = 0; i < w[a].length; i++) {
        double keep = w[a][i];
        w[a][i] = keep + h;
        double up = vae.loss(batch, eps).loss();
        w[a][i] = keep - h;
        double down = vae.loss(batch, eps).loss();
        w[a][i] = keep;
        double numeric = (up - down) / (2 * h);
        assertThat(grad[a][i])
            .as("parameter array %d, entry %d", a, i)
            .isCloseTo(numeric, within(1e-6 + 1e-5 * Math.abs(numeric)));
        checked++;
      }
    }
    // 6·5+5 + 2·(5·3+3) + 3·5+5 + 5·6+6 = 127 parameters.
    assertThat(checked).isEqualTo(127);
  }

  @Test
  void klIsZeroExactlyWhenTheEncoderOutputsTheStandardNormal() {
    Vae vae = Vae.create(new Vae.Shape(4, 3, 2), 0.1, 1e-3, 1);
    for (double[] a : vae.parameters()) {
      java.util.Arrays.fill(a, 0);
    }
    Vae.Loss l = vae.loss(new float[][] {{1f, 1f, 0.5f, 0f}}, new double[][] {{0.3, -1}});
    assertThat(l.kl()).isEqualTo(0.0);
    // All logits 0, so x̂ = 0.5: (0.5² + 0.5² + 0 + 0.5²) / (2 · 0.1²) = 37.5.
    assertThat(l.reconstruction()).isCloseTo(37.5, within(1e-9));
  }

  @Test
  void anImageOfTheWrongSizeIsNamed() {
    Vae vae = Vae.create(new Vae.Shape(4, 3, 2), 0.1, 1e-3, 1);
    assertThatThrownBy(() -> vae.reconstruct(new float[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 pixels")
        .hasMessageContaining("4 pixels");
  }
}
