package dev.replens.engine.eval;

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
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.pipeline.FusionPipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How far two exactly equivalent forms of a block may drift apart in floating point: a forward
 * error bound per output element, computed on the probe input itself.
 *
 * <p>A block's output is a sum of terms, one per path from an input value (or a bias, a BN mean or
 * shift) through the ops to the output, each term a product of the weights along the path. However
 * the sums are ordered or blocked, each computed term carries at most {@code n} rounding factors
 * {@code (1 + δ_j)}, {@code |δ_j| ≤ u}, where {@code n} is the number of operations on the longest
 * path, so [Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed., SIAM 2002,
 * Lemma 3.1 and §3.1, eq. (3.4) for a dot product {@code |fl(xᵀy) − xᵀy| ≤ γ_n |x|ᵀ|y|}]
 *
 * <pre>
 *   |fl(y) − y| ≤ γ_n · M,   γ_n = n·u / (1 − n·u),   M = Σ_paths |Π w| · |x|
 * </pre>
 *
 * where {@code u} is the unit round-off ({@code 2^−24} for float32, {@code 2^−53} for float64) and
 * {@code M}, the <em>magnitude</em>, is the block evaluated with every weight, bias, BN mean and
 * shift replaced by its absolute value on {@code |x|} ({@link #magnitude}): for a conv, {@code
 * conv(|x|, |W|) + |b|}, summed over the branches. Comparing a candidate form {@code c} (a step of
 * the fusion pipeline, or the fused conv) with the training form {@code t}, both computed in
 * floating point from parameters that the transforms themselves rounded, the triangle inequality
 * gives, per output element,
 *
 * <pre>
 *   |fl(y_c) − fl(y_t)| ≤ (γ_{n_t} + γ_{n_k}) · M_t + γ_{n_c} · M_c
 * </pre>
 *
 * {@code γ_{n_t} M_t} for evaluating the training form, {@code γ_{n_c} M_c} for evaluating the
 * candidate, and {@code γ_{n_k} M_t} for the transforms' own rounding of the kernel (each computed
 * kernel entry is within {@code γ_{n_k}} of the same sum of absolute terms, which, convolved with
 * {@code |x|}, is {@code M_t}). The scalar bound {@code B} is the largest of these over the output.
 *
 * <p>The operation counts {@code n} are counted per op ({@link #opDepth}) as the larger of what
 * {@link BlockForward} does to evaluate it and what the transforms do to fold it. A nonlinearity
 * enters through its Lipschitz constant (ReLU 1, SiLU 1.1, sigmoid ¼), which makes the bound first
 * order in {@code u} for branches that hold one. The bound is for the arithmetic the formula
 * describes: a conv that used a fast algorithm such as Winograd's would need a larger one.
 *
 * <p>How tight it is: on random designs the observed {@code max |Δ|} of the fused form is 1/350 to
 * 1/14 of {@code B} in float32 and in float64 (measured by {@code RandomDesignRoundOffTest}), the
 * usual gap between a worst case and errors that partly cancel. A chain of spatial convs is looser
 * (about 1/1300 for OREPA's large kernel), since {@code |W₃| ∗ |W₂| ∗ |W₁|} can exceed {@code |W₃ ∗
 * W₂ ∗ W₁|} tenfold. A real fault is far outside it: a 1x1 kernel padded off-centre or a dropped
 * branch is 10⁴–10⁵ times the bound in float32, a BN folded with the wrong ε 10–20 times.
 *
 * <p>Use: {@link #measure(BlockState, Kernel, INDArray)} judges a fused kernel against the block it
 * came from on a probe; {@link Evaluator#check} judges every step of a pipeline; {@link
 * #magnitude}, {@link #propagate} and {@link #gamma} are the parts, for bounds over several layers.
 * All are pure and thread-safe.
 */
public final class RoundOff {

  /** The Lipschitz constant of SiLU, {@code max |d/dx x·σ(x)| ≈ 1.0998}, rounded up. */
  static final double SILU_LIPSCHITZ = 1.1;

  private RoundOff() {}

  /** The unit round-off {@code u}: {@code 2^−24} for float32, {@code 2^−53} for float64. */
  public static double unitRoundOff(DataType dtype) {
    return switch (dtype) {
      case DOUBLE -> 0x1p-53;
      case FLOAT -> 0x1p-24;
      case HALF -> 0x1p-11;
      case BFLOAT16 -> 0x1p-8;
      default -> throw new IllegalArgumentException("no unit round-off for " + dtype);
    };
  }

  /** Higham's {@code γ_n = n·u / (1 − n·u)}; infinite once {@code n·u ≥ 1}. */
  public static double gamma(long n, DataType dtype) {
    double nu = n * unitRoundOff(dtype);
    return nu >= 1 ? Double.POSITIVE_INFINITY : nu / (1 - nu);
  }

  /**
   * The most rounding operations one term passes through in an op, evaluated or folded.
   *
   * <ul>
   *   <li>conv: {@code (in/g)·kH·kW} products summed, plus the bias (composing it with a kernel
   *       before it sums as many);
   *   <li>BN: ε rounded to the type, {@code var + ε}, the square root, {@code γ/σ}, {@code x − μ},
   *       the product and {@code + β}: 7 (folding it needs no more);
   *   <li>scale, shift: 1; identity: 0 (exact); average pooling: {@code k²} additions and the
   *       division;
   *   <li>frequency filter: its coefficient 1x1 conv and per-channel {@code k×k} filter, or,
   *       folded, {@code c·B} and a constant carried through {@code (in/g)·k²} taps;
   *   <li>nonlinearity: ReLU is exact, sigmoid and SiLU a few operations around an exponential.
   * </ul>
   *
   * @param in the op's input channels
   */
  public static int opDepth(Op op, int in) {
    if (op instanceof Conv c) {
      return in / c.groups() * c.kernelH() * c.kernelW() + 1;
    }
    if (op instanceof BatchNorm) {
      return 7;
    }
    if (op instanceof ChannelScale || op instanceof ChannelBias) {
      return 1;
    }
    if (op instanceof Identity) {
      return 0;
    }
    if (op instanceof AvgPool p) {
      return p.kernel() * p.kernel() + 1;
    }
    if (op instanceof FrequencyFilter f) {
      int k2 = f.kernel() * f.kernel();
      int perGroup = in / f.groups();
      return Math.max(perGroup + k2 + 2, perGroup * k2 + 2);
    }
    if (op instanceof Nonlinearity n) {
      return activationDepth(n.kind());
    }
    throw new IllegalArgumentException("no operation count for " + op.describe());
  }

  /** Rounding operations of an element-wise activation. */
  public static int activationDepth(Activation a) {
    return switch (a) {
      case NONE, RELU -> 0;
      case SIGMOID -> 4;
      case SILU -> 5;
    };
  }

  /**
   * {@code n} of a form: the most operations on any path from the input to the output before the
   * activation, i.e. the longest branch, the {@code B − 1} additions of the branch sum and the ops
   * after it.
   */
  public static int depth(BlockSpec spec) {
    return depth(spec, false);
  }

  /**
   * {@code n_k} of the fusion of a training form: every op folded as {@link #opDepth} counts it,
   * except that the first conv of a chain is only copied or scaled (1), plus one addition for each
   * constant (a BN shift, a conv bias, a shift) collected after the sum, plus folding that
   * collected shift into the bias.
   */
  public static int kernelDepth(BlockSpec training) {
    int constants = 0;
    for (Branch b : training.branches()) {
      for (Op op : b.ops()) {
        if (op instanceof BatchNorm
            || op instanceof ChannelBias
            || op instanceof Conv c && c.bias()) {
          constants++;
        }
      }
    }
    return depth(training, true) + constants + 1;
  }

  private static int depth(BlockSpec spec, boolean folding) {
    int longest = 0;
    for (Branch b : spec.branches()) {
      int[] ch = b.channelsThrough(spec.inChannels());
      int n = 0;
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        n += folding && i == 0 && op instanceof Conv ? 1 : opDepth(op, ch[i]);
      }
      longest = Math.max(longest, n);
    }
    int n = longest + Math.max(0, spec.branches().size() - 1);
    for (Op op : spec.post()) {
      n += opDepth(op, spec.outChannels());
    }
    return n;
  }

  /**
   * The magnitude {@code M = Σ_paths |Π w| · |x|} of a form's output before the activation, in
   * float64, {@code [N, out, H', W']}: the form evaluated on {@code |x|} with {@code |W|}, {@code
   * |b|}, a BN of {@code |γ|}, {@code |β|} and mean {@code −|μ|} (so that it computes {@code
   * |γ/σ|·(M + |μ|) + |β|}), and every nonlinearity replaced by its Lipschitz constant.
   */
  public static INDArray magnitude(BlockSpec spec, Weights w, INDArray x) {
    BlockState abs = absolute(spec, w, true);
    INDArray ax = Transforms.abs(x.castTo(DataType.DOUBLE), true);
    return BlockForward.preActivation(abs.spec(), abs.weights(), ax);
  }

  /**
   * How far an error {@code e ≥ 0} on a form's input can move its output before the activation, in
   * float64: the linear part of {@link #magnitude} (every bias, BN mean and shift set to 0), so a
   * conv passes {@code conv(e, |W|)} and a BN {@code |γ/σ|·e}. This is how a bound carries an error
   * from one layer of a network to the next.
   */
  public static INDArray propagate(BlockSpec spec, Weights w, INDArray e) {
    BlockState abs = absolute(spec, w, false);
    return BlockForward.preActivation(abs.spec(), abs.weights(), e.castTo(DataType.DOUBLE));
  }

  /**
   * The magnitude after an element-wise activation: what bounds both the activated value and the
   * error the activation passes on. ReLU passes {@code M}, SiLU at most {@code 1.1·M}; a sigmoid is
   * at most 1 and passes a quarter of the error.
   */
  public static INDArray activationMagnitude(INDArray m, Activation a) {
    return switch (a) {
      case NONE, RELU -> m;
      case SILU -> m.mul(SILU_LIPSCHITZ);
      case SIGMOID -> m.mul(0.25).addi(1.0);
    };
  }

  /**
   * The largest per-element bound over the output, comparing a candidate form with the training
   * form on the probe.
   */
  public static double bound(BlockState training, BlockState candidate, INDArray probe) {
    return Reference.of(training, probe).bound(candidate, probe);
  }

  /**
   * Evaluates both forms on the probe, compares them and judges the difference against the bound.
   */
  public static Verdict measure(BlockState training, BlockState candidate, INDArray probe) {
    Reference ref = Reference.of(training, probe);
    INDArray y = BlockForward.preActivation(candidate.spec(), candidate.weights(), probe);
    return ref.verdict(Comparison.of(ref.output(), y).maxAbs(), candidate, probe);
  }

  /**
   * Judges a fused kernel against the block it was fused from: the kernel is run as the block's one
   * conv (its stride and padding, no ops after it) on the probe. This is the check a converter that
   * produced {@code fused} by any means can make per block.
   */
  public static Verdict measure(BlockState training, Kernel fused, INDArray probe) {
    return measure(training, fusedForm(training.spec(), fused), probe);
  }

  /** The block as one conv holding the kernel, with the block's geometry and activation. */
  static BlockState fusedForm(BlockSpec spec, Kernel k) {
    Conv conv = new Conv("conv", k.outChannels(), k.kernelH(), k.kernelW(), k.groups(), true);
    BlockSpec one =
        spec.withBranches(List.of(Branch.of(FusionPipeline.FUSED_BRANCH, conv)))
            .withPost(List.of());
    Map<String, INDArray> w = new LinkedHashMap<>();
    w.put(BlockSpec.key(FusionPipeline.FUSED_BRANCH, conv.id(), "weight"), k.weight());
    w.put(BlockSpec.key(FusionPipeline.FUSED_BRANCH, conv.id(), "bias"), k.bias());
    return new BlockState(one, Weights.of(w, k.dtype()));
  }

  /** {@link #magnitude}'s form: absolute parameters, nonlinearities as Lipschitz scales. */
  private static BlockState absolute(BlockSpec spec, Weights w, boolean constants) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray v = w.get(p.key()).castTo(DataType.DOUBLE);
      String name = p.spec().name();
      boolean isConstant =
          p.op() instanceof BatchNorm
              ? name.equals("bias") || name.equals("running_mean")
              : p.op() instanceof ChannelBias || p.op() instanceof Conv && name.equals("bias");
      INDArray a;
      if (p.op() instanceof BatchNorm && name.equals("running_var")) {
        a = v;
      } else if (isConstant && !constants) {
        a = Nd4j.zeros(DataType.DOUBLE, v.shape());
      } else {
        a = Transforms.abs(v, true);
      }
      if (p.op() instanceof BatchNorm && name.equals("running_mean")) {
        a = a.neg();
      }
      out.put(p.key(), a);
    }
    List<Branch> branches = new ArrayList<>();
    for (Branch b : spec.branches()) {
      int[] ch = b.channelsThrough(spec.inChannels());
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        if (op instanceof Nonlinearity n && n.kind() != Activation.NONE) {
          ops.addAll(lipschitz(b.id(), n, ch[i], out, constants));
        } else {
          ops.add(op);
        }
      }
      branches.add(b.withOps(ops));
    }
    return new BlockState(spec.withBranches(branches), Weights.of(out, DataType.DOUBLE));
  }

  /** The ops that compute {@link #activationMagnitude} in place of a nonlinearity. */
  private static List<Op> lipschitz(
      String branch,
      Nonlinearity n,
      int channels,
      Map<String, INDArray> params,
      boolean constants) {
    return switch (n.kind()) {
      case NONE, RELU -> List.of(n);
      case SILU -> {
        ChannelScale s = ChannelScale.of(n.id());
        params.put(
            BlockSpec.key(branch, s.id(), "weight"),
            Nd4j.valueArrayOf(new long[] {channels}, SILU_LIPSCHITZ, DataType.DOUBLE));
        yield List.of(s);
      }
      case SIGMOID -> {
        ChannelScale s = ChannelScale.of(n.id());
        ChannelBias t = new ChannelBias(n.id() + "+1");
        params.put(
            BlockSpec.key(branch, s.id(), "weight"),
            Nd4j.valueArrayOf(new long[] {channels}, 0.25, DataType.DOUBLE));
        params.put(
            BlockSpec.key(branch, t.id(), "bias"),
            Nd4j.valueArrayOf(new long[] {channels}, constants ? 1.0 : 0.0, DataType.DOUBLE));
        yield List.of(s, t);
      }
    };
  }

  /**
   * The training form measured once on a probe: its output, the magnitude {@code size} of it and
   * {@code γ_{n_t} + γ_{n_k}}, against which any number of candidate forms are then bounded.
   */
  record Reference(
      INDArray output, INDArray size, double gammaReference, DataType dtype, String precision) {

    static Reference of(BlockState training, INDArray probe) {
      DataType dt = training.weights().dtype();
      INDArray y = BlockForward.preActivation(training.spec(), training.weights(), probe);
      INDArray m = RoundOff.magnitude(training.spec(), training.weights(), probe);
      double g = gamma(depth(training.spec()), dt) + gamma(kernelDepth(training.spec()), dt);
      return new Reference(y, m, g, dt, dt == DataType.DOUBLE ? "float64" : "float32");
    }

    /** The largest per-element bound for a candidate form. */
    double bound(BlockState candidate, INDArray probe) {
      INDArray mc = RoundOff.magnitude(candidate.spec(), candidate.weights(), probe);
      if (!java.util.Arrays.equals(mc.shape(), size.shape())) {
        throw new IllegalArgumentException(
            "can't bound forms whose outputs have shapes "
                + java.util.Arrays.toString(size.shape())
                + " and "
                + java.util.Arrays.toString(mc.shape()));
      }
      double gc = gamma(depth(candidate.spec()), dtype);
      INDArray b = size.mul(gammaReference).addi(mc.mul(gc));
      double max = b.maxNumber().doubleValue();
      return Double.isNaN(max) ? Double.POSITIVE_INFINITY : max;
    }

    /** The verdict on a measured error of a candidate form. */
    Verdict verdict(double maxAbs, BlockState candidate, INDArray probe) {
      return new Verdict(maxAbs, bound(candidate, probe), precision, null);
    }
  }
}
