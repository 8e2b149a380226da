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
}
