package dev.replens.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
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
    double wd = config.weightDecay();
    switch (config.kind()) {
      case SGD -> {
        INDArray d = wd > 0 ? grad.addi(param.mul(wd)) : grad;
        INDArray buf = first.get(key);
        if (buf == null || config.momentum() == 0) {
          buf = d.dup();
          first.put(key, buf);
        } else {
          buf.muli(config.momentum()).addi(d);
        }
        param.subi(buf.mul(learningRate));
      }
      case ADAM, ADAMW -> {
        INDArray d = grad;
        if (config.kind() == OptimizerConfig.Kind.ADAMW) {
          if (wd > 0) {
            param.muli(1 - learningRate * wd);
          }
        } else if (wd > 0) {
          d = grad.addi(param.mul(wd));
        }
        int step = t + 1;
        double b1 = config.beta1();
        double b2 = config.beta2();
        INDArray m = first.computeIfAbsent(key, k -> param.ulike().assign(0));
        INDArray v = second.computeIfAbsent(key, k -> param.ulike().assign(0));
        m.muli(b1).addi(d.mul(1 - b1));
        v.muli(b2).addi(d.mul(d).muli(1 - b2));
        double c1 = 1 - Math.pow(b1, step);
        double c2 = 1 - Math.pow(b2, step);
        INDArray denom = Transforms.sqrt(v.div(c2), false).addi(config.eps());
        param.subi(m.div(c1).divi(denom).muli(learningRate));
      }
    }
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
