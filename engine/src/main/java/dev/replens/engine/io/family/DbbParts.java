package dev.replens.engine.io.family;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import dev.replens.engine.transform.Transforms;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The branches DingXiaoH's DBB and DyRep's DBB share [Ding et al., "Diverse Branch Block: Building
 * a Convolution as an Inception-like Unit", CVPR 2021, Fig. 2].
 *
 * <p>Their {@code BNAndPad} layer (BN, then a frame of {@code p} pixels filled with the BN's output
 * for a zero input) is exactly the engine's default padding: the block input is zero-padded once
 * and every op of the chain runs unpadded, so the frame carries what the chain makes of zeros.
 */
final class DbbParts {

  /** Why BNAndPad needs no op of its own. */
  static final String BN_AND_PAD =
      "BNAndPad (the BN before the avg-pool and before the KxK conv, keys '.bn.bn.*' and"
          + " '.bn1.bn.*') frames its output with what the BN makes of 0. That is the engine's"
          + " padding: the block input is zero-padded once and the chain runs unpadded, so it is"
          + " imported as a plain BN.";

  private DbbParts() {}

  /**
   * The average branch: {@code conv 1x1 → BN (BNAndPad) → avg-pool KxK → BN} when {@code
   * <prefix>.conv.weight} is there, else (the depthwise form) {@code avg-pool KxK (padding p) → BN}
   * straight on the input.
   */
  static List<Op> avgBranch(BlockBuilder b, String prefix) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    List<Op> ops = new ArrayList<>();
    boolean withConv = sd.hasPrefix(prefix + ".conv.") || sd.hasPrefix(prefix + ".bn.");
    if (withConv) {
      ops.add(
          b.conv(
              prefix + ".conv.weight",
              prefix,
              "conv",
              g.outChannels(),
              g.inChannels(),
              1,
              1,
              g.groups()));
      ops.add(b.bn(prefix + ".bn.bn", prefix, "bn", g.outChannels()));
      b.note(BN_AND_PAD);
    } else {
      b.note(
          prefix + ": the depthwise form (groups >= out), avg-pool on the zero-padded input → BN.");
    }
    ops.add(new AvgPool("avg", g.kernel()));
    ops.add(b.bn(prefix + ".avgbn", prefix, "avgbn", g.outChannels()));
    return ops;
  }

  /** Whether the average branch is the depthwise form, which pools the input itself. */
  static boolean avgPoolsInput(StateDict sd, String prefix) {
    return !sd.hasPrefix(prefix + ".conv.") && !sd.hasPrefix(prefix + ".bn.");
  }

  /**
   * The 1x1 → KxK branch: {@code conv 1x1 (T) → BN (BNAndPad) → conv KxK → BN}. The first conv is
   * {@code <prefix>.<first>.weight}; with {@code identityBased} it is DBB's {@code
   * IdentityBasedConv1x1}, whose effective kernel is its weight plus the grouped identity.
   *
   * @param first the first conv's module name, {@code idconv1} or {@code conv1}
   * @param internal T, the first conv's output channels
   */
  static List<Op> oneByOneKxK(
      BlockBuilder b, String prefix, String first, int internal, boolean identityBased) {
    Geometry g = b.geometry();
    StateDict sd = b.sd();
    int groups = g.groups();
    int t = internal;
    if (t % groups != 0) {
      sd.problem(
          "'"
              + prefix
              + "."
              + first
              + ".weight' has "
              + t
              + " output channels, which the block's "
              + groups
              + " groups don't divide");
      t = g.inChannels();
    }
    List<Op> ops = new ArrayList<>();
    Conv c1 =
        b.conv(prefix + "." + first + ".weight", prefix, first, t, g.inChannels(), 1, 1, groups);
    if (identityBased) {
      INDArray w = b.weights().get(BlockSpec.key(prefix, first, "weight"));
      INDArray id = Transforms.identityKernel(g.inChannels(), groups, 1, sd.dtype()).weight();
      b.put(prefix, first, "weight", w.add(id));
      b.note(
          prefix
              + "."
              + first
              + " is an IdentityBasedConv1x1: the engine's conv holds weight + I (the grouped"
              + " identity, which the state dict doesn't store).");
      if (sd.has(prefix + "." + first + ".id_tensor")) {
        sd.ignore(prefix + "." + first + ".id_tensor");
        b.note(prefix + "." + first + ".id_tensor is ignored; the identity is implied.");
      }
    }
    ops.add(c1);
    ops.add(b.bn(prefix + ".bn1.bn", prefix, "bn1", t));
    b.note(BN_AND_PAD);
    ops.add(
        b.conv(
            prefix + ".conv2.weight",
            prefix,
            "conv2",
            g.outChannels(),
            t,
            g.kernel(),
            g.kernel(),
            groups));
    BatchNorm bn2 = b.bn(prefix + ".bn2", prefix, "bn2", g.outChannels());
    ops.add(bn2);
    return ops;
  }
}
