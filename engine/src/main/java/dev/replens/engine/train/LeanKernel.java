package dev.replens.engine.train;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * OREPA's online kernel generation for {@link LeanNetwork} [OREPA, Sec. 3.2], on the heap: each
 * branch of a linearized block becomes one dense {@code [O, I, K, K]} kernel computed from its
 * weights and scales, and the block convolves once with their sum. The same transforms as {@link
 * KernelGen}, with the backward pass written out:
 *
 * <ul>
 *   <li>identity and average pooling are constant kernels [RepVGG; DBB Transform V];
 *   <li>a channel-wise scale multiplies the output channels of the kernel so far;
 *   <li>two kernels compose by a full convolution, {@code W[o,i,y,x] = Σ_t Σ_{a,b} W2[o,t,a,b] ·
 *       W1[t,i,y−a,x−b]} (a matrix product per tap when either is 1x1) [DBB Transform III];
 *   <li>the result is centred in KxK [DBB Transform VI].
 * </ul>
 *
 * Kernels are small (C·C·K·K values), so this costs well under a millisecond per step at C = 32.
 *
 * <p>Order of calls: {@link #forward} (reads the current weights) → {@link #backward} with the
 * gradient of the generated kernel (writes the gradients of the trained weights).
 */
final class LeanKernel {

  /** A dense kernel {@code [o, i, kh, kw]} and its gradient. */
  private static final class K {
    final double[] v;
    final double[] g;
    final int o;
    final int i;
    final int kh;
    final int kw;

    /**
     * Whether a trained weight is upstream, so that the gradient is needed; false for constants.
     */
    boolean trained = true;

    K(int o, int i, int kh, int kw) {
      this.o = o;
      this.i = i;
      this.kh = kh;
      this.kw = kw;
      this.v = new double[o * i * kh * kw];
      this.g = new double[v.length];
    }
  }

  private final BlockSpec spec;
  private final Map<String, LeanNetwork.P> params = new LinkedHashMap<>();
  private final Map<String, double[]> paramValues = new LinkedHashMap<>();
  private final Map<String, double[]> paramGrads = new LinkedHashMap<>();
  private final List<Runnable> tape = new ArrayList<>();
  private final List<K> outputs = new ArrayList<>();
  private final List<K> pool = new ArrayList<>();
  private int pooled;
  private double[] total;
  private double[] kernelGrad;
  private final List<double[]> gradScratch = new ArrayList<>();
  private int gradScratchUsed;

  LeanKernel(BlockSpec spec, Function<String, LeanNetwork.P> param) {
    this.spec = spec;
    for (Branch b : spec.branches()) {
      for (Op op : b.ops()) {
        String p = b.id() + "." + op.id() + ".";
        if (op instanceof ChannelScale || op instanceof Conv) {
          if (op instanceof Conv c && (c.groups() != 1 || c.bias())) {
            throw new LeanNetwork.Unsupported("grouped or biased convs in the online form");
          }
          params.put(p + "weight", param.apply(p + "weight"));
        } else if (!(op instanceof Identity || op instanceof AvgPool)) {
          throw new LeanNetwork.Unsupported(op.describe() + " in the online form");
        }
      }
    }
  }

  /**
   * The block's kernel {@code [O, I, K, K]} from the current weights, row-major (an array this
   * object reuses: read it before the next call).
   */
  double[] forward() {
    tape.clear();
    outputs.clear();
    pooled = 0;
    for (Map.Entry<String, LeanNetwork.P> e : params.entrySet()) {
      INDArray w = e.getValue().v;
      double[] v = paramValues.computeIfAbsent(e.getKey(), k -> new double[(int) w.length()]);
      Buffers.read(w, v);
      Arrays.fill(paramGrads.computeIfAbsent(e.getKey(), k -> new double[v.length]), 0);
    }
    int size = spec.kernel();
    int length = spec.outChannels() * spec.inChannels() * size * size;
    if (total == null || total.length != length) {
      total = new double[length];
    }
    Arrays.fill(total, 0);
    for (Branch b : spec.branches()) {
      K k = centre(branch(b), size);
      outputs.add(k);
      for (int j = 0; j < total.length; j++) {
        total[j] += k.v[j];
      }
    }
    return total;
  }

  /** Back-propagates the gradient {@code gw} of the kernel into the trained weights' gradients. */
  void backward(INDArray gw) {
    gradScratchUsed = 0;
    if (kernelGrad == null || kernelGrad.length != gw.length()) {
      kernelGrad = new double[(int) gw.length()];
    }
    Buffers.read(gw, kernelGrad);
    for (K k : outputs) {
      System.arraycopy(kernelGrad, 0, k.g, 0, kernelGrad.length);
    }
    for (int j = tape.size() - 1; j >= 0; j--) {
      tape.get(j).run();
    }
    for (Map.Entry<String, LeanNetwork.P> e : params.entrySet()) {
      if (e.getValue().g != null) {
        Buffers.write(e.getValue().g, paramGrads.get(e.getKey()));
      }
    }
  }

  /**
   * A zeroed kernel for this step: the one made at this point of the last step, if of this shape.
   */
  private K kernel(int o, int i, int kh, int kw) {
    if (pooled < pool.size()) {
      K k = pool.get(pooled);
      if (k.o == o && k.i == i && k.kh == kh && k.kw == kw) {
        pooled++;
        Arrays.fill(k.v, 0);
        Arrays.fill(k.g, 0);
        k.trained = true;
        return k;
      }
      pool.subList(pooled, pool.size()).clear();
    }
    K k = new K(o, i, kh, kw);
    pool.add(k);
    pooled++;
    return k;
  }

  /** A scratch array for one tape entry of this backward pass (reused by the next pass). */
  private double[] gradScratch(int length) {
    if (gradScratchUsed == gradScratch.size()) {
      gradScratch.add(new double[length]);
    }
    double[] a = gradScratch.get(gradScratchUsed);
    if (a.length != length) {
      a = new double[length];
      gradScratch.set(gradScratchUsed, a);
    }
    gradScratchUsed++;
    return a;
  }

  private K branch(Branch b) {
    int[] ch = b.channelsThrough(spec.inChannels());
    K k = null;
    for (int n = 0; n < b.ops().size(); n++) {
      Op op = b.ops().get(n);
      String key = b.id() + "." + op.id() + ".weight";
      int in = ch[n];
      if (op instanceof ChannelScale) {
        k = k == null ? diagonal(key, in) : scaleOut(k, key);
        continue;
      }
      K next;
      if (op instanceof Identity) {
        if (k != null) {
          continue;
        }
        next = kernel(in, in, 1, 1);
        next.trained = false;
        for (int c = 0; c < in; c++) {
          next.v[c * in + c] = 1;
        }
      } else if (op instanceof AvgPool a) {
        int s = a.kernel();
        next = kernel(in, in, s, s);
        next.trained = false;
        for (int c = 0; c < in; c++) {
          for (int t = 0; t < s * s; t++) {
            next.v[(c * in + c) * s * s + t] = 1.0 / (s * s);
          }
        }
      } else {
        Conv c = (Conv) op;
        next = weight(key, c.outChannels(), in, c.kernelH(), c.kernelW());
      }
      k = k == null ? next : compose(k, next);
    }
    if (k == null) {
      throw new IllegalArgumentException("branch '" + b.id() + "' has no ops");
    }
    if (k.kh > spec.kernel() || k.kw > spec.kernel()) {
      throw new IllegalArgumentException(
          "branch '"
              + b.id()
              + "' composes to a "
              + k.kh
              + "x"
              + k.kw
              + " kernel, larger than the block's K = "
              + spec.kernel());
    }
    return k;
  }

  private K weight(String key, int o, int i, int kh, int kw) {
    double[] w = paramValues.get(key);
    double[] dw = paramGrads.get(key);
    K k = kernel(o, i, kh, kw);
    System.arraycopy(w, 0, k.v, 0, w.length);
    tape.add(
        () -> {
          for (int j = 0; j < dw.length; j++) {
            dw[j] += k.g[j];
          }
        });
    return k;
  }

  private K diagonal(String key, int c) {
    double[] s = paramValues.get(key);
    double[] ds = paramGrads.get(key);
    K k = kernel(c, c, 1, 1);
    for (int j = 0; j < c; j++) {
      k.v[j * c + j] = s[j];
    }
    tape.add(
        () -> {
          for (int j = 0; j < c; j++) {
            ds[j] += k.g[j * c + j];
          }
        });
    return k;
  }

  /** {@code y[o, ...] = s_o · k[o, ...]}. */
  private K scaleOut(K k, String key) {
    double[] s = paramValues.get(key);
    double[] ds = paramGrads.get(key);
    K y = kernel(k.o, k.i, k.kh, k.kw);
    int per = k.i * k.kh * k.kw;
    for (int o = 0; o < k.o; o++) {
      for (int j = 0; j < per; j++) {
        y.v[o * per + j] = s[o] * k.v[o * per + j];
      }
    }
    tape.add(
        () -> {
          for (int o = 0; o < k.o; o++) {
            double acc = 0;
            for (int j = 0; j < per; j++) {
              acc += y.g[o * per + j] * k.v[o * per + j];
              k.g[o * per + j] += y.g[o * per + j] * s[o];
            }
            ds[o] += acc;
          }
        });
    return y;
  }

  /** {@code second ∘ first}: the kernel of applying {@code first}, then {@code second}. */
  private K compose(K a, K b) {
    if (b.i != a.o) {
      throw new IllegalArgumentException(
          "composing a kernel with " + a.o + " outputs and one with " + b.i + " inputs");
    }
    if (a.kh == 1 && a.kw == 1) {
      return composeAfterPointwise(a, b);
    }
    int oh = a.kh + b.kh - 1;
    int ow = a.kw + b.kw - 1;
    K y = kernel(b.o, a.i, oh, ow);
    int t = a.o;
    for (int o = 0; o < b.o; o++) {
      for (int s = 0; s < t; s++) {
        for (int p = 0; p < b.kh; p++) {
          for (int q = 0; q < b.kw; q++) {
            double w2 = b.v[((o * t + s) * b.kh + p) * b.kw + q];
            if (w2 == 0) {
              continue;
            }
            for (int i = 0; i < a.i; i++) {
              int src = (s * a.i + i) * a.kh * a.kw;
              int dst = (o * a.i + i) * oh * ow;
              for (int u = 0; u < a.kh; u++) {
                for (int v = 0; v < a.kw; v++) {
                  y.v[dst + (u + p) * ow + v + q] += w2 * a.v[src + u * a.kw + v];
                }
              }
            }
          }
        }
      }
    }
    tape.add(
        () -> {
          for (int o = 0; o < b.o; o++) {
            for (int s = 0; s < t; s++) {
              for (int p = 0; p < b.kh; p++) {
                for (int q = 0; q < b.kw; q++) {
                  int wi = ((o * t + s) * b.kh + p) * b.kw + q;
                  double w2 = b.v[wi];
                  double acc = 0;
                  for (int i = 0; i < a.i; i++) {
                    int src = (s * a.i + i) * a.kh * a.kw;
                    int dst = (o * a.i + i) * oh * ow;
                    for (int u = 0; u < a.kh; u++) {
                      for (int v = 0; v < a.kw; v++) {
                        double gy = y.g[dst + (u + p) * ow + v + q];
                        acc += gy * a.v[src + u * a.kw + v];
                        a.g[src + u * a.kw + v] += gy * w2;
                      }
                    }
                  }
                  b.g[wi] += acc;
                }
              }
            }
          }
        });
    return y;
  }

  /**
   * {@link #compose} when {@code a} is 1x1: one matrix product per tap, {@code y[o, i, q] = Σ_s
   * b[o, s, q] · a[s, i]}. The products run on a tap-major copy {@code yt[o, q, i]} so that the
   * innermost loops run over {@code i}, contiguous in {@code a} and {@code yt} (vectorized by the
   * JIT), and skip the zero taps of constant kernels (average pooling's is diagonal). Backward,
   * {@code db[o, s, q] = Σ_i dyt[o, q, i] · a[s, i]} and {@code da[s, i] = Σ_{o, q} b[o, s, q] ·
   * dyt[o, q, i]}, each only if a trained weight is behind it.
   */
  private K composeAfterPointwise(K a, K b) {
    int taps = b.kh * b.kw;
    int t = a.o;
    int in = a.i;
    K y = kernel(b.o, in, b.kh, b.kw);
    y.trained = a.trained || b.trained;
    double[] yt = kernel(b.o, in, b.kh, b.kw).v;
    for (int o = 0; o < b.o; o++) {
      for (int q = 0; q < taps; q++) {
        int row = (o * taps + q) * in;
        for (int s = 0; s < t; s++) {
          double coef = b.v[(o * t + s) * taps + q];
          if (coef == 0) {
            continue;
          }
          int src = s * in;
          for (int i = 0; i < in; i++) {
            yt[row + i] += coef * a.v[src + i];
          }
        }
      }
    }
    tapMajor(yt, y.v, b.o, in, taps, false);
    if (!y.trained) {
      return y;
    }
    tape.add(
        () -> {
          double[] gt = gradScratch(y.g.length);
          tapMajor(gt, y.g, b.o, in, taps, true);
          for (int o = 0; o < b.o; o++) {
            for (int q = 0; q < taps; q++) {
              int row = (o * taps + q) * in;
              for (int s = 0; s < t; s++) {
                int bi = (o * t + s) * taps + q;
                int src = s * in;
                if (b.trained) {
                  double acc = 0;
                  for (int i = 0; i < in; i++) {
                    acc += gt[row + i] * a.v[src + i];
                  }
                  b.g[bi] += acc;
                }
                double coef = b.v[bi];
                if (a.trained && coef != 0) {
                  for (int i = 0; i < in; i++) {
                    a.g[src + i] += coef * gt[row + i];
                  }
                }
              }
            }
          }
        });
    return y;
  }

  /**
   * Between the tap-major layout {@code [o, q, i]} ({@code t}) and the kernel layout {@code [o, i,
   * q]} ({@code k}): {@code k ← t}, or {@code t ← k} if {@code toTapMajor}.
   */
  private static void tapMajor(
      double[] t, double[] k, int outs, int ins, int taps, boolean toTapMajor) {
    for (int o = 0; o < outs; o++) {
      for (int q = 0; q < taps; q++) {
        for (int i = 0; i < ins; i++) {
          int ti = (o * taps + q) * ins + i;
          int ki = (o * ins + i) * taps + q;
          if (toTapMajor) {
            t[ti] = k[ki];
          } else {
            k[ki] = t[ti];
          }
        }
      }
    }
  }

  /** {@code k} centred in {@code size x size}. */
  private K centre(K k, int size) {
    if (k.kh == size && k.kw == size) {
      return k;
    }
    int top = (size - k.kh) / 2;
    int left = (size - k.kw) / 2;
    K y = kernel(k.o, k.i, size, size);
    int planes = k.o * k.i;
    for (int pl = 0; pl < planes; pl++) {
      for (int u = 0; u < k.kh; u++) {
        for (int v = 0; v < k.kw; v++) {
          y.v[(pl * size + top + u) * size + left + v] = k.v[(pl * k.kh + u) * k.kw + v];
        }
      }
    }
    tape.add(
        () -> {
          for (int pl = 0; pl < planes; pl++) {
            for (int u = 0; u < k.kh; u++) {
              for (int v = 0; v < k.kw; v++) {
                k.g[(pl * k.kh + u) * k.kw + v] += y.g[(pl * size + top + u) * size + left + v];
              }
            }
          }
        });
    return y;
  }
}
