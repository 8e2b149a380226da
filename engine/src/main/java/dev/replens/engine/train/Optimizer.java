package dev.replens.engine.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Updates parameters in place from their gradients, with PyTorch's semantics so that runs can be
 * compared with a PyTorch oracle.
 *
 * <p>Order of calls per step: {@link #update} once per parameter (any order), then {@link
 * #endStep}. The gradient may already carry a per-element multiplier (RepOptimizer); weight decay
 * is added after it, as the reference RepOptimizer does.
 *
 * <p>SGD with momentum m and weight decay λ:
 *
 * <pre>
 *   d = g + λ·w,   buf = m·buf + d   (buf = d at the first step),   w ← w − lr·buf
 * </pre>
 *
 * Adam (λ added to the gradient) and AdamW (decoupled: w ← w·(1 − lr·λ) first), step t ≥ 1:
 *
 * <pre>
 *   m = β1·m + (1 − β1)·d,   v = β2·v + (1 − β2)·d²,
 *   w ← w − lr · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε)
 * </pre>
 *
 * Not thread-safe: owned by the trainer thread.
 */
public final class Optimizer {

  private final OptimizerConfig config;
  private double learningRate;
  private final Map<String, INDArray> first = new LinkedHashMap<>();
  private final Map<String, INDArray> second = new LinkedHashMap<>();
  private int t;

  /** A fresh optimizer (no momentum or moments yet). */
  public Optimizer(OptimizerConfig config) {
    this.config = config;
    this.learningRate = config.learningRate();
  }

  /** The configuration. */
  public OptimizerConfig config() {
    return config;
  }

  /** The current learning rate. */
  public double learningRate() {
    return learningRate;
  }

  /** Changes the learning rate from the next update on. */
  public void setLearningRate(double lr) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("the learning rate must be positive, not " + lr);
    }
    this.learningRate = lr;
  }

  /** Steps completed. */
  public int steps() {
    return t;
  }

  /**
   * Updates {@code param} in place. {@code grad} may be overwritten.
   *
   * @param key the parameter's network-wide key (its state is kept under it)
   */
  public void update(String key, INDArray param, INDArray grad) {
    update(key, param, grad, null);
  }

  /**
   * Updates {@code param} in place, with Adam's step {@code m̂/(√v̂ + ε)} multiplied element-wise
   * by {@code stepScale} (same shape; null for none). This is RepOptimizer's AdamW, which scales
   * the gradient fed to the moments and then the step once more by the same multiplier
   * [DingXiaoH/RepOptimizers, {@code repoptimizer_adamw.py}: {@code p.grad *= mult} in {@code
   * step}, {@code param.addcdiv_(exp_avg * update_mult, denom, value=-step_size)}]. SGD ignores it
   * (its multiplier goes on the gradient only).
   */
  public void update(String key, INDArray param, INDArray grad, INDArray stepScale) {
    double wd = config.weightDecay();
    switch (config.kind()) {
      case SGD -> {
        INDArray buf = first.get(key);
        boolean fresh = buf == null;
        if (fresh) {
          buf = param.ulike();
        }
        if (sgdOnHost(param, grad, buf, fresh)) {
          if (fresh) {
            first.put(key, buf);
          }
          return;
        }
        // In place (axpy), so that a step allocates nothing.
        if (wd > 0) {
          Nd4j.getBlasWrapper().level1().axpy(grad.length(), wd, param, grad);
        }
        if (fresh) {
          buf.assign(grad);
          first.put(key, buf);
        } else if (config.momentum() == 0) {
          buf.assign(grad);
        } else {
          buf.muli(config.momentum()).addi(grad);
        }
        Nd4j.getBlasWrapper().level1().axpy(param.length(), -learningRate, buf, param);
      }
      case ADAM, ADAMW -> {
        INDArray[] moments = adamMoments(key, param, decayForAdam(param, grad));
        INDArray denom = moments[1].addi(config.eps());
        INDArray stepValue = moments[0].divi(denom);
        if (stepScale != null) {
          stepValue.muli(stepScale);
        }
        param.subi(stepValue.muli(learningRate));
      }
    }
  }

  private final float[][] hostF = new float[3][0];
  private final double[][] hostD = new double[3][0];

  /**
   * SGD's step on one parameter in one pass over heap copies, when the three arrays are {@link
   * Buffers#direct} and of one type: the same arithmetic, in the same type and order, as the native
   * ops below it ({@code d = g + λ·w}, {@code buf = m·buf + d}, {@code w += −lr·buf}), which cost a
   * native call each, four per parameter per step. {@code grad} is left as it was.
   *
   * @param fresh whether {@code buf} is new (the first step): it is then set to {@code d}
   * @return false, having changed nothing, if the arrays don't qualify
   */
  private boolean sgdOnHost(INDArray param, INDArray grad, INDArray buf, boolean fresh) {
    DataType type = param.dataType();
    if (grad.dataType() != type
        || buf.dataType() != type
        || grad.length() != param.length()
        || !Buffers.direct(param)
        || !Buffers.direct(grad)
        || !Buffers.direct(buf)) {
      return false;
    }
    int n = Math.toIntExact(param.length());
    double wd = config.weightDecay();
    double m = fresh ? 0 : config.momentum();
    boolean carry = !fresh && m != 0;
    if (type == DataType.FLOAT) {
      float[] w = host(hostF, 0, n);
      float[] g = host(hostF, 1, n);
      float[] b = host(hostF, 2, n);
      FloatBuffer pw = param.data().asNioFloat();
      FloatBuffer pb = buf.data().asNioFloat();
      pw.get(0, w, 0, n);
      grad.data().asNioFloat().get(0, g, 0, n);
      if (carry) {
        pb.get(0, b, 0, n);
      }
      float wdF = (float) wd;
      float mF = (float) m;
      float step = (float) -learningRate;
      for (int i = 0; i < n; i++) {
        float d = wd > 0 ? g[i] + wdF * w[i] : g[i];
        float v = carry ? mF * b[i] + d : d;
        b[i] = v;
        w[i] = w[i] + step * v;
      }
      pw.put(0, w, 0, n);
      pb.put(0, b, 0, n);
    } else {
      double[] w = host(hostD, 0, n);
      double[] g = host(hostD, 1, n);
      double[] b = host(hostD, 2, n);
      DoubleBuffer pw = param.data().asNioDouble();
      DoubleBuffer pb = buf.data().asNioDouble();
      pw.get(0, w, 0, n);
      grad.data().asNioDouble().get(0, g, 0, n);
      if (carry) {
        pb.get(0, b, 0, n);
      }
      double step = -learningRate;
      for (int i = 0; i < n; i++) {
        double d = wd > 0 ? g[i] + wd * w[i] : g[i];
        double v = carry ? m * b[i] + d : d;
        b[i] = v;
        w[i] = w[i] + step * v;
      }
      pw.put(0, w, 0, n);
      pb.put(0, b, 0, n);
    }
    return true;
  }

  private static float[] host(float[][] pool, int i, int n) {
    if (pool[i].length < n) {
      pool[i] = new float[n];
    }
    return pool[i];
  }

  private static double[] host(double[][] pool, int i, int n) {
    if (pool[i].length < n) {
      pool[i] = new double[n];
    }
    return pool[i];
  }

  /**
   * Adam/AdamW on a kernel that stands for several constant-scaled branches, exactly as Adam on
   * each branch would move their sum [RepOptimizer, Sec. 3; see {@link RepOptForm}]. Branch {@code
   * b} covers the taps where {@code S_b > 0} with the scale {@code S_b} (e.g. {@code |s_c|}
   * everywhere, {@code |s_1|} at the centre, 1 at the centre where o = i). Each branch weight sees
   * the gradient {@code S_b·g}, so its Adam moments are {@code S_b·m} and {@code S_b²·v} of the raw
   * gradient's {@code m}, {@code v}, and the kernel moves by
   *
   * <pre>
   *   w ← w − lr · Σ_b S_b² ⊙ m̂ / (S_b ⊙ √v̂ + ε)
   * </pre>
   *
   * (after AdamW's decoupled decay {@code w ← w·(1 − lr·λ)}). With one branch per tap this is the
   * reference RepOptimizer AdamW ({@link #update(String, INDArray, INDArray, INDArray)} with {@code
   * M = S}); where branches overlap (the centre taps) the reference uses one {@code ε} for their
   * sum, {@code M²m̂/(M√v̂ + ε)} with {@code M = Σ_b S_b}, which equals this only for {@code ε =
   * 0}.
   *
   * @param rawGrad the gradient of the kernel, without any multiplier; may be overwritten
   * @param branchScales one {@code S_b} per branch, each of the kernel's shape, non-negative
   */
  public void updateBranchScaled(
      String key, INDArray param, INDArray rawGrad, java.util.List<INDArray> branchScales) {
    if (config.kind() == OptimizerConfig.Kind.SGD) {
      throw new IllegalStateException("branch-scaled steps are for Adam and AdamW");
    }
    INDArray[] moments = adamMoments(key, param, decayForAdam(param, rawGrad));
    INDArray mHat = moments[0];
    INDArray rootV = moments[1];
    INDArray total = param.ulike().assign(0);
    for (INDArray s : branchScales) {
      INDArray num = s.mul(s).muli(mHat);
      INDArray den = s.mul(rootV).addi(config.eps());
      total.addi(num.divi(den));
    }
    param.subi(total.muli(learningRate));
  }

  /**
   * Weight decay for Adam and AdamW: AdamW decays {@code param} itself, {@code w ← w·(1 − lr·λ)}
   * [Loshchilov &amp; Hutter, ICLR 2019]; Adam adds {@code λ·w} to the gradient, which it returns
   * (possibly {@code grad} itself, overwritten).
   */
  private INDArray decayForAdam(INDArray param, INDArray grad) {
    double wd = config.weightDecay();
    if (wd <= 0) {
      return grad;
    }
    if (config.kind() == OptimizerConfig.Kind.ADAMW) {
      param.muli(1 - learningRate * wd);
      return grad;
    }
    return grad.addi(param.mul(wd));
  }

  /**
   * Updates Adam's moments of {@code key} with the gradient {@code d} and returns the
   * bias-corrected {@code {m̂, √v̂}} as new arrays [Kingma &amp; Ba, ICLR 2015, Alg. 1].
   */
  private INDArray[] adamMoments(String key, INDArray param, INDArray d) {
    int step = t + 1;
    double b1 = config.beta1();
    double b2 = config.beta2();
    INDArray m = first.computeIfAbsent(key, k -> param.ulike().assign(0));
    INDArray v = second.computeIfAbsent(key, k -> param.ulike().assign(0));
    m.muli(b1).addi(d.mul(1 - b1));
    v.muli(b2).addi(d.mul(d).muli(1 - b2));
    INDArray mHat = m.div(1 - Math.pow(b1, step));
    INDArray rootV = Transforms.sqrt(v.div(1 - Math.pow(b2, step)), false);
    return new INDArray[] {mHat, rootV};
  }

  /** Ends the step: advances Adam's bias-correction counter. */
  public void endStep() {
    t++;
  }

  /** A copy of the state, for rolling back a step. */
  public Snapshot snapshot() {
    Map<String, INDArray> f = new LinkedHashMap<>();
    first.forEach((k, v) -> f.put(k, v.dup()));
    Map<String, INDArray> s = new LinkedHashMap<>();
    second.forEach((k, v) -> s.put(k, v.dup()));
    return new Snapshot(f, s, t, learningRate);
  }

  private final Map<String, INDArray> savedFirst = new LinkedHashMap<>();
  private final Map<String, INDArray> savedSecond = new LinkedHashMap<>();
  private int savedT;
  private double savedLearningRate;

  /**
   * Keeps a copy of the state in arrays reused from one call to the next, for {@link #rollback}:
   * the allocation-free form of {@link #snapshot}.
   */
  public void checkpoint() {
    copyInto(first, savedFirst);
    copyInto(second, savedSecond);
    savedT = t;
    savedLearningRate = learningRate;
  }

  /** Puts the state of the last {@link #checkpoint} back. */
  public void rollback() {
    first.keySet().retainAll(savedFirst.keySet());
    second.keySet().retainAll(savedSecond.keySet());
    copyInto(savedFirst, first);
    copyInto(savedSecond, second);
    t = savedT;
    learningRate = savedLearningRate;
  }

  private static void copyInto(Map<String, INDArray> from, Map<String, INDArray> to) {
    to.keySet().retainAll(from.keySet());
    from.forEach(
        (k, v) -> {
          INDArray d = to.get(k);
          if (d == null || !java.util.Arrays.equals(d.shape(), v.shape())) {
            to.put(k, v.dup());
          } else {
            Buffers.copy(v, d);
          }
        });
  }

  /** Puts a snapshot's state back. */
  public void restore(Snapshot s) {
    first.clear();
    s.first().forEach((k, v) -> first.put(k, v.dup()));
    second.clear();
    s.second().forEach((k, v) -> second.put(k, v.dup()));
    t = s.steps();
    learningRate = s.learningRate();
  }

  /** Forgets the state of parameters that no longer exist (after a structure change). */
  public void retainOnly(java.util.Set<String> keys) {
    first.keySet().retainAll(keys);
    second.keySet().retainAll(keys);
  }

  /**
   * The optimizer's state.
   *
   * @param first momentum buffers (SGD) or first moments (Adam)
   * @param second second moments (Adam)
   * @param steps steps completed
   * @param learningRate the learning rate
   */
  public record Snapshot(
      Map<String, INDArray> first, Map<String, INDArray> second, int steps, double learningRate) {}
}
