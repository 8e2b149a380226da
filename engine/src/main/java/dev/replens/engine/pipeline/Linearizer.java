package dev.replens.engine.pipeline;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Weights;
import dev.replens.engine.transform.BnStats;
import dev.replens.engine.transform.Transforms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Block linearization [OREPA, Sec. 3.1]: every constant inside the branches moves after the sum,
 * leaving each branch a purely linear map (convs without bias and channel-wise scales).
 *
 * <pre>
 *   BN(u) = s ⊙ u + t,   s = γ/σ,   t = β − μγ/σ
 *   Σ_b (s_b ⊙ L_b(x) + t_b)  =  Σ_b s_b ⊙ L_b(x)  +  Σ_b t_b
 * </pre>
 *
 * A shift inside a chain reaches the branch output through the ops after it: a conv turns a
 * constant map t into the constant {@code Σ W t} ({@link Transforms#propagateShift}). That is exact
 * when the chain pads at its input; with per-op zero padding the border sees 0 instead.
 */
final class Linearizer {

  /** The id of the shift that collects every branch constant after the sum. */
  static final String SHIFT_ID = "shift";

  private Linearizer() {}

  /** The next op with a constant to move out, as a step, or empty when the block is linear. */
  static Optional<Step> next(BlockState s) {
    for (Branch b : s.spec().branches()) {
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        if (op instanceof BatchNorm bn) {
          return Optional.of(linearizeBn(s, b, i, bn));
        }
        if (op instanceof Conv c && c.bias()) {
          return Optional.of(moveBias(s, b, i, c));
        }
        if (op instanceof ChannelBias t) {
          return Optional.of(moveShift(s, b, i, t));
        }
      }
    }
    return Optional.empty();
  }

  private static Step linearizeBn(BlockState s, Branch b, int i, BatchNorm bn) {
    BnStats st = BnStats.of(s.weights(), b.id(), bn);
    ChannelScale scale = ChannelScale.of(bn.id());
    BlockState replaced = StateEdit.replaceOp(s, b, i, scale, Map.of("weight", st.scale()));
    BlockState moved = addToPostShift(replaced, b.id(), i, st.shift());
    return new Step(
        StageKind.LINEARIZED,
        TransformKind.LINEARIZE_BN,
        "BN '" + bn.id() + "' of " + b.id() + " → scale γ/σ, shift after the sum",
        "With fixed statistics this BN is a channel-wise scale γ/σ, which stays in the branch,"
            + " plus a shift β − μγ/σ, which is carried through the rest of the chain and added"
            + " after the sum.",
        b.id(),
        bn.id(),
        moved);
  }

  private static Step moveBias(BlockState s, Branch b, int i, Conv c) {
    INDArray bias = s.weights().get(b.id(), c.id(), "bias");
    Conv noBias = new Conv(c.id(), c.outChannels(), c.kernelH(), c.kernelW(), c.groups(), false);
    BlockState replaced =
        StateEdit.replaceOp(
            s, b, i, noBias, Map.of("weight", s.weights().get(b.id(), c.id(), "weight")));
    return new Step(
        StageKind.LINEARIZED,
        TransformKind.LINEARIZE_BIAS,
        "Bias of '" + c.id() + "' in " + b.id() + " → after the sum",
        "A conv's bias is a constant; carried through the rest of the chain it joins the shift"
            + " after the sum.",
        b.id(),
        c.id(),
        addToPostShift(replaced, b.id(), i, bias));
  }

  private static Step moveShift(BlockState s, Branch b, int i, ChannelBias t) {
    INDArray shift = s.weights().get(b.id(), t.id(), "bias");
    List<Op> ops = new ArrayList<>(b.ops());
    ops.remove(i);
    Weights w = StateEdit.dropOp(s.weights(), b.id(), t.id());
    BlockState removed = new BlockState(s.spec().withBranch(b.withOps(ops)), w);
    return new Step(
        StageKind.LINEARIZED,
        TransformKind.LINEARIZE_SHIFT,
        "Shift '" + t.id() + "' of " + b.id() + " → after the sum",
        "A shift inside a branch moves after the sum, carried through the ops that follow it.",
        b.id(),
        t.id(),
        addToPostShift(removed, b.id(), i - 1, shift));
  }

  /**
   * Adds the constant produced at the output of op {@code index} (before the op for {@code index =
   * -1}) to the post-sum shift, carried through the ops after it.
   */
  private static BlockState addToPostShift(BlockState s, String branchId, int index, INDArray t) {
    Branch b = s.spec().branch(branchId).orElseThrow();
    Weights w = s.weights();
    INDArray carried = t.castTo(w.dtype()).reshape(t.length());
    for (int j = index + 1; j < b.ops().size(); j++) {
      carried = carry(w, b, b.ops().get(j), carried);
    }
    BlockSpec spec = s.spec();
    List<Op> post = new ArrayList<>(spec.post());
    // The constants join a shift right after the sum; one further down (after a post scale, say)
    // would apply them too late, whatever it is called.
    if (!post.isEmpty() && post.get(0) instanceof ChannelBias head) {
      String key = BlockSpec.key(BlockSpec.POST, head.id(), "bias");
      return new BlockState(spec, w.with(key, w.get(key).add(carried)));
    }
    String id = SHIFT_ID;
    for (int n = 2; isPostId(post, id); n++) {
      id = SHIFT_ID + n;
    }
    post.add(0, new ChannelBias(id));
    return new BlockState(
        spec.withPost(post), w.with(BlockSpec.key(BlockSpec.POST, id, "bias"), carried));
  }

  private static boolean isPostId(List<Op> post, String id) {
    return post.stream().anyMatch(op -> op.id().equals(id));
  }

  /** The constant at an op's output when its input is the constant {@code t}. */
  private static INDArray carry(Weights w, Branch b, Op op, INDArray t) {
    if (op instanceof Conv c) {
      Kernel k = Kernel.of(w.get(b.id(), c.id(), "weight"), c.groups());
      return Transforms.propagateShift(k, t);
    }
    if (op instanceof FrequencyFilter f) {
      Kernel k =
          Transforms.frequencyKernel(
              w.get(b.id(), f.id(), "weight"), w.get(b.id(), f.id(), "prior"), f.groups());
      return Transforms.propagateShift(k, t);
    }
    if (op instanceof BatchNorm bn) {
      return t.mul(BnStats.of(w, b.id(), bn).scale());
    }
    if (op instanceof ChannelScale sc) {
      return t.mul(w.get(b.id(), sc.id(), "weight"));
    }
    if (op instanceof Identity
        || op instanceof AvgPool
        || op instanceof ChannelBias
        || (op instanceof Nonlinearity n && n.kind() == Activation.NONE)) {
      return t;
    }
    throw new FusionBlockedException(
        b.id(),
        op.id(),
        op.describe()
            + " in branch '"
            + b.id()
            + "' is not linear, so a constant before it can't be moved after the sum");
  }
}
