package dev.replens.engine.pipeline;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Weights;
import dev.replens.engine.transform.BnStats;
import dev.replens.engine.transform.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every branch of a block state as its own KxK kernel and bias, with the affine after the sum
 * ({@code post(u) = a ⊙ u + c}). The fused kernel is {@code a ⊙ Σ_b W_b} with bias {@code a ⊙ Σ_b
 * b_b + c}, so each branch contributes exactly {@code a ⊙ W_b} to every tap.
 *
 * @param branches each branch's equivalent kernel, in block order (ids as keys)
 * @param postScale {@code a}, {@code [out]}
 * @param postShift {@code c}, {@code [out]}
 */
public record Equivalents(Map<String, Kernel> branches, INDArray postScale, INDArray postShift) {

  public Equivalents {
    branches = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(branches));
  }

  /**
   * Computes the equivalents of a state; throws {@link FusionBlockedException} if a branch isn't
   * linear.
   */
  public static Equivalents of(BlockState s) {
    Map<String, Kernel> out = new LinkedHashMap<>();
    for (Branch b : s.spec().branches()) {
      out.put(b.id(), Squeezer.equivalentKernel(s, b.id()));
    }
    BlockSpec spec = s.spec();
    Weights w = s.weights();
    INDArray a = Nd4j.ones(w.dtype(), spec.outChannels());
    INDArray c = Nd4j.zeros(w.dtype(), spec.outChannels());
    for (Op op : spec.post()) {
      if (op instanceof BatchNorm bn) {
        BnStats st = BnStats.of(w, BlockSpec.POST, bn);
        a = a.mul(st.scale());
        c = c.mul(st.scale()).add(st.shift());
      } else if (op instanceof ChannelScale sc) {
        INDArray v = w.get(BlockSpec.POST, sc.id(), "weight");
        a = a.mul(v);
        c = c.mul(v);
      } else if (op instanceof ChannelBias t) {
        c = c.add(w.get(BlockSpec.POST, t.id(), "bias"));
      }
    }
    return new Equivalents(out, a, c);
  }

  /**
   * Branch {@code id}'s contribution to the fused kernel: {@code a ⊙ W_b}, bias {@code a ⊙ b_b}.
   */
  public Kernel contribution(String id) {
    Kernel k = branches.get(id);
    if (k == null) {
      throw new IllegalArgumentException("no branch '" + id + "'");
    }
    return Transforms.scaleChannels(k, postScale);
  }

  /** The fused kernel these equivalents add up to. */
  public Kernel fused() {
    List<Kernel> parts = new ArrayList<>();
    for (String id : branches.keySet()) {
      parts.add(contribution(id));
    }
    return Transforms.shiftChannels(Transforms.addBranches(parts), postShift);
  }

  /**
   * What a side-by-side kernel view shows: the fused kernel under {@code fusedLabel}, then, when
   * there are several branches, each branch's {@link #contribution} under its id, as snapshots.
   */
  public Map<String, KernelSnapshot> snapshots(String fusedLabel) {
    Map<String, KernelSnapshot> snaps = new LinkedHashMap<>();
    snaps.put(fusedLabel, fused().snapshot());
    if (branches.size() > 1) {
      for (String id : branches.keySet()) {
        snaps.put(id, contribution(id).snapshot());
      }
    }
    return snaps;
  }

  /**
   * How much each branch contributes to one tap of the fused kernel, in branch order; the values
   * add up to the fused tap. {@code i} indexes within the output channel's group.
   */
  public Map<String, Double> contributionsAt(int o, int i, int y, int x) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Kernel> e : branches.entrySet()) {
      double v = e.getValue().weight().getDouble(o, i, y, x) * postScale.getDouble(o);
      out.put(e.getKey(), v);
    }
    return out;
  }
}
