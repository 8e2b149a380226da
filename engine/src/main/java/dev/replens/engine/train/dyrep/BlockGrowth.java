package dev.replens.engine.train.dyrep;

import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.train.SeededNormal;
import dev.replens.engine.transform.BnStats;
import dev.replens.engine.transform.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DyRep's two structure changes on a block, both exact in eval mode [DyRep: Huang et al., "DyRep:
 * Bootstrapping Training with Dynamic Re-parameterization", CVPR 2022, Sec. 3.2–3.3; reference:
 * hunto/image_classification_sota {@code lib/models/utils/dbb/dbb_block.py}, {@code _reset_dbb},
 * {@code cut_branch}, {@code branch_weights}].
 *
 * <p><b>Grow (Rep).</b> A plain block (one KxK conv, then BN) becomes the seven-branch DBB block:
 * the KxK branch (the original conv, now with a bias, and its BN) plus 1x1, 1x1→KxK, 1x1→avg, 1xK,
 * Kx1 and identity, each ending in a BN. New convs are drawn {@code N(0, 2/fan_out)}, new BNs start
 * at γ = 1, β = 0, μ = 0, σ² = 1, except each new branch's last BN, which starts at a small γ. The
 * KxK branch is then re-solved so that the block's eval-mode function doesn't change: with {@code a
 * = γ_K/√(σ²_K + ε)} the KxK BN's scale and {@code (W_rest, b_rest)} the new branches' summed
 * equivalent kernel,
 *
 * <pre>
 *   W_K ← W − W_rest / a,    b_K ← b − b_rest / a
 * </pre>
 *
 * <p><b>Cut (Dep).</b> A branch is folded into the KxK branch: {@code W_K ← W_K + W_b / a}, {@code
 * b_K ← b_K + b_b / a}, and removed. A branch's weight is {@code mean|γ_last| / mean|γ_KxK|} (its
 * last BN's γ against the KxK branch's).
 *
 * <p>The kernels come from the engine's exact transforms ({@link Equivalents}: BN fusion, 1x1→KxK
 * merge, average-pool kernel, padding); the arithmetic runs in float64 and the result is cast back
 * to the block's dtype. The identity branch needs equal channels and stride 1; with a padding other
 * than K/2 only the 1x1→KxK and 1x1→avg branches are added, as the reference does.
 */
public final class BlockGrowth {

  /** The branch ids DyRep adds, in the reference's order. */
  public static final String B_1X1 = "dbb_1x1";

  public static final String B_1X1_KXK = "dbb_1x1_kxk";
  public static final String B_1X1_AVG = "dbb_1x1_avg";
  public static final String B_1XK = "dbb_1xk";
  public static final String B_KX1 = "dbb_kx1";
  public static final String B_ID = "dbb_id";

  private BlockGrowth() {}

  /**
   * Whether DyRep can grow {@code spec}: one branch of a square KxK conv (K > 1) followed by a BN,
   * nothing after the sum.
   */
  public static boolean canGrow(BlockSpec spec) {
    if (spec.branches().size() != 1 || !spec.post().isEmpty()) {
      return false;
    }
    List<Op> ops = spec.branches().get(0).ops();
    return ops.size() == 2
        && ops.get(0) instanceof Conv c
        && c.kernelH() == c.kernelW()
        && c.kernelH() == spec.kernel()
        && c.kernelH() > 1
        && ops.get(1) instanceof BatchNorm;
  }

  /** The grown structure of a plain block (see {@link #canGrow}). */
  public static BlockSpec grownSpec(BlockSpec plain) {
    if (!canGrow(plain)) {
      throw new IllegalArgumentException("only a block of one KxK conv and a BN can grow");
    }
    Branch kxk = plain.branches().get(0);
    Conv c = (Conv) kxk.ops().get(0);
    BatchNorm bn = (BatchNorm) kxk.ops().get(1);
    int k = plain.kernel();
    int in = plain.inChannels();
    int out = plain.outChannels();
    int g = plain.groups();
    boolean centred = plain.padding() == k / 2;
    List<Branch> branches = new ArrayList<>();
    branches.add(kxk.withOps(List.of(new Conv(c.id(), out, k, k, g, true), bn)));
    if (centred) {
      branches.add(Branch.of(B_1X1, new Conv("conv", out, 1, 1, g, false), BatchNorm.of("bn")));
    }
    branches.add(
        Branch.of(
            B_1X1_KXK,
            new Conv("conv1", in, 1, 1, g, false),
            BatchNorm.of("bn1"),
            new Conv("conv2", out, k, k, g, false),
            BatchNorm.of("bn2")));
    if (g < out) {
      branches.add(
          Branch.of(
              B_1X1_AVG,
              new Conv("conv", out, 1, 1, g, false),
              BatchNorm.of("bn"),
              new AvgPool("avg", k),
              BatchNorm.of("avgbn")));
    } else {
      branches.add(Branch.of(B_1X1_AVG, new AvgPool("avg", k), BatchNorm.of("avgbn")));
    }
    if (centred) {
      branches.add(Branch.of(B_1XK, new Conv("conv", out, 1, k, g, false), BatchNorm.of("bn")));
      branches.add(Branch.of(B_KX1, new Conv("conv", out, k, 1, g, false), BatchNorm.of("bn")));
      if (in == out && plain.stride() == 1) {
        branches.add(Branch.of(B_ID, new Identity("id"), BatchNorm.of("bn")));
      }
    }
    return plain.withBranches(branches);
  }

  /**
   * Grows a plain block into DyRep's multi-branch block with the same eval-mode function.
   *
   * @param smallGamma the γ every new branch's last BN starts with (the reference uses 0.01)
   * @param seed seeds the new branches' convs
   * @throws IllegalArgumentException if the block can't grow or its BN scale is 0 on a channel
   */
  public static BlockState grow(BlockState plain, double smallGamma, long seed) {
    BlockSpec spec = grownSpec(plain.spec());
    Branch kxk = spec.branches().get(0);
    Conv conv = (Conv) kxk.ops().get(0);
    DataType dt = plain.weights().dtype();
    Map<String, INDArray> w = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : plain.weights().asMap().entrySet()) {
      w.put(e.getKey(), e.getValue().castTo(DataType.DOUBLE));
    }
    String biasKey = BlockSpec.key(kxk.id(), conv.id(), "bias");
    w.putIfAbsent(biasKey, Nd4j.zeros(DataType.DOUBLE, spec.outChannels()));
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] ch;
    for (Branch b : spec.branches().subList(1, spec.branches().size())) {
      ch = b.channelsThrough(spec.inChannels());
      int lastBn = -1;
      for (int i = 0; i < b.ops().size(); i++) {
        if (b.ops().get(i) instanceof BatchNorm) {
          lastBn = i;
        }
      }
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        String p = b.id() + "." + op.id() + ".";
        if (op instanceof Conv c) {
          long[] shape = {c.outChannels(), ch[i] / c.groups(), c.kernelH(), c.kernelW()};
          double std = Math.sqrt(2.0 / (c.kernelH() * c.kernelW() * c.outChannels()));
          w.put(p + "weight", SeededNormal.array(rnd, shape, std));
        } else if (op instanceof BatchNorm) {
          int n = ch[i + 1];
          w.put(p + "weight", Nd4j.zeros(DataType.DOUBLE, n).addi(i == lastBn ? smallGamma : 1.0));
          w.put(p + "bias", Nd4j.zeros(DataType.DOUBLE, n));
          w.put(p + "running_mean", Nd4j.zeros(DataType.DOUBLE, n));
          w.put(p + "running_var", Nd4j.ones(DataType.DOUBLE, n));
        }
      }
    }
    BlockState grown = new BlockState(spec, Weights.of(w, DataType.DOUBLE));
    Equivalents eq = Equivalents.of(grown);
    List<Kernel> rest = new ArrayList<>();
    eq.branches()
        .forEach(
            (id, k) -> {
              if (!id.equals(kxk.id())) {
                rest.add(k);
              }
            });
    Kernel others = Transforms.addBranches(rest);
    return castBack(foldIntoKxK(grown, others, -1.0), dt);
  }

  /**
   * Folds {@code branches} into the KxK branch and removes them; the eval-mode function doesn't
   * change.
   *
   * @throws IllegalArgumentException if a branch is the KxK branch or not in the block
   */
  public static BlockState cut(BlockState grown, Set<String> branches) {
    BlockSpec spec = grown.spec();
    String kxkId = spec.branches().get(0).id();
    if (branches.contains(kxkId)) {
      throw new IllegalArgumentException("the KxK branch '" + kxkId + "' can't be cut");
    }
    for (String id : branches) {
      if (spec.branch(id).isEmpty()) {
        throw new IllegalArgumentException("the block has no branch '" + id + "'");
      }
    }
    DataType dt = grown.weights().dtype();
    BlockState d = new BlockState(spec, grown.weights().castTo(DataType.DOUBLE));
    Equivalents eq = Equivalents.of(d);
    List<Kernel> cutKernels = new ArrayList<>();
    for (String id : branches) {
      cutKernels.add(eq.branches().get(id));
    }
    BlockState folded = foldIntoKxK(d, Transforms.addBranches(cutKernels), 1.0);
    List<Branch> kept = new ArrayList<>();
    for (Branch b : spec.branches()) {
      if (!branches.contains(b.id())) {
        kept.add(b);
      }
    }
    Weights w = folded.weights();
    for (String id : branches) {
      w = w.withoutPrefix(id + ".");
    }
    return castBack(new BlockState(spec.withBranches(kept), w), dt);
  }

  /**
   * Each branch's weight {@code mean|γ_last| / mean|γ_KxK|} (1 for the KxK branch), in block order
   * [DyRep reference {@code branch_weights}].
   */
  public static Map<String, Double> branchWeights(BlockState grown) {
    BlockSpec spec = grown.spec();
    Map<String, Double> out = new LinkedHashMap<>();
    double kxk = meanAbsLastGamma(grown, spec.branches().get(0));
    for (Branch b : spec.branches()) {
      out.put(b.id(), b == spec.branches().get(0) ? 1.0 : meanAbsLastGamma(grown, b) / kxk);
    }
    return out;
  }

  /**
   * The largest change of the block's eval-mode output (activation included) between two states on
   * {@code probe} (NCHW), computed in float64 from each state's weights as stored.
   */
  public static double outputChange(BlockState before, BlockState after, INDArray probe) {
    INDArray x = probe.castTo(DataType.DOUBLE);
    INDArray a = BlockForward.forward(before.spec(), before.weights().castTo(DataType.DOUBLE), x);
    INDArray b = BlockForward.forward(after.spec(), after.weights().castTo(DataType.DOUBLE), x);
    return org.nd4j.linalg.ops.transforms.Transforms.abs(a.sub(b), false).maxNumber().doubleValue();
  }

  private static double meanAbsLastGamma(BlockState s, Branch b) {
    BatchNorm last = null;
    for (Op op : b.ops()) {
      if (op instanceof BatchNorm bn) {
        last = bn;
      }
    }
    if (last == null) {
      return 0;
    }
    INDArray gamma = s.weights().get(b.id(), last.id(), "weight");
    return org.nd4j.linalg.ops.transforms.Transforms.abs(gamma.castTo(DataType.DOUBLE), true)
        .meanNumber()
        .doubleValue();
  }

  /** {@code W_K += sign·k.weight/a}, {@code b_K += sign·k.bias/a}, with the KxK BN's scale a. */
  private static BlockState foldIntoKxK(BlockState s, Kernel k, double sign) {
    BlockSpec spec = s.spec();
    Branch kxk = spec.branches().get(0);
    Conv conv = (Conv) kxk.ops().get(0);
    BatchNorm bn = (BatchNorm) kxk.ops().get(1);
    Weights w = s.weights();
    INDArray a = BnStats.of(w, kxk.id(), bn).scale();
    for (int o = 0; o < a.length(); o++) {
      if (a.getDouble(o) == 0) {
        throw new IllegalArgumentException(
            "the BN of branch '"
                + kxk.id()
                + "' has γ = 0 on channel "
                + o
                + ", so nothing can be folded into it");
      }
    }
    INDArray wk = w.get(kxk.id(), conv.id(), "weight");
    INDArray bk = w.get(kxk.id(), conv.id(), "bias");
    Kernel scaled = Transforms.scaleChannels(k, a.rdiv(sign));
    INDArray newW = wk.add(scaled.weight());
    INDArray newB = bk.add(scaled.bias());
    return new BlockState(
        spec,
        w.with(BlockSpec.key(kxk.id(), conv.id(), "weight"), newW)
            .with(BlockSpec.key(kxk.id(), conv.id(), "bias"), newB));
  }

  private static BlockState castBack(BlockState s, DataType dt) {
    return new BlockState(s.spec(), s.weights().castTo(dt));
  }
}
