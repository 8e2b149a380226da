package dev.replens.engine.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-channel passes of {@link LeanNetwork}'s step (batch norm, channel scale and shift, ReLU,
 * pooling and gradient accumulation) as fused loops over the {@code N·C} planes of {@code [N, C,
 * H·W]} activations in native memory. Each plane is copied into heap scratch of the array's own
 * precision, computed there in loops the JIT vectorizes, and copied back, so one pass reads and
 * writes each array once; ND4J needs one native op per elementwise step and one more pass to add a
 * gradient into another. {@link #of} picks the float32 or float64 kernels: the same loops twice,
 * since Java can't abstract over primitive arrays without boxing each value.
 *
 * <p>Large passes are split in two halves, the second run by one shared helper thread, so both
 * cores work as they do in the convolutions. Per-channel sums are accumulated per half in float64
 * and added afterwards. Single-threaded per instance: one network's step calls in order.
 */
abstract class Planes {

  /** Below this many values a pass runs on the calling thread alone. */
  private static final long PARALLEL_MIN = 1 << 15;

  private static final ExecutorService HELPER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replens-planes");
            t.setDaemon(true);
            return t;
          });

  /** A dense, c-order, unoffset float32 or float64 array's native memory. */
  static final class Buf {
    final FloatBuffer f;
    final DoubleBuffer d;

    /**
     * Keeps the array reachable while its memory is in use here: the NIO view doesn't, and an array
     * the collector frees takes its native memory with it.
     */
    @SuppressWarnings("unused")
    private final INDArray owner;

    Buf(INDArray a) {
      owner = a;
      if (a.dataType() == DataType.FLOAT) {
        f = a.data().asNioFloat();
        d = null;
      } else if (a.dataType() == DataType.DOUBLE) {
        d = a.data().asNioDouble();
        f = null;
      } else {
        throw new IllegalArgumentException("planes of " + a.dataType());
      }
    }
  }

  /** One half's scratch planes and per-channel sums. */
  static final class Half {
    final float[] fa;
    final float[] fb;
    final float[] fo;
    final double[] da;
    final double[] db;
    final double[] dout;
    final double[] r1;
    final double[] r2;

    Half(boolean f32, int hw, int c) {
      int fl = f32 ? hw : 0;
      int dl = f32 ? 0 : hw;
      fa = new float[fl];
      fb = new float[fl];
      fo = new float[fl];
      da = new double[dl];
      db = new double[dl];
      dout = new double[dl];
      r1 = new double[c];
      r2 = new double[c];
    }
  }

  private interface Task {
    void run(int from, int to, Half h);
  }

  final int n;
  final int c;
  final int hw;
  private final Half[] halves;

  private Planes(int n, int c, int hw, boolean f32) {
    this.n = n;
    this.c = c;
    this.hw = hw;
    this.halves = new Half[] {new Half(f32, hw, c), new Half(f32, hw, c)};
  }

  /** Passes over {@code [n, c, hw]} arrays of type {@code dt}. */
  static Planes of(DataType dt, int n, int c, int hw) {
    if (dt == DataType.FLOAT) {
      return new F32(n, c, hw);
    }
    if (dt == DataType.DOUBLE) {
      return new F64(n, c, hw);
    }
    throw new IllegalArgumentException("planes of " + dt);
  }

  private void parallel(Task t) {
    int planes = n * c;
    if ((long) planes * hw < PARALLEL_MIN || planes < 2) {
      t.run(0, planes, halves[0]);
      return;
    }
    int half = planes / 2;
    Future<?> rest = HELPER.submit(() -> t.run(half, planes, halves[1]));
    t.run(0, half, halves[0]);
    try {
      rest.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during a training pass", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Runs {@code t}, then adds both halves' per-channel sums into {@code out1} and {@code out2}. */
  private void reduce(Task t, double[] out1, double[] out2) {
    for (Half h : halves) {
      Arrays.fill(h.r1, 0);
      Arrays.fill(h.r2, 0);
    }
    parallel(t);
    for (int j = 0; j < c; j++) {
      out1[j] = halves[0].r1[j] + halves[1].r1[j];
      if (out2 != null) {
        out2[j] = halves[0].r2[j] + halves[1].r2[j];
      }
    }
  }

  /** Per channel, over batch and space: {@code sum[c] = Σ x}, {@code sumSq[c] = Σ x²}. */
  final void moments(Buf x, double[] sum, double[] sumSq) {
    reduce((from, to, h) -> moments(from, to, h, x), sum, sumSq);
  }

  /**
   * Per channel: {@code sum[c] = Σ g} and {@code dot[c] = Σ g·x} ({@code dot} skipped when {@code
   * x} is null).
   */
  final void gradSums(Buf g, Buf x, double[] sum, double[] dot) {
    reduce((from, to, h) -> gradSums(from, to, h, g, x), sum, x != null ? dot : null);
  }

  /** {@code y = a[c]·x + b[c]} (a null {@code a} is 1, a null {@code b} 0), then ReLU if asked. */
  final void affine(Buf x, Buf y, double[] a, double[] b, boolean relu) {
    parallel((from, to, h) -> affine(from, to, h, x, y, a, b, relu));
  }

  /**
   * {@code dx = a[c]·g + b[c]·x + k[c]} (null {@code a} is 1; null {@code b}, {@code k} are 0),
   * added to {@code dx}'s values if {@code accumulate}.
   */
  final void backAffine(
      Buf g, Buf x, Buf dx, double[] a, double[] b, double[] k, boolean accumulate) {
    parallel((from, to, h) -> backAffine(from, to, h, g, x, dx, a, b, k, accumulate));
  }

  /** {@code dx = g} where {@code y > 0}, else 0; added to {@code dx} if {@code accumulate}. */
  final void reluBack(Buf y, Buf g, Buf dx, boolean accumulate) {
    parallel((from, to, h) -> reluBack(from, to, h, y, g, dx, accumulate));
  }

  /** {@code out[p] = Σ x} over each plane {@code p = n·C + c}. */
  final void planeSums(Buf x, double[] out) {
    parallel((from, to, h) -> planeSums(from, to, h, x, out));
  }

  /**
   * Every value of plane {@code p} set to (or, if {@code accumulate}, increased by) {@code v[p]}.
   */
  final void fillPlanes(Buf dx, double[] v, boolean accumulate) {
    parallel((from, to, h) -> fillPlanes(from, to, h, dx, v, accumulate));
  }

  /** {@code dx = g}, or {@code dx += g} if {@code accumulate}. */
  final void copy(Buf g, Buf dx, boolean accumulate) {
    parallel((from, to, h) -> copy(from, to, h, g, dx, accumulate));
  }

  /**
   * Swaps the first two axes of {@code [n, c, hw]} {@code src} into {@code [c, n, hw]} {@code dst}:
   * plane {@code b·C + ch} of {@code src} becomes plane {@code ch·N + b} of {@code dst}.
   */
  final void transpose(Buf src, Buf dst) {
    parallel((from, to, h) -> transpose(from, to, h, src, dst));
  }

  // The kernels, over planes [from, to) with one half's scratch.

  abstract void moments(int from, int to, Half h, Buf x);

  abstract void gradSums(int from, int to, Half h, Buf g, Buf x);

  abstract void affine(
      int from, int to, Half h, Buf x, Buf y, double[] a, double[] b, boolean relu);

  abstract void backAffine(
      int from,
      int to,
      Half h,
      Buf g,
      Buf x,
      Buf dx,
      double[] a,
      double[] b,
      double[] k,
      boolean accumulate);

  abstract void reluBack(int from, int to, Half h, Buf y, Buf g, Buf dx, boolean accumulate);

  abstract void planeSums(int from, int to, Half h, Buf x, double[] out);

  abstract void fillPlanes(int from, int to, Half h, Buf dx, double[] v, boolean accumulate);

  abstract void copy(int from, int to, Half h, Buf g, Buf dx, boolean accumulate);

  abstract void transpose(int from, int to, Half h, Buf src, Buf dst);

  /** float32: sums within a plane in float32 with four partial sums, across planes in float64. */
  private static final class F32 extends Planes {
    F32(int n, int c, int hw) {
      super(n, c, hw, true);
    }

    /** Writes {@code h.fo} to plane {@code p}, or adds it to what is there. */
    private void store(Buf dx, int p, Half h, boolean accumulate) {
      if (accumulate) {
        dx.f.get(p * hw, h.fa, 0, hw);
        for (int i = 0; i < hw; i++) {
          h.fo[i] += h.fa[i];
        }
      }
      dx.f.put(p * hw, h.fo, 0, hw);
    }

    @Override
    void moments(int from, int to, Half h, Buf x) {
      float[] a = h.fa;
      for (int p = from; p < to; p++) {
        x.f.get(p * hw, a, 0, hw);
        float s0 = 0;
        float s1 = 0;
        float q0 = 0;
        float q1 = 0;
        int i = 0;
        for (; i + 1 < hw; i += 2) {
          float u = a[i];
          float v = a[i + 1];
          s0 += u;
          s1 += v;
          q0 += u * u;
          q1 += v * v;
        }
        for (; i < hw; i++) {
          s0 += a[i];
          q0 += a[i] * a[i];
        }
        h.r1[p % c] += (double) s0 + s1;
        h.r2[p % c] += (double) q0 + q1;
      }
    }

    @Override
    void gradSums(int from, int to, Half h, Buf g, Buf x) {
      float[] a = h.fa;
      float[] b = h.fb;
      for (int p = from; p < to; p++) {
        g.f.get(p * hw, a, 0, hw);
        float s0 = 0;
        float s1 = 0;
        float q0 = 0;
        float q1 = 0;
        int i = 0;
        if (x != null) {
          x.f.get(p * hw, b, 0, hw);
          for (; i + 1 < hw; i += 2) {
            s0 += a[i];
            s1 += a[i + 1];
            q0 += a[i] * b[i];
            q1 += a[i + 1] * b[i + 1];
          }
          for (; i < hw; i++) {
            s0 += a[i];
            q0 += a[i] * b[i];
          }
        } else {
          for (; i < hw; i++) {
            s0 += a[i];
          }
        }
        h.r1[p % c] += (double) s0 + s1;
        h.r2[p % c] += (double) q0 + q1;
      }
    }

    @Override
    void affine(int from, int to, Half h, Buf x, Buf y, double[] a, double[] b, boolean relu) {
      float[] in = h.fa;
      float[] o = h.fo;
      for (int p = from; p < to; p++) {
        float ac = a == null ? 1 : (float) a[p % c];
        float bc = b == null ? 0 : (float) b[p % c];
        x.f.get(p * hw, in, 0, hw);
        if (relu) {
          for (int i = 0; i < hw; i++) {
            o[i] = Math.max(ac * in[i] + bc, 0f);
          }
        } else {
          for (int i = 0; i < hw; i++) {
            o[i] = ac * in[i] + bc;
          }
        }
        y.f.put(p * hw, o, 0, hw);
      }
    }

    @Override
    void backAffine(
        int from,
        int to,
        Half h,
        Buf g,
        Buf x,
        Buf dx,
        double[] a,
        double[] b,
        double[] k,
        boolean accumulate) {
      float[] gv = h.fa;
      float[] xv = h.fb;
      float[] o = h.fo;
      for (int p = from; p < to; p++) {
        float ac = a == null ? 1 : (float) a[p % c];
        float kc = k == null ? 0 : (float) k[p % c];
        g.f.get(p * hw, gv, 0, hw);
        if (b != null) {
          float bc = (float) b[p % c];
          x.f.get(p * hw, xv, 0, hw);
          for (int i = 0; i < hw; i++) {
            o[i] = ac * gv[i] + bc * xv[i] + kc;
          }
        } else {
          for (int i = 0; i < hw; i++) {
            o[i] = ac * gv[i] + kc;
          }
        }
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void reluBack(int from, int to, Half h, Buf y, Buf g, Buf dx, boolean accumulate) {
      float[] yv = h.fa;
      float[] gv = h.fb;
      float[] o = h.fo;
      for (int p = from; p < to; p++) {
        y.f.get(p * hw, yv, 0, hw);
        g.f.get(p * hw, gv, 0, hw);
        for (int i = 0; i < hw; i++) {
          o[i] = yv[i] > 0 ? gv[i] : 0f;
        }
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void planeSums(int from, int to, Half h, Buf x, double[] out) {
      float[] a = h.fa;
      for (int p = from; p < to; p++) {
        x.f.get(p * hw, a, 0, hw);
        double acc = 0;
        for (int i = 0; i < hw; i++) {
          acc += a[i];
        }
        out[p] = acc;
      }
    }

    @Override
    void fillPlanes(int from, int to, Half h, Buf dx, double[] v, boolean accumulate) {
      for (int p = from; p < to; p++) {
        Arrays.fill(h.fo, (float) v[p]);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void copy(int from, int to, Half h, Buf g, Buf dx, boolean accumulate) {
      for (int p = from; p < to; p++) {
        g.f.get(p * hw, h.fo, 0, hw);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void transpose(int from, int to, Half h, Buf src, Buf dst) {
      for (int p = from; p < to; p++) {
        src.f.get(p * hw, h.fo, 0, hw);
        dst.f.put((p % c * n + p / c) * hw, h.fo, 0, hw);
      }
    }
  }

  /** float64: every sum in float64. */
  private static final class F64 extends Planes {
    F64(int n, int c, int hw) {
      super(n, c, hw, false);
    }

    /** Writes {@code h.dout} to plane {@code p}, or adds it to what is there. */
    private void store(Buf dx, int p, Half h, boolean accumulate) {
      if (accumulate) {
        dx.d.get(p * hw, h.da, 0, hw);
        for (int i = 0; i < hw; i++) {
          h.dout[i] += h.da[i];
        }
      }
      dx.d.put(p * hw, h.dout, 0, hw);
    }

    @Override
    void moments(int from, int to, Half h, Buf x) {
      double[] a = h.da;
      for (int p = from; p < to; p++) {
        x.d.get(p * hw, a, 0, hw);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < hw; i++) {
          s1 += a[i];
          s2 += a[i] * a[i];
        }
        h.r1[p % c] += s1;
        h.r2[p % c] += s2;
      }
    }

    @Override
    void gradSums(int from, int to, Half h, Buf g, Buf x) {
      double[] a = h.da;
      double[] b = h.db;
      for (int p = from; p < to; p++) {
        g.d.get(p * hw, a, 0, hw);
        double s1 = 0;
        double s2 = 0;
        if (x != null) {
          x.d.get(p * hw, b, 0, hw);
          for (int i = 0; i < hw; i++) {
            s1 += a[i];
            s2 += a[i] * b[i];
          }
        } else {
          for (int i = 0; i < hw; i++) {
            s1 += a[i];
          }
        }
        h.r1[p % c] += s1;
        h.r2[p % c] += s2;
      }
    }

    @Override
    void affine(int from, int to, Half h, Buf x, Buf y, double[] a, double[] b, boolean relu) {
      double[] in = h.da;
      double[] o = h.dout;
      for (int p = from; p < to; p++) {
        double ac = a == null ? 1 : a[p % c];
        double bc = b == null ? 0 : b[p % c];
        x.d.get(p * hw, in, 0, hw);
        for (int i = 0; i < hw; i++) {
          double v = ac * in[i] + bc;
          o[i] = relu && v <= 0 ? 0 : v;
        }
        y.d.put(p * hw, o, 0, hw);
      }
    }

    @Override
    void backAffine(
        int from,
        int to,
        Half h,
        Buf g,
        Buf x,
        Buf dx,
        double[] a,
        double[] b,
        double[] k,
        boolean accumulate) {
      double[] gv = h.da;
      double[] xv = h.db;
      double[] o = h.dout;
      for (int p = from; p < to; p++) {
        double ac = a == null ? 1 : a[p % c];
        double bc = b == null ? 0 : b[p % c];
        double kc = k == null ? 0 : k[p % c];
        g.d.get(p * hw, gv, 0, hw);
        if (b != null) {
          x.d.get(p * hw, xv, 0, hw);
        }
        for (int i = 0; i < hw; i++) {
          o[i] = ac * gv[i] + (b != null ? bc * xv[i] : 0) + kc;
        }
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void reluBack(int from, int to, Half h, Buf y, Buf g, Buf dx, boolean accumulate) {
      double[] yv = h.da;
      double[] gv = h.db;
      double[] o = h.dout;
      for (int p = from; p < to; p++) {
        y.d.get(p * hw, yv, 0, hw);
        g.d.get(p * hw, gv, 0, hw);
        for (int i = 0; i < hw; i++) {
          o[i] = yv[i] > 0 ? gv[i] : 0;
        }
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void planeSums(int from, int to, Half h, Buf x, double[] out) {
      double[] a = h.da;
      for (int p = from; p < to; p++) {
        x.d.get(p * hw, a, 0, hw);
        double acc = 0;
        for (int i = 0; i < hw; i++) {
          acc += a[i];
        }
        out[p] = acc;
      }
    }

    @Override
    void fillPlanes(int from, int to, Half h, Buf dx, double[] v, boolean accumulate) {
      for (int p = from; p < to; p++) {
        Arrays.fill(h.dout, v[p]);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void copy(int from, int to, Half h, Buf g, Buf dx, boolean accumulate) {
      for (int p = from; p < to; p++) {
        g.d.get(p * hw, h.dout, 0, hw);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void transpose(int from, int to, Half h, Buf src, Buf dst) {
      for (int p = from; p < to; p++) {
        src.d.get(p * hw, h.dout, 0, hw);
        dst.d.put((p % c * n + p / c) * hw, h.dout, 0, hw);
      }
    }
  }
}
