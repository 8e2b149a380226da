package dev.replens.engine.eval;

import dev.replens.engine.memory.MemoryBudget;
import dev.replens.engine.memory.TooLargeException;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.pipeline.Step;
import dev.replens.engine.pipeline.TransformKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures how exactly one form of a block reproduces another: the training form (branch by branch,
 * eval-mode BN, grouped convs group by group) against any pipeline step, on a probe input.
 */
public final class Evaluator {

  /** The probe size used where none is given: odd and non-square, so borders are exercised. */
  public static final int PROBE_H = 13;

  public static final int PROBE_W = 11;

  private Evaluator() {}

  /**
   * A seeded standard-normal probe input {@code [2, in, h, w]}.
   *
   * @throws TooLargeException if the probe, or the block's output for it, exceeds the memory budget
   */
  public static INDArray probe(BlockSpec spec, DataType dtype, long seed, int h, int w) {
    MemoryBudget budget = MemoryBudget.ofThisMachine();
    budget.require("the probe input", "probes", "float64", 8, 2, spec.inChannels(), h, w);
    budget.require(
        "the block's output for the probe",
        "probes",
        dtype == DataType.DOUBLE ? "float64" : "float32",
        dtype == DataType.DOUBLE ? 8 : 4,
        2,
        spec.outChannels(),
        h,
        w);
    Random r = new Random(seed);
    int n = MemoryBudget.length("the probe input", 2, spec.inChannels(), h, w);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return Nd4j.create(v, new long[] {2, spec.inChannels(), h, w}, DataType.DOUBLE).castTo(dtype);
  }

  /** The default probe for a design. */
  public static INDArray probe(BlockSpec spec, DataType dtype) {
    return probe(spec, dtype, 7, PROBE_H, PROBE_W);
  }

  /** Compares two forms' outputs before the activation. */
  public static Comparison compare(BlockState reference, BlockState candidate, INDArray input) {
    INDArray ref = BlockForward.preActivation(reference.spec(), reference.weights(), input);
    INDArray out = BlockForward.preActivation(candidate.spec(), candidate.weights(), input);
    return Comparison.of(ref, out);
  }

  /**
   * Measures every step against the training form, judges each against the round-off bound of the
   * two forms on this input ({@link RoundOff}), and explains the first one that parts beyond it.
   */
  public static List<StepCheck> check(Pipeline p, INDArray input) {
    BlockState training = p.training();
    RoundOff.Reference ref = RoundOff.Reference.of(training, input);
    List<StepCheck> out = new ArrayList<>();
    String culprit = null;
    for (int i = 0; i < p.steps().size(); i++) {
      Step s = p.steps().get(i);
      Comparison c =
          Comparison.of(
              ref.output(),
              BlockForward.preActivation(s.state().spec(), s.state().weights(), input));
      Verdict v = ref.verdict(c.maxAbs(), s.state(), input);
      String diagnosis = null;
      if (culprit == null && !v.withinRoundOff()) {
        culprit = s.title();
        diagnosis = diagnose(training, s, c, v);
      }
      out.add(new StepCheck(i, s, c, culprit == null ? v : v.inTransform(culprit), diagnosis));
    }
    return out;
  }

  static String diagnose(BlockState training, Step s, Comparison c, Verdict v) {
    String where = "“" + s.title() + "”";
    double tol = v.bound();
    String base =
        String.format(
            java.util.Locale.ROOT,
            "%s changed the output by %.3g, %s its round-off bound %.2g; every step before it"
                + " was within round-off.",
            where,
            c.maxAbs(),
            Verdict.times(v.ratio()),
            tol);
    Branch branch = s.branchId() == null ? null : training.spec().branch(s.branchId()).orElse(null);
    boolean linearizing =
        s.transform() == TransformKind.LINEARIZE_BN
            || s.transform() == TransformKind.LINEARIZE_BIAS
            || s.transform() == TransformKind.LINEARIZE_SHIFT
            || s.transform() == TransformKind.FUSE_BN
            || s.transform() == TransformKind.SHIFT
            || s.transform() == TransformKind.MERGE_SEQUENTIAL
            || s.transform() == TransformKind.COMPOSE;
    if (branch != null && branch.paddingMode() == PaddingMode.PER_OP && linearizing) {
      int ring = training.spec().kernel() / 2;
      String border =
          c.errorOnlyNearBorder(ring, tol)
              ? " The error sits only on the outer "
                  + ring
                  + (ring == 1 ? " row/column" : " rows/columns")
                  + " of the map."
              : "";
      return base
          + " Branch '"
          + branch.id()
          + "' pads each op's input with zeros, so after a BN or bias the next conv sees 0 at"
          + " the border where the fused conv sees the shifted value."
          + border
          + " Pad at the input instead (padding mode at-input, DBB's BNAndPad) to make the"
          + " fusion exact.";
    }
    return base
        + String.format(
            " The largest error is in output channel %d. This transform is exact in eval mode;"
                + " check the weights it reads for values that differ from what the training form"
                + " uses.",
            c.worstChannel());
  }
}
