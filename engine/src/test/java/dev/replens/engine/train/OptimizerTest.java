package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The optimizer against PyTorch's update rules, written out by hand for a 2-element parameter
 * {@code w = [1, −2]} and constant gradient {@code g = [0.5, 0.25]} over three steps, in float64.
 */
class OptimizerTest {

  private static double[] run(OptimizerConfig c, int steps) {
    Optimizer o = new Optimizer(c);
    INDArray w = Nd4j.createFromArray(1.0, -2.0);
    for (int s = 0; s < steps; s++) {
      o.update("w", w, Nd4j.createFromArray(0.5, 0.25));
      o.endStep();
    }
    return w.toDoubleVector();
  }

  @Test
  void sgdWithMomentumAndWeightDecayFollowsPyTorch() {
    double lr = 0.1;
    double m = 0.9;
    double wd = 0.01;
    double[] w = {1, -2};
    double[] g = {0.5, 0.25};
    double[] buf = new double[2];
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < 2; i++) {
        double d = g[i] + wd * w[i];
        buf[i] = s == 0 ? d : m * buf[i] + d;
        w[i] -= lr * buf[i];
      }
    }
    double[] got = run(OptimizerConfig.sgd(lr, m, wd), 3);
    assertThat(got[0]).isCloseTo(w[0], Offset.offset(1e-12));
    assertThat(got[1]).isCloseTo(w[1], Offset.offset(1e-12));
  }

  @Test
  void adamAndAdamWFollowPyTorch() {
    for (boolean decoupled : new boolean[] {false, true}) {
      double lr = 0.01;
      double wd = 0.1;
      double b1 = 0.9;
      double b2 = 0.999;
      double eps = 1e-8;
      double[] w = {1, -2};
      double[] g = {0.5, 0.25};
      double[] mm = new double[2];
      double[] vv = new double[2];
      for (int t = 1; t <= 3; t++) {
        for (int i = 0; i < 2; i++) {
          double d = g[i];
          if (decoupled) {
            w[i] *= 1 - lr * wd;
          } else {
            d += wd * w[i];
          }
          mm[i] = b1 * mm[i] + (1 - b1) * d;
          vv[i] = b2 * vv[i] + (1 - b2) * d * d;
          double mh = mm[i] / (1 - Math.pow(b1, t));
          double vh = vv[i] / (1 - Math.pow(b2, t));
          w[i] -= lr * mh / (Math.sqrt(vh) + eps);
        }
      }
      OptimizerConfig c = decoupled ? OptimizerConfig.adamw(lr, wd) : OptimizerConfig.adam(lr, wd);
      double[] got = run(c, 3);
      assertThat(got[0]).as("%s", c.kind()).isCloseTo(w[0], Offset.offset(1e-12));
      assertThat(got[1]).as("%s", c.kind()).isCloseTo(w[1], Offset.offset(1e-12));
    }
  }

  @Test
  void aSnapshotRestoresMomentum() {
    Optimizer o = new Optimizer(OptimizerConfig.sgd(0.1, 0.9, 0));
    INDArray w = Nd4j.createFromArray(1.0, 2.0);
    o.update("w", w, Nd4j.createFromArray(1.0, 1.0));
    o.endStep();
    Optimizer.Snapshot s = o.snapshot();
    INDArray w1 = w.dup();
    o.update("w", w, Nd4j.createFromArray(1.0, 1.0));
    o.endStep();
    INDArray afterFirstTry = w.dup();
    o.restore(s);
    w.assign(w1);
    o.update("w", w, Nd4j.createFromArray(1.0, 1.0));
    o.endStep();
    assertThat(w).isEqualTo(afterFirstTry);
    assertThat(w.dataType()).isEqualTo(DataType.DOUBLE);
  }

  /**
   * A parameter in its own buffer takes SGD's one-pass step on heap copies; a view into a larger
   * buffer takes the native ops. Both must move the same values the same way, in float32 and
   * float64, with and without momentum and weight decay, and a rollback must put the momentum of
   * the direct parameter back exactly.
   */
  @Test
  void sgdsOnePassStepMatchesTheNativeOps() {
    int n = 1000;
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      double tol = type == DataType.FLOAT ? 1e-6 : 1e-14;
      for (double[] mw : new double[][] {{0.9, 1e-4}, {0, 0}, {0.9, 0}}) {
        OptimizerConfig c = OptimizerConfig.sgd(0.05, mw[0], mw[1]);
        Optimizer direct = new Optimizer(c);
        Optimizer viaOps = new Optimizer(c);
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.randn(type, n);
        INDArray host = w.dup();
        INDArray big = Nd4j.zeros(type, n + 3);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, n + 3));
        view.assign(w);
        assertThat(Buffers.direct(host)).isTrue();
        assertThat(Buffers.direct(view)).isFalse();
        for (int s = 0; s < 6; s++) {
          INDArray g = Nd4j.randn(type, n);
          INDArray gOps = big.ulike().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, n + 3));
          gOps.assign(g);
          if (s == 4) {
            // Take step 4, roll it back, take it again: the same weights, to the bit.
            direct.checkpoint();
            INDArray before = host.dup();
            direct.update("w", host, g.dup());
            INDArray once = host.dup();
            direct.rollback();
            host.assign(before);
            direct.update("w", host, g.dup());
            assertThat(host).as("%s step 4 after a rollback", type).isEqualTo(once);
          } else {
            direct.update("w", host, g);
          }
          direct.endStep();
          viaOps.update("w", view, gOps);
          viaOps.endStep();
          double[] a = host.toDoubleVector();
          double[] b = view.toDoubleVector();
          for (int i = 0; i < n; i++) {
            assertThat(a[i])
                .as("%s m=%s wd=%s step %d [%d]", type, mw[0], mw[1], s, i)
                .isCloseTo(b[i], Offset.offset(tol * (1 + Math.abs(b[i]))));
          }
          assertThat(big.getDouble(0)).as("the view's neighbours are untouched").isZero();
        }
      }
    }
  }

  @Test
  void blendAndCopyMatchTheNativeOps() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(3);
      INDArray r = Nd4j.randn(type, 32);
      INDArray x = Nd4j.randn(type, 32);
      INDArray expected = r.mul(0.9);
      Nd4j.getBlasWrapper().level1().axpy(32, 0.1 * 64 / 63.0, x, expected);
      INDArray got = r.dup();
      Buffers.blend(got, 0.9, 0.1 * 64 / 63.0, x);
      double tol = type == DataType.FLOAT ? 1e-6 : 1e-15;
      double[] e = expected.toDoubleVector();
      double[] a = got.toDoubleVector();
      for (int i = 0; i < 32; i++) {
        assertThat(a[i]).as("%s [%d]", type, i).isCloseTo(e[i], Offset.offset(tol));
      }
      INDArray copy = Nd4j.zeros(type, 32);
      Buffers.copy(r, copy);
      assertThat(copy).isEqualTo(r);
    }
  }
}
