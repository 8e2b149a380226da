package dev.replens.engine.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * pooling, gradient accumulation, and the patches of the convs that run as matrix products) as
 * fused loops over the {@code N·C} planes of {@code [N, C, H·W]} activations in native memory. Each
 * plane is copied into heap scratch of the array's own precision, computed there in loops the JIT
 * vectorizes, and copied back, so one pass reads and writes each array once; ND4J needs one native
 * op per elementwise step and one more pass to add a gradient into another. {@link #of} picks the
 * float32 or float64 kernels: the same loops twice, since Java can't abstract over primitive arrays
 * without boxing each value.
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

    /** For a gradient constant over each plane: its value per plane, else null. */
    final double[] perPlane;

    /**
     * For memory laid out channel by channel, {@code [C, N, H·W]}: C and N; else 0. Plane {@code p
     * = b·C + c} of such a buffer starts at {@code (c·N + b)·H·W} instead of {@code p·H·W}.
     */
    private final int cmC;

    private final int cmN;

    private Buf(double[] perPlane) {
      this.perPlane = perPlane;
      cmC = 0;
      cmN = 0;
      owner = null;
      f = null;
      d = null;
    }

    /**
     * A gradient that is {@code values[p]} all over plane {@code p}, as global average pooling
     * passes back: the passes that read gradients ({@link #gradSums}, {@link #backAffine}, {@link
     * #reluBack}) take it without it being written out. {@code values} is read at each pass.
     */
    static Buf perPlane(double[] values) {
      return new Buf(values);
    }

    Buf(INDArray a) {
      this(a, 0, 0);
    }

    /**
     * The memory of {@code a} read as {@code n·c} planes stored channel by channel, {@code [c, n,
     * H·W]}, as a matrix product over patches leaves a conv's output: the passes see plane {@code
     * b·c + ch} where it is, with no transpose.
     */
    static Buf channelMajor(INDArray a, int n, int c) {
      if (n < 1 || c < 1) {
        throw new IllegalArgumentException("channel-major planes need n, c >= 1");
      }
      return new Buf(a, n, c);
    }

    private Buf(INDArray a, int n, int c) {
      perPlane = null;
      cmC = c;
      cmN = n;
      owner = a;
      ByteBuffer bytes = a.data().asNio().order(ByteOrder.nativeOrder());
      if (a.dataType() == DataType.FLOAT) {
        f = bytes.asFloatBuffer();
        d = null;
      } else if (a.dataType() == DataType.DOUBLE) {
        d = bytes.asDoubleBuffer();
        f = null;
      } else {
        throw new IllegalArgumentException("planes of " + a.dataType());
      }
    }

    /** Where plane {@code p} of {@code hw} values starts. */
    int at(int p, int hw) {
      return cmC == 0 ? p * hw : ((p % cmC) * cmN + p / cmC) * hw;
    }
  }

  /** One half's scratch planes and per-channel sums. */
  static final class Half {
    final float[] fa;
    final float[] fb;
    final float[] fo;
    final float[] fm;
    final double[] da;
    final double[] db;
    final double[] dout;
    final double[] dm;
    final double[] r1;
    final double[] r2;

    Half(boolean f32, int hw, int c) {
      int fl = f32 ? hw : 0;
      int dl = f32 ? 0 : hw;
      fa = new float[fl];
      fb = new float[fl];
      fo = new float[fl];
      fm = new float[fl];
      da = new double[dl];
      db = new double[dl];
      dout = new double[dl];
      dm = new double[dl];
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
    parallel(0, n * c, t);
  }

  /** Runs {@code t} over planes {@code [lo, hi)}, split in two halves if large enough. */
  private void parallel(int lo, int hi, Task t) {
    int planes = hi - lo;
    if ((long) planes * hw < PARALLEL_MIN || planes < 2) {
      t.run(lo, hi, halves[0]);
      return;
    }
    int half = lo + planes / 2;
    Future<?> rest = HELPER.submit(() -> t.run(half, hi, halves[1]));
    try {
      t.run(lo, half, halves[0]);
    } finally {
      // Even if this half failed, the other one must be done with the arrays before they go.
      waitFor(rest);
    }
  }

  /**
   * Waits for the helper's half, through interrupts too (a half takes milliseconds, and its arrays
   * must not be freed under it); an interrupt is kept for the caller to see.
   */
  private static void waitFor(Future<?> rest) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          rest.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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
   * x} is null), where {@code g} counts as 0 wherever {@code mask} (if not null) is not positive:
   * the gradient through a ReLU whose output is {@code mask}.
   */
  final void gradSums(Buf g, Buf mask, Buf x, double[] sum, double[] dot) {
    reduce((from, to, h) -> gradSums(from, to, h, g, mask, x), sum, x != null ? dot : null);
  }

  /** {@code y = a[c]·x + b[c]} (a null {@code a} is 1, a null {@code b} 0), then ReLU if asked. */
  final void affine(Buf x, Buf y, double[] a, double[] b, boolean relu) {
    parallel((from, to, h) -> affine(from, to, h, x, y, a, b, relu));
  }

  /**
   * {@code dx = a[c]·g + b[c]·x + k[c]} (null {@code a} is 1; null {@code b}, {@code k} are 0),
   * added to {@code dx}'s values if {@code accumulate}; {@code g} is masked as in {@link
   * #gradSums}.
   */
  final void backAffine(
      Buf g, Buf mask, Buf x, Buf dx, double[] a, double[] b, double[] k, boolean accumulate) {
    parallel((from, to, h) -> backAffine(from, to, h, g, mask, x, dx, a, b, k, accumulate));
  }

  /**
   * {@code dx = g} where the ReLU output {@code y ≥ 0} is positive, else 0; added if {@code
   * accumulate}.
   */
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
    parallel((from, to, h) -> transpose(from, to, h, src, dst, false));
  }

  /** The inverse of {@link #transpose}: {@code [c, n, hw]} {@code src} into {@code [n, c, hw]}. */
  final void transposeBack(Buf src, Buf dst) {
    parallel((from, to, h) -> transpose(from, to, h, src, dst, true));
  }

  /**
   * The patches of a stride-1 convolution over {@code x} ({@code [n, c, hw]}, planes of {@code h x
   * w}) with a {@code kh x kw} kernel and zero padding {@code ph, pw} that keeps the size, as a
   * {@code [c·kh·kw, n·h·w]} matrix: {@code cols[(ch·kh + p)·kw + q, b·hw + y·w + x] = x[b, ch, y +
   * p − ph, x + q − pw]}, 0 outside the map. A convolution is then one matrix product with the
   * {@code [O, c·kh·kw]} kernel, and its kernel gradient one more with the output gradient. float32
   * only (the stem): float64 convs take {@link #patches} a block of images at a time.
   */
  final void im2col(Buf x, Buf cols, int h, int w, int kh, int kw, int ph, int pw) {
    if (h * w != hw || h + 2 * ph - kh + 1 != h || w + 2 * pw - kw + 1 != w) {
      throw new IllegalArgumentException(
          "im2col of " + h + "x" + w + " planes needs a size-keeping kernel, not " + kh + "x" + kw);
    }
    parallel((from, to, half) -> im2col(from, to, half, x, cols, w, kh, kw, ph, pw));
  }

  /** A stride-1 convolution's geometry: input rows of {@code w}, kernel, padding, output size. */
  record Patch(int w, int kh, int kw, int ph, int pw, int oh, int ow) {}

  /**
   * The patches of images {@code [first, first + count)} of {@code x} for the convolution {@code
   * g}, image by image: {@code cols[b − first, (ch·kh + u)·kw + v, y·ow + x] = x[b, ch, y + u − ph,
   * x + v − pw]}, 0 outside the map (ND4J's {@code im2col} layout). float64 only: float32 convs run
   * on oneDNN.
   */
  final void patches(Buf x, Buf cols, int first, int count, Patch g) {
    parallel(first * c, (first + count) * c, (from, to, h) -> patches(from, to, x, cols, first, g));
  }

  /**
   * The adjoint of {@link #patches}: {@code dx[b, ch]} (set, or increased if {@code accumulate}) is
   * the sum of the patch gradients {@code dcols} shifted back to where they were taken from.
   */
  final void unpatches(Buf dcols, Buf dx, int first, int count, Patch g, boolean accumulate) {
    parallel(
        first * c,
        (first + count) * c,
        (from, to, h) -> unpatches(from, to, h, dcols, dx, first, g, accumulate));
  }

  void im2col(int from, int to, Half h, Buf x, Buf cols, int w, int kh, int kw, int ph, int pw) {
    throw new UnsupportedOperationException("float64 convs take their patches image by image");
  }

  void patches(int from, int to, Buf x, Buf cols, int first, Patch g) {
    throw new UnsupportedOperationException("float32 convs run on oneDNN");
  }

  void unpatches(
      int from, int to, Half h, Buf dcols, Buf dx, int first, Patch g, boolean accumulate) {
    throw new UnsupportedOperationException("float32 convs run on oneDNN");
  }

  // The kernels, over planes [from, to) with one half's scratch.

  abstract void moments(int from, int to, Half h, Buf x);

  abstract void gradSums(int from, int to, Half h, Buf g, Buf mask, Buf x);

  abstract void affine(
      int from, int to, Half h, Buf x, Buf y, double[] a, double[] b, boolean relu);

  abstract void backAffine(
      int from,
      int to,
      Half h,
      Buf g,
      Buf mask,
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

  abstract void transpose(int from, int to, Half h, Buf src, Buf dst, boolean back);

  /** Where plane {@code p} goes: {@code [n, c] → [c, n]}, or back. */
  final int transposed(int p, boolean back) {
    return back ? p % n * c + p / n : p % c * n + p / c;
  }

  /** float32: sums within a plane in float32 with four partial sums, across planes in float64. */
  private static final class F32 extends Planes {
    F32(int n, int c, int hw) {
      super(n, c, hw, true);
    }

    /** Plane {@code p} of {@code g} into {@code dst}, zero where {@code mask} is not positive. */
    private void read(Buf g, Buf mask, int p, float[] dst, Half h) {
      if (g.perPlane != null) {
        Arrays.fill(dst, 0, hw, (float) g.perPlane[p]);
      } else {
        g.f.get(g.at(p, hw), dst, 0, hw);
      }
      if (mask != null) {
        applyMask(mask, p, dst, h);
      }
    }

    /**
     * {@code dst[i] *= (mask[i] > 0 ? 1 : 0)} for a ReLU output {@code mask ≥ 0}, without a branch:
     * the sign of a gradient is a coin toss, and a mispredicted branch per value cost 4.6 ms per
     * million values against 0.4 ms for this. {@code min(mask·2¹²⁷·2¹²⁷, 1)} is exactly 1 for any
     * positive float (the smallest, 2⁻¹⁴⁹, becomes 2¹⁰⁵) and 0 for 0, and min and multiply
     * vectorize. (A NaN in the mask, from a forward pass that already failed, makes the gradient
     * NaN.)
     */
    private void applyMask(Buf mask, int p, float[] dst, Half h) {
      float[] m = h.fm;
      mask.f.get(mask.at(p, hw), m, 0, hw);
      for (int i = 0; i < hw; i++) {
        dst[i] *= Math.min(m[i] * 0x1p127f * 0x1p127f, 1f);
      }
    }

    /** Writes {@code h.fo} to plane {@code p}, or adds it to what is there. */
    private void store(Buf dx, int p, Half h, boolean accumulate) {
      if (accumulate) {
        dx.f.get(dx.at(p, hw), h.fa, 0, hw);
        for (int i = 0; i < hw; i++) {
          h.fo[i] += h.fa[i];
        }
      }
      dx.f.put(dx.at(p, hw), h.fo, 0, hw);
    }

    @Override
    void moments(int from, int to, Half h, Buf x) {
      float[] a = h.fa;
      for (int p = from; p < to; p++) {
        x.f.get(x.at(p, hw), a, 0, hw);
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
    void gradSums(int from, int to, Half h, Buf g, Buf mask, Buf x) {
      float[] a = h.fa;
      float[] b = h.fb;
      for (int p = from; p < to; p++) {
        read(g, mask, p, a, h);
        float s0 = 0;
        float s1 = 0;
        float q0 = 0;
        float q1 = 0;
        int i = 0;
        if (x != null) {
          x.f.get(x.at(p, hw), b, 0, hw);
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
        x.f.get(x.at(p, hw), in, 0, hw);
        if (relu) {
          for (int i = 0; i < hw; i++) {
            o[i] = Math.max(ac * in[i] + bc, 0f);
          }
        } else {
          for (int i = 0; i < hw; i++) {
            o[i] = ac * in[i] + bc;
          }
        }
        y.f.put(y.at(p, hw), o, 0, hw);
      }
    }

    @Override
    void backAffine(
        int from,
        int to,
        Half h,
        Buf g,
        Buf mask,
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
        read(g, mask, p, gv, h);
        if (b != null) {
          float bc = (float) b[p % c];
          x.f.get(x.at(p, hw), xv, 0, hw);
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
      for (int p = from; p < to; p++) {
        read(g, y, p, h.fo, h);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void planeSums(int from, int to, Half h, Buf x, double[] out) {
      float[] a = h.fa;
      for (int p = from; p < to; p++) {
        x.f.get(x.at(p, hw), a, 0, hw);
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
        g.f.get(g.at(p, hw), h.fo, 0, hw);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void transpose(int from, int to, Half h, Buf src, Buf dst, boolean back) {
      for (int p = from; p < to; p++) {
        src.f.get(src.at(p, hw), h.fo, 0, hw);
        dst.f.put(transposed(p, back) * hw, h.fo, 0, hw);
      }
    }

    @Override
    void im2col(int from, int to, Half h, Buf x, Buf cols, int w, int kh, int kw, int ph, int pw) {
      int rows = hw / w;
      long stride = (long) n * hw;
      for (int p = from; p < to; p++) {
        int b = p / c;
        int ch = p % c;
        x.f.get(x.at(p, hw), h.fa, 0, hw);
        for (int u = 0; u < kh; u++) {
          for (int v = 0; v < kw; v++) {
            Arrays.fill(h.fo, 0f);
            int dx = v - pw;
            int lo = Math.max(0, -dx);
            int len = Math.min(w, w - dx) - lo;
            for (int y = Math.max(0, ph - u); y < Math.min(rows, rows + ph - u); y++) {
              System.arraycopy(h.fa, (y + u - ph) * w + lo + dx, h.fo, y * w + lo, len);
            }
            long row = (long) (ch * kh + u) * kw + v;
            cols.f.put((int) (row * stride + (long) b * hw), h.fo, 0, hw);
          }
        }
      }
    }
  }

  /** float64: every sum in float64. */
  private static final class F64 extends Planes {
    F64(int n, int c, int hw) {
      super(n, c, hw, false);
    }

    /** Offset of row {@code (ch, u, v)} of image {@code b − first} in a patch matrix. */
    private long patchRow(int b, int first, int ch, int u, int v, Patch g) {
      long rows = (long) c * g.kh() * g.kw();
      return (((b - first) * rows) + (long) (ch * g.kh() + u) * g.kw() + v) * g.oh() * g.ow();
    }

    @Override
    void im2col(int from, int to, Half h, Buf x, Buf cols, int w, int kh, int kw, int ph, int pw) {
      throw new UnsupportedOperationException("float64 convs take their patches image by image");
    }

    void patches(int from, int to, Buf x, Buf cols, int first, Patch g) {
      int rows = hw / g.w();
      int ohw = g.oh() * g.ow();
      double[] in = new double[hw];
      double[] seg = new double[ohw];
      for (int p = from; p < to; p++) {
        x.d.get(x.at(p, hw), in, 0, hw);
        for (int u = 0; u < g.kh(); u++) {
          for (int v = 0; v < g.kw(); v++) {
            Arrays.fill(seg, 0);
            int dx = v - g.pw();
            int lo = Math.max(0, -dx);
            int len = Math.min(g.ow(), g.w() - dx) - lo;
            if (len > 0) {
              int y0 = Math.max(0, g.ph() - u);
              int y1 = Math.min(g.oh(), rows + g.ph() - u);
              for (int y = y0; y < y1; y++) {
                System.arraycopy(in, (y + u - g.ph()) * g.w() + lo + dx, seg, y * g.ow() + lo, len);
              }
            }
            cols.d.put((int) patchRow(p / c, first, p % c, u, v, g), seg, 0, ohw);
          }
        }
      }
    }

    @Override
    void unpatches(
        int from, int to, Half h, Buf dcols, Buf dx, int first, Patch g, boolean accumulate) {
      int rows = hw / g.w();
      int ohw = g.oh() * g.ow();
      double[] acc = h.dout;
      double[] seg = new double[ohw];
      for (int p = from; p < to; p++) {
        if (accumulate) {
          dx.d.get(dx.at(p, hw), acc, 0, hw);
        } else {
          Arrays.fill(acc, 0);
        }
        for (int u = 0; u < g.kh(); u++) {
          for (int v = 0; v < g.kw(); v++) {
            dcols.d.get((int) patchRow(p / c, first, p % c, u, v, g), seg, 0, ohw);
            int dxs = v - g.pw();
            int lo = Math.max(0, -dxs);
            int len = Math.min(g.ow(), g.w() - dxs) - lo;
            int y0 = Math.max(0, g.ph() - u);
            int y1 = Math.min(g.oh(), rows + g.ph() - u);
            for (int y = y0; y < y1 && len > 0; y++) {
              int src = y * g.ow() + lo;
              int dst = (y + u - g.ph()) * g.w() + lo + dxs;
              for (int i = 0; i < len; i++) {
                acc[dst + i] += seg[src + i];
              }
            }
          }
        }
        dx.d.put(dx.at(p, hw), acc, 0, hw);
      }
    }

    /** Plane {@code p} of {@code g} into {@code dst}, zero where {@code mask} is not positive. */
    private void read(Buf g, Buf mask, int p, double[] dst, Half h) {
      if (g.perPlane != null) {
        Arrays.fill(dst, 0, hw, g.perPlane[p]);
      } else {
        g.d.get(g.at(p, hw), dst, 0, hw);
      }
      if (mask != null) {
        applyMask(mask, p, dst, h);
      }
    }

    /**
     * {@code dst[i] *= (mask[i] > 0 ? 1 : 0)} without a branch, as in float32: {@code
     * min(mask·2¹⁰²³·2¹⁰²³, 1)} is 1 for any positive double (2⁻¹⁰⁷⁴ becomes 2⁹⁷²) and 0 for 0.
     */
    private void applyMask(Buf mask, int p, double[] dst, Half h) {
      double[] m = h.dm;
      mask.d.get(mask.at(p, hw), m, 0, hw);
      for (int i = 0; i < hw; i++) {
        dst[i] *= Math.min(m[i] * 0x1p1023 * 0x1p1023, 1.0);
      }
    }

    /** Writes {@code h.dout} to plane {@code p}, or adds it to what is there. */
    private void store(Buf dx, int p, Half h, boolean accumulate) {
      if (accumulate) {
        dx.d.get(dx.at(p, hw), h.da, 0, hw);
        for (int i = 0; i < hw; i++) {
          h.dout[i] += h.da[i];
        }
      }
      dx.d.put(dx.at(p, hw), h.dout, 0, hw);
    }

    @Override
    void moments(int from, int to, Half h, Buf x) {
      double[] a = h.da;
      for (int p = from; p < to; p++) {
        x.d.get(x.at(p, hw), a, 0, hw);
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
    void gradSums(int from, int to, Half h, Buf g, Buf mask, Buf x) {
      double[] a = h.da;
      double[] b = h.db;
      for (int p = from; p < to; p++) {
        read(g, mask, p, a, h);
        double s1 = 0;
        double s2 = 0;
        if (x != null) {
          x.d.get(x.at(p, hw), b, 0, hw);
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
        x.d.get(x.at(p, hw), in, 0, hw);
        for (int i = 0; i < hw; i++) {
          double v = ac * in[i] + bc;
          o[i] = relu && v <= 0 ? 0 : v;
        }
        y.d.put(y.at(p, hw), o, 0, hw);
      }
    }

    @Override
    void backAffine(
        int from,
        int to,
        Half h,
        Buf g,
        Buf mask,
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
        read(g, mask, p, gv, h);
        if (b != null) {
          x.d.get(x.at(p, hw), xv, 0, hw);
        }
        for (int i = 0; i < hw; i++) {
          o[i] = ac * gv[i] + (b != null ? bc * xv[i] : 0) + kc;
        }
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void reluBack(int from, int to, Half h, Buf y, Buf g, Buf dx, boolean accumulate) {
      for (int p = from; p < to; p++) {
        read(g, y, p, h.dout, h);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void planeSums(int from, int to, Half h, Buf x, double[] out) {
      double[] a = h.da;
      for (int p = from; p < to; p++) {
        x.d.get(x.at(p, hw), a, 0, hw);
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
        g.d.get(g.at(p, hw), h.dout, 0, hw);
        store(dx, p, h, accumulate);
      }
    }

    @Override
    void transpose(int from, int to, Half h, Buf src, Buf dst, boolean back) {
      for (int p = from; p < to; p++) {
        src.d.get(src.at(p, hw), h.dout, 0, hw);
        dst.d.put(transposed(p, back) * hw, h.dout, 0, hw);
      }
    }
  }
}
