package dev.replens.engine.model;

import dev.replens.engine.memory.MemoryBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Checks a block design and names the branch and op of every problem. A design with no {@link
 * Severity#ERROR} problems can be evaluated and fused exactly.
 */
public final class Validator {

  private Validator() {}

  /**
   * All problems of the design, block-level first, then per branch in order. Sizes are checked for
   * float32, the smallest type a design is computed in.
   */
  public static List<Problem> validate(BlockSpec spec) {
    return validate(spec, DataType.FLOAT, MemoryBudget.ofThisMachine());
  }

  /**
   * All problems of the design computed in {@code dtype} (float32 or float64): every array it needs
   * must fit the memory budget.
   */
  public static List<Problem> validate(BlockSpec spec, DataType dtype, MemoryBudget budget) {
    List<Problem> out = new ArrayList<>();
    checkBlock(spec, out);
    boolean geometryOk = out.stream().noneMatch(Problem::isError);
    if (geometryOk) {
      out.addAll(sizeProblems(spec, dtype, budget));
    }
    Set<String> branchIds = new HashSet<>();
    for (Branch b : spec.branches()) {
      if (b.id().isBlank()) {
        out.add(error(b.id(), null, "a branch needs a name"));
      } else if (BlockSpec.POST.equals(b.id())) {
        out.add(error(b.id(), null, "'post' is reserved for the ops after the sum; rename it"));
      } else if (b.id().contains(".")) {
        out.add(
            error(b.id(), null, "a branch name can't contain '.', which separates weight keys"));
      } else if (!branchIds.add(b.id())) {
        out.add(error(b.id(), null, "two branches are named '" + b.id() + "'"));
      }
      if (geometryOk) {
        checkBranch(spec, b, out);
      }
    }
    checkPost(spec, out);
    return out;
  }

  /** Whether the design has no errors (warnings allowed). */
  public static boolean isValid(BlockSpec spec) {
    return validate(spec).stream().noneMatch(Problem::isError);
  }

  /** Throws {@link InvalidDesignException} listing every error, if there is one. */
  public static void requireValid(BlockSpec spec) {
    List<Problem> errors = validate(spec).stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new InvalidDesignException(errors);
    }
  }

  /**
   * The arrays of the design that exceed the memory budget, computed in long arithmetic before
   * anything is allocated: the fused kernel {@code [out, in/groups, K, K]} (every branch's
   * equivalent kernel has its size too), each parameter, and all parameters together.
   *
   * @param spec a design whose block geometry is valid (positive channels and groups)
   * @param dtype float32 or float64
   * @param budget the budget
   * @return one error per array that doesn't fit; empty if the design fits
   */
  public static List<Problem> sizeProblems(BlockSpec spec, DataType dtype, MemoryBudget budget) {
    String type = dtype == DataType.DOUBLE ? "float64" : "float32";
    int width = dtype == DataType.DOUBLE ? 8 : 4;
    List<Problem> out = new ArrayList<>();
    int groups = Math.max(1, spec.groups());
    budget
        .check(
            "this block's fused kernel",
            "blocks",
            type,
            width,
            spec.outChannels(),
            spec.inChannels() / groups,
            spec.kernel(),
            spec.kernel())
        .ifPresent(m -> out.add(error(null, null, m)));
    long total = 0;
    for (BlockSpec.KeyedParam p : paramsOrEmpty(spec)) {
      long[] shape = p.spec().shape();
      long n = MemoryBudget.bytesOf(1, shape);
      total = n < 0 || total + n < 0 ? Long.MAX_VALUE : total + n;
      budget
          .check("the weight '" + p.key() + "'", "weights", type, width, shape)
          .ifPresent(m -> out.add(error(p.branchId(), p.op().id(), m)));
    }
    if (out.isEmpty()) {
      budget
          .check("this block's weights, all together,", "blocks", type + " values", width, total)
          .ifPresent(m -> out.add(error(null, null, m)));
    }
    return out;
  }

  /** The design's parameters, or none if its chains are too broken to list them. */
  private static List<BlockSpec.KeyedParam> paramsOrEmpty(BlockSpec spec) {
    try {
      return spec.params();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static void checkBlock(BlockSpec s, List<Problem> out) {
    if (s.inChannels() < 1 || s.outChannels() < 1) {
      out.add(
          error(
              null,
              null,
              "channels must be positive (in "
                  + s.inChannels()
                  + ", out "
                  + s.outChannels()
                  + ")"));
    }
    if (s.kernel() < 1 || s.kernel() % 2 == 0) {
      out.add(
          error(
              null,
              null,
              "the block kernel K = "
                  + s.kernel()
                  + " must be odd: re-parameterization aligns every branch at the KxK window's"
                  + " centre tap, and an even kernel has none"));
    }
    if (s.stride() < 1) {
      out.add(error(null, null, "stride must be at least 1, not " + s.stride()));
    }
    if (s.padding() < 0) {
      out.add(error(null, null, "padding must be 0 or more, not " + s.padding()));
    }
    if (s.groups() < 1) {
      out.add(error(null, null, "groups must be at least 1, not " + s.groups()));
    } else if (s.inChannels() > 0
        && s.outChannels() > 0
        && (s.inChannels() % s.groups() != 0 || s.outChannels() % s.groups() != 0)) {
      out.add(
          error(
              null,
              null,
              "groups "
                  + s.groups()
                  + " must divide both the in channels ("
                  + s.inChannels()
                  + ") and the out channels ("
                  + s.outChannels()
                  + ")"));
    }
    if (s.branches().isEmpty()) {
      out.add(error(null, null, "the block has no branches; add at least one"));
    }
  }

  private static void checkBranch(BlockSpec s, Branch b, List<Problem> out) {
    String bid = b.id();
    if (b.ops().isEmpty()) {
      out.add(error(bid, null, "the branch is empty; add an op or delete the branch"));
      return;
    }
    Set<String> opIds = new HashSet<>();
    int channels = s.inChannels();
    int strideOp = b.strideOpIndex();
    boolean chainOk = true;
    for (int i = 0; i < b.ops().size(); i++) {
      Op op = b.ops().get(i);
      if (op.id().isBlank() || op.id().contains(".")) {
        out.add(error(bid, op.id(), "an op needs a name without '.'"));
      } else if (!opIds.add(op.id())) {
        out.add(error(bid, op.id(), "two ops in this branch are named '" + op.id() + "'"));
      }
      chainOk &= checkOp(s, b, i, op, channels, i == strideOp, out);
      channels = op.outChannels(channels);
    }
    if (strideOp < 0 && s.stride() != 1) {
      out.add(
          error(
              bid,
              null,
              "the branch has no spatial op to apply the block's stride "
                  + s.stride()
                  + ", so its output would be larger than the other branches'"));
    }
    if (channels != s.outChannels() && chainOk) {
      out.add(
          error(
              bid,
              b.ops().get(b.ops().size() - 1).id(),
              "the branch ends with "
                  + channels
                  + " channels but the block has "
                  + s.outChannels()
                  + " out channels"));
    }
    int rh = b.receptiveFieldH();
    int rw = b.receptiveFieldW();
    if (rh > s.kernel() || rw > s.kernel()) {
      out.add(
          error(
              bid,
              null,
              (b.ops().size() > 1 ? "the chain sees a " : "the kernel is ")
                  + rh
                  + "x"
                  + rw
                  + " window, larger than the block's "
                  + s.kernel()
                  + "x"
                  + s.kernel()
                  + ": it can't be padded into the fused kernel"));
    }
    if (b.declaredStride() != null && b.declaredStride() != s.stride()) {
      out.add(
          error(
              bid,
              null,
              "the branch declares stride "
                  + b.declaredStride()
                  + " but the block (and its other branches) use stride "
                  + s.stride()
                  + ": the outputs would have different sizes and can't be summed"));
    }
    Padding2D expected = s.branchPadding(b);
    if (b.declaredPadding() != null && !b.declaredPadding().equals(expected)) {
      out.add(
          error(
              bid,
              null,
              "the branch declares padding "
                  + b.declaredPadding()
                  + " but a "
                  + rh
                  + "x"
                  + rw
                  + " window in a K="
                  + s.kernel()
                  + ", padding "
                  + s.padding()
                  + " block needs padding p − K/2 + k/2 = "
                  + expected
                  + (expected.h() < 0 || expected.w() < 0 ? " (negative: crop the input)" : "")
                  + " so that its window stays centred on the KxK window"));
    }
    if (b.paddingMode() == PaddingMode.PER_OP) {
      checkPerOpBorder(b, out);
    }
  }

  /** Returns false if the op breaks the channel chain, so later channel checks would mislead. */
  private static boolean checkOp(
      BlockSpec s, Branch b, int index, Op op, int in, boolean appliesStride, List<Problem> out) {
    String bid = b.id();
    String oid = op.id();
    boolean ok = true;
    if (op instanceof Conv c) {
      ok &= checkChannelsAndGroups(s, bid, oid, in, c.outChannels(), c.groups(), out);
      ok &= checkKernel(s, bid, oid, c.kernelH(), c.kernelW(), out);
    } else if (op instanceof FrequencyFilter f) {
      ok &= checkChannelsAndGroups(s, bid, oid, in, f.outChannels(), f.groups(), out);
      ok &= checkKernel(s, bid, oid, f.kernel(), f.kernel(), out);
    } else if (op instanceof AvgPool p) {
      ok &= checkKernel(s, bid, oid, p.kernel(), p.kernel(), out);
    } else if (op instanceof Identity) {
      if (appliesStride && s.stride() != 1) {
        out.add(
            error(
                bid,
                oid,
                "an identity branch needs stride 1; with stride "
                    + s.stride()
                    + " the output is smaller than the input, so there is no identity to add"));
      }
      boolean laterOpMapsChannels =
          b.ops().subList(index + 1, b.ops().size()).stream()
              .anyMatch(o -> o instanceof Conv || o instanceof FrequencyFilter);
      if (!laterOpMapsChannels && in != s.outChannels()) {
        out.add(
            error(
                bid,
                oid,
                "an identity branch needs equal in and out channels; this block maps "
                    + in
                    + " to "
                    + s.outChannels()));
        ok = false;
      }
    } else if (op instanceof Nonlinearity n) {
      if (n.kind() != Activation.NONE) {
        out.add(
            error(
                bid,
                oid,
                n.kind().label()
                    + " inside a branch makes the branch nonlinear, so it can't be fused:"
                    + " conv(x, A) + conv(x, B) = conv(x, A + B) holds only for linear"
                    + " branches. Move it after the sum as the block's activation."));
      }
    } else if (op instanceof BatchNorm bn) {
      if (!(bn.eps() > 0) || Double.isInfinite(bn.eps())) {
        out.add(error(bid, oid, "BN eps must be positive, not " + bn.eps()));
      }
    }
    if (in % s.groups() != 0 && index > 0) {
      out.add(
          error(
              bid,
              oid,
              "the op gets "
                  + in
                  + " channels, which the block's "
                  + s.groups()
                  + " groups don't divide"));
      ok = false;
    }
    return ok;
  }

  private static boolean checkChannelsAndGroups(
      BlockSpec s, String bid, String oid, int in, int outCh, int g, List<Problem> out) {
    if (outCh < 1) {
      out.add(error(bid, oid, "out channels must be positive, not " + outCh));
      return false;
    }
    if (g < 1) {
      out.add(error(bid, oid, "groups must be at least 1, not " + g));
      return false;
    }
    if (in % g != 0 || outCh % g != 0) {
      out.add(
          error(
              bid,
              oid,
              "groups "
                  + g
                  + " must divide the op's in channels ("
                  + in
                  + ") and out channels ("
                  + outCh
                  + ")"));
      return false;
    }
    if (g % s.groups() != 0) {
      out.add(
          error(
              bid,
              oid,
              "the op has groups "
                  + g
                  + " but the block has groups "
                  + s.groups()
                  + ": the op would mix channels across the block's groups, and the merged"
                  + " kernel could not be written as one conv with "
                  + s.groups()
                  + " groups"));
      return false;
    }
    return true;
  }

  private static boolean checkKernel(
      BlockSpec s, String bid, String oid, int kh, int kw, List<Problem> out) {
    if (kh < 1 || kw < 1) {
      out.add(error(bid, oid, "kernel " + kh + "x" + kw + " must be at least 1x1"));
      return false;
    }
    if (kh % 2 == 0 || kw % 2 == 0) {
      out.add(
          error(
              bid,
              oid,
              "the kernel "
                  + kh
                  + "x"
                  + kw
                  + " is even: it has no centre tap to align with the KxK kernel's centre"));
      return false;
    }
    if (kh > s.kernel() || kw > s.kernel()) {
      out.add(
          error(
              bid,
              oid,
              "the kernel "
                  + kh
                  + "x"
                  + kw
                  + " is larger than the block's K = "
                  + s.kernel()
                  + "; raise K or shrink the kernel"));
      return false;
    }
    return true;
  }

  /**
   * Per-op zero padding is exact only if nothing between two spatial ops adds a constant, because
   * the fused conv sees that constant at the border where per-op padding puts zeros.
   */
  private static void checkPerOpBorder(Branch b, List<Problem> out) {
    boolean seenSpatial = false;
    String offsetOp = null;
    for (Op op : b.ops()) {
      boolean padsItsInput = op.spatial() && (op.kernelH() > 1 || op.kernelW() > 1);
      if (padsItsInput && seenSpatial && offsetOp != null) {
        out.add(
            new Problem(
                Severity.WARNING,
                b.id(),
                op.id(),
                "'"
                    + op.id()
                    + "' zero-pads a map that '"
                    + offsetOp
                    + "' shifted by a constant, so the border differs from the fused conv."
                    + " Pad at the input instead (DBB's BNAndPad) to make the fusion exact."));
        return;
      }
      if (op.spatial()) {
        seenSpatial = true;
      }
      if (op instanceof BatchNorm
          || op instanceof ChannelBias
          || (op instanceof Conv c && c.bias())) {
        offsetOp = seenSpatial ? op.id() : offsetOp;
      }
    }
  }

  private static Problem error(String branchId, String opId, String message) {
    return new Problem(Severity.ERROR, branchId, opId, message);
  }

  private static void checkPost(BlockSpec s, List<Problem> out) {
    Set<String> ids = new HashSet<>();
    for (Op op : s.post()) {
      if (!ids.add(op.id())) {
        out.add(error(BlockSpec.POST, op.id(), "two post ops are named '" + op.id() + "'"));
      }
      if (!(op instanceof BatchNorm || op instanceof ChannelScale || op instanceof ChannelBias)) {
        out.add(
            error(
                BlockSpec.POST,
                op.id(),
                op.describe()
                    + " can't follow the sum: only channel-wise BN, scale and shift can be"
                    + " folded into the fused conv (use the block activation for a"
                    + " nonlinearity)"));
      }
    }
  }
}
