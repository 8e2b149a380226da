package dev.replens.engine.pipeline;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small rewrites of a {@link BlockState} that keep its weights in step with its ops. */
final class StateEdit {

  private StateEdit() {}

  /** The kernel (weight and bias, zero if the conv has none) of a conv op. */
  static Kernel kernelOf(Weights w, String branchId, Conv c) {
    INDArray weight = w.get(branchId, c.id(), "weight");
    INDArray bias =
        c.bias() ? w.get(branchId, c.id(), "bias") : Nd4j.zeros(weight.dataType(), c.outChannels());
    return new Kernel(weight, bias, c.groups());
  }

  /** A conv op that holds the kernel, with a bias if {@code withBias}. */
  static Conv convFor(String id, Kernel k, boolean withBias) {
    return new Conv(id, k.outChannels(), k.kernelH(), k.kernelW(), k.groups(), withBias);
  }

  /** The weights of a conv op holding the kernel. */
  static Weights putConv(Weights w, String branchId, Conv c, Kernel k) {
    Weights out = w.with(BlockSpec.key(branchId, c.id(), "weight"), k.weight());
    return c.bias() ? out.with(BlockSpec.key(branchId, c.id(), "bias"), k.bias()) : out;
  }

  /** Drops every weight of an op. */
  static Weights dropOp(Weights w, String branchId, String opId) {
    return w.withoutPrefix(branchId + "." + opId + ".");
  }

  /**
   * Replaces ops {@code [from, to)} of a branch with one conv holding the kernel; the weights of
   * the replaced ops are dropped.
   */
  static BlockState replaceWithConv(BlockState s, Branch b, int from, int to, Conv conv, Kernel k) {
    Weights w = s.weights();
    for (Op op : b.ops().subList(from, to)) {
      w = dropOp(w, b.id(), op.id());
    }
    w = putConv(w, b.id(), conv, k);
    List<Op> ops = new ArrayList<>(b.ops().subList(0, from));
    ops.add(conv);
    ops.addAll(b.ops().subList(to, b.ops().size()));
    return new BlockState(s.spec().withBranch(b.withOps(ops)), w);
  }

  /** Replaces one op and sets the given weights for it (after dropping its old ones). */
  static BlockState replaceOp(
      BlockState s, Branch b, int index, Op op, Map<String, INDArray> params) {
    Weights w = dropOp(s.weights(), b.id(), b.ops().get(index).id());
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      w = w.with(BlockSpec.key(b.id(), op.id(), e.getKey()), e.getValue());
    }
    return new BlockState(s.spec().withBranch(b.withOp(index, op)), w);
  }
}
