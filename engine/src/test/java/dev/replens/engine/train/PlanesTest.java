package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every {@link Planes} pass against the same formula written out in float64 on the heap, in both
 * precisions, on a small shape (one thread) and one large enough to split across two (odd plane
 * lengths, so the float32 loops' unrolled tails run). Tolerance: {@code 1e-12} relative in float64,
 * {@code 2e-6} relative (of the largest magnitude involved) in float32.
 */
class PlanesTest {

  private static final class Case {
    final DataType dt;
    final int n;
    final int c;
    final int hw;
    final double tol;
    final Random rnd = new Random(5);

    Case(String dt, int n, int c, int hw) {
      this.dt = DataType.valueOf(dt);
      this.n = n;
      this.c = c;
      this.hw = hw;
      this.tol = this.dt == DataType.FLOAT ? 2e-6 : 1e-12;
    }

    double[] random(double shift) {
      double[] v = new double[n * c * hw];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextGaussian() + shift;
      }
      return v;
    }

    double[] perChannel() {
      double[] v = new double[c];
      for (int i = 0; i < c; i++) {
        v[i] = rnd.nextGaussian();
      }
      return v;
    }

    INDArray array(double[] v) {
      INDArray a = Nd4j.createUninitializedDetached(dt, 'c', v.length);
      Buffers.write(a, v);
      return a;
    }

    /** The values as stored (float32 rounds them), so references see what the passes see. */
    double[] stored(INDArray a) {
      return a.data().asDouble();
    }

    void assertClose(double[] got, double[] want, String what) {
      double scale = 1;
      for (double w : want) {
        scale = Math.max(scale, Math.abs(w));
      }
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i])
            .as("%s [%d] (%s)", what, i, dt)
            .isCloseTo(want[i], Offset.offset(tol * scale));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"FLOAT, 3, 4, 37", "DOUBLE, 3, 4, 37", "FLOAT, 8, 16, 301", "DOUBLE, 8, 16, 301"})
  void everyPassMatchesItsFormula(String dt, int n, int c, int hw) {
    Case k = new Case(dt, n, c, hw);
    Planes pl = Planes.of(k.dt, n, c, hw);
    INDArray xa = k.array(k.random(0.5));
    INDArray ga = k.array(k.random(0));
    INDArray dxa = k.array(k.random(0));
    double[] x = k.stored(xa);
    double[] g = k.stored(ga);
    double[] dx0 = k.stored(dxa);
    Planes.Buf xb = new Planes.Buf(xa);
    Planes.Buf gb = new Planes.Buf(ga);
    Planes.Buf dxb = new Planes.Buf(dxa);
    double[] a = k.perChannel();
    double[] b = k.perChannel();
    double[] kk = k.perChannel();

    double[] sum = new double[c];
    double[] sq = new double[c];
    pl.moments(xb, sum, sq);
    double[] wantSum = new double[c];
    double[] wantSq = new double[c];
    double[] wantDot = new double[c];
    double[] wantG = new double[c];
    double[] planeSum = new double[n * c];
    for (int i = 0; i < x.length; i++) {
      int ch = i / hw % c;
      wantSum[ch] += x[i];
      wantSq[ch] += x[i] * x[i];
      wantG[ch] += g[i];
      wantDot[ch] += g[i] * x[i];
      planeSum[i / hw] += x[i];
    }
    k.assertClose(sum, wantSum, "Σx");
    k.assertClose(sq, wantSq, "Σx²");
    double[] gs = new double[c];
    double[] dot = new double[c];
    pl.gradSums(gb, null, xb, gs, dot);
    k.assertClose(gs, wantG, "Σg");
    k.assertClose(dot, wantDot, "Σg·x");
    double[] ps = new double[n * c];
    pl.planeSums(xb, ps);
    k.assertClose(ps, planeSum, "plane sums");

    INDArray ya = k.array(new double[x.length]);
    Planes.Buf yb = new Planes.Buf(ya);
    pl.affine(xb, yb, a, b, true);
    double[] y = k.stored(ya);
    double[] want = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int ch = i / hw % c;
      want[i] = Math.max(0, a[ch] * x[i] + b[ch]);
    }
    k.assertClose(y, want, "relu(a·x + b)");

    double[] mgs = new double[c];
    double[] mdot = new double[c];
    pl.gradSums(gb, yb, xb, mgs, mdot);
    double[] wantMg = new double[c];
    double[] wantMdot = new double[c];
    for (int i = 0; i < x.length; i++) {
      int ch = i / hw % c;
      if (y[i] > 0) {
        wantMg[ch] += g[i];
        wantMdot[ch] += g[i] * x[i];
      }
    }
    k.assertClose(mgs, wantMg, "Σg where y > 0");
    k.assertClose(mdot, wantMdot, "Σg·x where y > 0");
    INDArray mxa = k.array(new double[x.length]);
    pl.backAffine(gb, yb, xb, new Planes.Buf(mxa), a, b, kk, false);
    double[] mdx = k.stored(mxa);
    for (int i = 0; i < x.length; i++) {
      int ch = i / hw % c;
      want[i] = a[ch] * (y[i] > 0 ? g[i] : 0) + b[ch] * x[i] + kk[ch];
    }
    k.assertClose(mdx, want, "a·g + b·x + k where g is masked by y > 0");

    pl.backAffine(gb, null, xb, dxb, a, b, kk, true);
    double[] dx = k.stored(dxa);
    for (int i = 0; i < x.length; i++) {
      int ch = i / hw % c;
      want[i] = dx0[i] + a[ch] * g[i] + b[ch] * x[i] + kk[ch];
    }
    k.assertClose(dx, want, "dx += a·g + b·x + k");

    pl.reluBack(yb, gb, dxb, false);
    dx = k.stored(dxa);
    for (int i = 0; i < x.length; i++) {
      want[i] = y[i] > 0 ? g[i] : 0;
    }
    k.assertClose(dx, want, "relu backward");

    pl.copy(gb, dxb, true);
    double[] dx2 = k.stored(dxa);
    for (int i = 0; i < x.length; i++) {
      want[i] = dx[i] + g[i];
    }
    k.assertClose(dx2, want, "dx += g");

    pl.fillPlanes(dxb, planeSum, false);
    dx = k.stored(dxa);
    for (int i = 0; i < x.length; i++) {
      want[i] = planeSum[i / hw];
    }
    k.assertClose(dx, want, "planes filled");

    // Patches of a 3x3 kernel with padding 1 over planes of 1 x hw (one row): only the middle
    // kernel row sees the map; its taps shift the row by −1, 0, +1. (float32 only:
    // float64 convs take their patches image by image.)
    if (k.dt == DataType.FLOAT) {
      INDArray colsA = k.array(new double[9 * x.length]);
      pl.im2col(xb, new Planes.Buf(colsA), 1, hw, 3, 3, 1, 1);
      double[] cols = k.stored(colsA);
      double[] wantCols = new double[cols.length];
      for (int ch = 0; ch < c; ch++) {
        for (int u = 0; u < 3; u++) {
          for (int v = 0; v < 3; v++) {
            for (int bi = 0; bi < n; bi++) {
              for (int i = 0; i < hw; i++) {
                int src = i + v - 1;
                boolean inside = u == 1 && src >= 0 && src < hw;
                wantCols[(((ch * 3 + u) * 3 + v) * n + bi) * hw + i] =
                    inside ? x[(bi * c + ch) * hw + src] : 0;
              }
            }
          }
        }
      }
      k.assertClose(cols, wantCols, "im2col");
    }

    INDArray back = k.array(new double[x.length]);
    // A per-plane gradient reads as that plane filled with its value.
    double[] filled = k.stored(dxa);
    double[] pgs = new double[c];
    double[] pdot = new double[c];
    pl.gradSums(Planes.Buf.perPlane(planeSum), yb, xb, pgs, pdot);
    pl.gradSums(dxb, yb, xb, mgs, mdot);
    k.assertClose(pgs, mgs, "Σ per-plane g where y > 0");
    k.assertClose(pdot, mdot, "Σ per-plane g·x where y > 0");
    INDArray pdx = k.array(new double[x.length]);
    pl.reluBack(yb, Planes.Buf.perPlane(planeSum), new Planes.Buf(pdx), false);
    for (int i = 0; i < x.length; i++) {
      want[i] = y[i] > 0 ? filled[i] : 0;
    }
    k.assertClose(k.stored(pdx), want, "ReLU backward of a per-plane g");

    pl.transpose(xb, dxb);
    pl.transposeBack(dxb, new Planes.Buf(back));
    k.assertClose(k.stored(back), x, "transpose, then back");
    pl.transpose(xb, dxb);
    dx = k.stored(dxa);
    for (int bi = 0; bi < n; bi++) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < hw; i++) {
          want[(ch * n + bi) * hw + i] = x[(bi * c + ch) * hw + i];
        }
      }
    }
    k.assertClose(dx, want, "[N, C] → [C, N]");
  }

  /** {@code [N, C, HW]} values to {@code [C, N, HW]}, or back. */
  private static double[] channelMajor(double[] v, int n, int c, int hw, boolean back) {
    double[] out = new double[v.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int s = 0; s < hw; s++) {
          int nchw = (b * c + ch) * hw + s;
          int cnhw = (ch * n + b) * hw + s;
          if (back) {
            out[nchw] = v[cnhw];
          } else {
            out[cnhw] = v[nchw];
          }
        }
      }
    }
    return out;
  }

  /**
   * A batch norm's four passes read an input stored channel by channel, and write its gradient so,
   * with exactly the values they give on the usual layout: the same sums, outputs and gradients to
   * the bit, in both halves of the split.
   */
  @ParameterizedTest
  @CsvSource({"FLOAT, 3, 4, 37", "DOUBLE, 3, 4, 37", "FLOAT, 8, 16, 301", "DOUBLE, 8, 16, 301"})
  void channelMajorBuffersGiveTheSameBatchNorm(String dt, int n, int c, int hw) {
    Case k = new Case(dt, n, c, hw);
    Planes pl = Planes.of(k.dt, n, c, hw);
    double[] x = k.stored(k.array(k.random(0.3)));
    double[] g = k.stored(k.array(k.random(0)));
    double[] a = k.perChannel();
    double[] b = k.perChannel();
    double[] kk = k.perChannel();
    double[][] sums = new double[2][];
    double[][] dots = new double[2][];
    double[][] ys = new double[2][];
    double[][] dxs = new double[2][];
    for (int layout = 0; layout < 2; layout++) {
      boolean cm = layout == 1;
      INDArray xa = k.array(cm ? channelMajor(x, n, c, hw, false) : x);
      INDArray ya = k.array(new double[x.length]);
      INDArray ga = k.array(g);
      INDArray dxa = k.array(new double[x.length]);
      Planes.Buf xb = cm ? Planes.Buf.channelMajor(xa, n, c) : new Planes.Buf(xa);
      Planes.Buf dxb = cm ? Planes.Buf.channelMajor(dxa, n, c) : new Planes.Buf(dxa);
      Planes.Buf yb = new Planes.Buf(ya);
      double[] s1 = new double[c];
      double[] s2 = new double[c];
      pl.moments(xb, s1, s2);
      pl.affine(xb, yb, a, b, true);
      double[] d1 = new double[c];
      double[] d2 = new double[c];
      pl.gradSums(new Planes.Buf(ga), yb, xb, d1, d2);
      pl.backAffine(new Planes.Buf(ga), yb, xb, dxb, a, b, kk, false);
      sums[layout] = new double[2 * c];
      System.arraycopy(s1, 0, sums[layout], 0, c);
      System.arraycopy(s2, 0, sums[layout], c, c);
      dots[layout] = new double[2 * c];
      System.arraycopy(d1, 0, dots[layout], 0, c);
      System.arraycopy(d2, 0, dots[layout], c, c);
      ys[layout] = k.stored(ya);
      double[] dx = k.stored(dxa);
      dxs[layout] = cm ? channelMajor(dx, n, c, hw, true) : dx;
    }
    assertThat(sums[1]).as("moments").containsExactly(sums[0]);
    assertThat(ys[1]).as("y = relu(a·x + b)").containsExactly(ys[0]);
    assertThat(dots[1]).as("gradient sums").containsExactly(dots[0]);
    assertThat(dxs[1]).as("dx").containsExactly(dxs[0]);
    assertThat(Arrays.stream(dxs[0]).filter(v -> v != 0).count())
        .as("the gradient is not all zero")
        .isGreaterThan(x.length / 4);
  }

  /**
   * The ReLU mask passes a gradient wherever the output is positive, however small or large, and
   * stops it where the output is 0: the smallest subnormal, the largest finite value and infinity
   * all pass.
   */
  @Test
  void theReluMaskPassesEveryPositiveOutputAndStopsZero() {
    double[][] edges = {
      {Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30, 1, Float.MAX_VALUE, Double.POSITIVE_INFINITY, 0},
      {
        Double.MIN_VALUE,
        Double.MIN_NORMAL,
        1e-300,
        1,
        Double.MAX_VALUE,
        Double.POSITIVE_INFINITY,
        0
      }
    };
    DataType[] types = {DataType.FLOAT, DataType.DOUBLE};
    for (int t = 0; t < 2; t++) {
      double[] e = edges[t];
      int hw = e.length;
      Planes pl = Planes.of(types[t], 1, 1, hw);
      INDArray y = Nd4j.createUninitializedDetached(types[t], 'c', hw);
      INDArray g = Nd4j.createUninitializedDetached(types[t], 'c', hw);
      INDArray dx = Nd4j.createUninitializedDetached(types[t], 'c', hw);
      Buffers.write(y, e);
      Buffers.write(g, new double[] {-3, 5, -7, 2, 11, -13, 17});
      assertThat(y.getDouble(0)).as("%s keeps its smallest positive value", types[t]).isPositive();
      pl.reluBack(new Planes.Buf(y), new Planes.Buf(g), new Planes.Buf(dx), false);
      assertThat(dx.toDoubleVector()).as("%s", types[t]).containsExactly(-3, 5, -7, 2, 11, -13, 0);
    }
  }

  @Test
  void aFailureInTheHelpersHalfReachesTheCaller() {
    Case k = new Case("FLOAT", 8, 16, 301);
    Planes pl = Planes.of(k.dt, k.n, k.c, k.hw);
    // Only the first half's planes exist in the source, so the helper's half reads past its end.
    INDArray half = k.array(new double[k.n * k.c * k.hw / 2]);
    INDArray dst = k.array(new double[k.n * k.c * k.hw]);
    assertThatThrownBy(() -> pl.copy(new Planes.Buf(half), new Planes.Buf(dst), false))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
