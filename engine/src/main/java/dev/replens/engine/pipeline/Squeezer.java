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
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collapses one branch's chain into a single KxK conv, one transform at a time. Each call to {@link
 * #next} applies the first rule that matches, in this order:
 *
 * <ol>
 *   <li>identity, avg-pool and frequency filter become conv kernels;
 *   <li>a channel-wise op at the head of the chain becomes a 1x1 kernel;
 *   <li>a BN, scale or shift folds into the conv before it;
 *   <li>two adjacent convs merge (1x1 → KxK, or a general composition);
 *   <li>the single conv is padded to KxK;
 *   <li>the single conv is written with the block's groups.
 * </ol>
 */
final class Squeezer {

  private Squeezer() {}

  /** The next step collapsing the branch, or empty when it is one KxK conv with block groups. */
  static Optional<Step> next(BlockState s, String branchId, StageKind stage) {
    BlockSpec spec = s.spec();
    Branch b = spec.branch(branchId).orElseThrow();
    Weights w = s.weights();
    int[] ch = b.channelsThrough(spec.inChannels());
    for (Op op : b.ops()) {
      if (!op.linear()) {
        throw new FusionBlockedException(
            branchId,
            op.id(),
            op.describe()
                + " in branch '"
                + branchId
                + "' is not linear, so the chain can't collapse");
      }
    }
    for (int i = 0; i < b.ops().size(); i++) {
      Optional<Step> st = specialToKernel(s, b, i, ch[i], stage);
      if (st.isPresent()) {
        return st;
      }
    }
    Op head = b.ops().get(0);
    if (isChannelWise(head)) {
      Kernel id = Transforms.identityKernel(ch[0], spec.groups(), 1, w.dtype());
      Kernel k = foldChannelWise(w, branchId, id, head);
      Conv c = StateEdit.convFor(head.id(), k, true);
      return Optional.of(
          step(
              stage,
              TransformKind.CHANNELWISE_TO_KERNEL,
              head.describe() + " '" + head.id() + "' → 1x1 kernel in " + branchId,
              "A channel-wise op at the head of a chain is a 1x1 conv whose kernel is diagonal.",
              branchId,
              head.id(),
              StateEdit.replaceWithConv(s, b, 0, 1, c, k)));
    }
    for (int i = 1; i < b.ops().size(); i++) {
      Op op = b.ops().get(i);
      if (isChannelWise(op) && b.ops().get(i - 1) instanceof Conv prev) {
        Kernel k = foldChannelWise(w, branchId, StateEdit.kernelOf(w, branchId, prev), op);
        boolean bias = prev.bias() || !(op instanceof ChannelScale);
        Conv c = StateEdit.convFor(prev.id(), k, bias);
        TransformKind kind =
            op instanceof BatchNorm
                ? TransformKind.FUSE_BN
                : op instanceof ChannelScale ? TransformKind.SCALE : TransformKind.SHIFT;
        return Optional.of(
            step(
                stage,
                kind,
                kind.title() + ": '" + op.id() + "' into '" + prev.id() + "' of " + branchId,
                foldSentence(op),
                branchId,
                prev.id(),
                StateEdit.replaceWithConv(s, b, i - 1, i + 1, c, k)));
      }
    }
    for (int i = 1; i < b.ops().size(); i++) {
      if (b.ops().get(i - 1) instanceof Conv first && b.ops().get(i) instanceof Conv second) {
        Kernel k1 = StateEdit.kernelOf(w, branchId, first);
        Kernel k2 = StateEdit.kernelOf(w, branchId, second);
        boolean sequential = k1.kernelH() == 1 && k1.kernelW() == 1 && k1.groups() == k2.groups();
        Kernel k =
            sequential ? Transforms.mergeSequential(k1, k2) : Transforms.composeKernels(k1, k2);
        Conv c = StateEdit.convFor(first.id(), k, first.bias() || second.bias());
        TransformKind kind = sequential ? TransformKind.MERGE_SEQUENTIAL : TransformKind.COMPOSE;
        String sentence =
            sequential
                ? "A 1x1 conv followed by a KxK conv is one KxK conv whose kernel mixes the 1x1"
                    + " weights into every tap; the first bias becomes a constant through the second"
                    + " conv."
                : "Two convs in a row are one conv whose kernel is the convolution of the two"
                    + " kernels, "
                    + k.kernelH()
                    + "x"
                    + k.kernelW()
                    + " here.";
        return Optional.of(
            step(
                stage,
                kind,
                kind.title() + ": '" + first.id() + "' and '" + second.id() + "' of " + branchId,
                sentence,
                branchId,
                first.id(),
                StateEdit.replaceWithConv(s, b, i - 1, i + 1, c, k)));
      }
    }
    if (b.ops().size() == 1 && b.ops().get(0) instanceof Conv only) {
      Kernel k = StateEdit.kernelOf(w, branchId, only);
      if (k.kernelH() != spec.kernel() || k.kernelW() != spec.kernel()) {
        Kernel padded = Transforms.padToSize(k, spec.kernel());
        Conv c = StateEdit.convFor(only.id(), padded, only.bias());
        return Optional.of(
            step(
                stage,
                TransformKind.PAD,
                "Pad "
                    + k.kernelH()
                    + "x"
                    + k.kernelW()
                    + " → "
                    + spec.kernel()
                    + "x"
                    + spec.kernel()
                    + " in "
                    + branchId,
                "A smaller kernel is the KxK kernel with zeros around it, because its input was"
                    + " padded p − K/2 + k/2 so that both windows share their centre.",
                branchId,
                only.id(),
                StateEdit.replaceWithConv(s, b, 0, 1, c, padded)));
      }
      if (k.groups() != spec.groups()) {
        Kernel regrouped = Transforms.regroup(k, spec.groups());
        Conv c = StateEdit.convFor(only.id(), regrouped, only.bias());
        return Optional.of(
            step(
                stage,
                TransformKind.REGROUP,
                "Regroup " + branchId + " from " + k.groups() + " to " + spec.groups() + " groups",
                "A conv with finer groups is a conv with the block's groups whose off-group"
                    + " weights are zero.",
                branchId,
                only.id(),
                StateEdit.replaceWithConv(s, b, 0, 1, c, regrouped)));
      }
    }
    return Optional.empty();
  }

  /** The branch as one KxK kernel with the block's groups; the state is not changed. */
  static Kernel equivalentKernel(BlockState s, String branchId) {
    BlockState cur = s;
    for (Optional<Step> st = next(cur, branchId, StageKind.SQUEEZED);
        st.isPresent();
        st = next(cur, branchId, StageKind.SQUEEZED)) {
      cur = st.get().state();
    }
    Branch b = cur.spec().branch(branchId).orElseThrow();
    return StateEdit.kernelOf(cur.weights(), branchId, (Conv) b.ops().get(0));
  }

  static boolean isChannelWise(Op op) {
    return op instanceof BatchNorm || op instanceof ChannelScale || op instanceof ChannelBias;
  }

  /** Folds a channel-wise op that follows a conv into that conv's kernel. */
  static Kernel foldChannelWise(Weights w, String branchId, Kernel k, Op op) {
    if (op instanceof BatchNorm bn) {
      return Transforms.fuseBatchNorm(k, BnStats.of(w, branchId, bn));
    }
    if (op instanceof ChannelScale sc) {
      return Transforms.scaleChannels(k, w.get(branchId, sc.id(), "weight"));
    }
    if (op instanceof ChannelBias sh) {
      return Transforms.shiftChannels(k, w.get(branchId, sh.id(), "bias"));
    }
    throw new IllegalArgumentException(op.describe() + " is not channel-wise");
  }

  private static String foldSentence(Op op) {
    if (op instanceof BatchNorm) {
      return "With fixed statistics BN is a per-channel scale γ/σ and shift, so it folds into the"
          + " conv's weights and bias.";
    }
    if (op instanceof ChannelScale) {
      return "Scaling a conv's output channel is scaling that channel's kernel.";
    }
    return "Adding a constant after a conv is adding it to the conv's bias.";
  }

  private static Optional<Step> specialToKernel(
      BlockState s, Branch b, int i, int channels, StageKind stage) {
    BlockSpec spec = s.spec();
    Weights w = s.weights();
    Op op = b.ops().get(i);
    Kernel k;
    TransformKind kind;
    String sentence;
    if (op instanceof Identity) {
      k = Transforms.identityKernel(channels, spec.groups(), 1, w.dtype());
      kind = TransformKind.IDENTITY_TO_KERNEL;
      sentence =
          "The identity is a 1x1 conv whose kernel has a 1 where each output channel meets its"
              + " own input channel and 0 elsewhere.";
    } else if (op instanceof Nonlinearity n && n.kind() == Activation.NONE) {
      k = Transforms.identityKernel(channels, spec.groups(), 1, w.dtype());
      kind = TransformKind.IDENTITY_TO_KERNEL;
      sentence =
          "An activation of 'none' passes its input through unchanged: it is the identity, a 1x1"
              + " conv with a 1 where each output channel meets its own input channel.";
    } else if (op instanceof AvgPool p) {
      k = Transforms.averagePoolKernel(channels, spec.groups(), p.kernel(), w.dtype());
      kind = TransformKind.AVG_TO_KERNEL;
      sentence =
          "Average pooling is a conv that gives each channel's own input the weight 1/k² at every"
              + " tap of its window.";
    } else if (op instanceof FrequencyFilter f) {
      INDArray coeff = w.get(b.id(), f.id(), "weight");
      INDArray prior = w.get(b.id(), f.id(), "prior");
      k = Transforms.frequencyKernel(coeff, prior, f.groups());
      kind = TransformKind.FREQUENCY_TO_KERNEL;
      sentence =
          "The frequency filter's kernel is its learned coefficients times each output channel's"
              + " fixed DCT basis.";
    } else {
      return Optional.empty();
    }
    Conv c = StateEdit.convFor(op.id(), k, false);
    return Optional.of(
        step(
            stage,
            kind,
            kind.title() + ": '" + op.id() + "' of " + b.id(),
            sentence,
            b.id(),
            op.id(),
            StateEdit.replaceWithConv(s, b, i, i + 1, c, k)));
  }

  private static Step step(
      StageKind stage,
      TransformKind kind,
      String title,
      String sentence,
      String branchId,
      String opId,
      BlockState state) {
    return new Step(stage, kind, title, sentence, branchId, opId, state);
  }
}
