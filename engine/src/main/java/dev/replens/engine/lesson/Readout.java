package dev.replens.engine.lesson;

import dev.replens.engine.eval.Comparison;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Conv;
import dev.replens.engine.transform.BnStats;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A number a lesson step shows, read live from the engine each time the design, its weights or the
 * stepper change; never a stored value. In a lesson file a readout is an object in the step's
 * {@code "numbers"} whose {@code "show"} field names it; {@code "label"} overrides its default
 * label.
 *
 * <table>
 *   <caption>The readouts</caption>
 *   <tr><th>{@code show}</th><th>fields</th><th>value</th></tr>
 *   <tr><td>{@code fusedTap}</td><td>{@code out}, {@code in}, {@code y}, {@code x}</td>
 *       <td>the fused conv's weight at that tap</td></tr>
 *   <tr><td>{@code fusedBias}</td><td>{@code out}</td><td>the fused conv's bias</td></tr>
 *   <tr><td>{@code convTap}</td><td>{@code branch}, {@code op}, {@code out}, {@code in}, {@code
 *       y}, {@code x}</td><td>a weight of one conv of the design, as trained</td></tr>
 *   <tr><td>{@code branchTap}</td><td>{@code branch}, {@code out}, {@code in}, {@code y},
 *       {@code x}</td><td>what that branch contributes to the fused tap</td></tr>
 *   <tr><td>{@code bnScale}</td><td>{@code branch}, {@code op}, {@code channel}</td>
 *       <td>the BN's {@code γ/sqrt(σ² + ε)} for one channel</td></tr>
 *   <tr><td>{@code stepError}</td><td></td>
 *       <td>the current stepper step's max |Δ| against the training form</td></tr>
 *   <tr><td>{@code fusedError}</td><td>{@code region}? ({@code all}, {@code border}, {@code
 *       interior})</td><td>the fused form's max |Δ|, over the whole map or a part of it (the
 *       border is the outer K/2 rows and columns)</td></tr>
 *   <tr><td>{@code branchCount}</td><td></td><td>how many branches the design has</td></tr>
 * </table>
 *
 * A value that can't be read (the block can't be fused, the branch was deleted) is NaN. The two
 * error readouts also give a {@link Verdict}: the error against the round-off bound of the forms
 * compared, so that a lesson shows "within round-off" rather than a bare number.
 */
public sealed interface Readout {

  /** The label shown next to the value. */
  String label();

  /** The value now, or NaN if it can't be read. */
  double read(LiveContext c);

  /**
   * For an error readout, its value judged against the round-off bound of the forms it compares;
   * null for every other readout, or when nothing was measured.
   */
  default Verdict verdict(LiveContext c) {
    return null;
  }

  /** Every readout name, for messages. */
  static List<String> names() {
    return List.of(
        "fusedTap",
        "fusedBias",
        "convTap",
        "branchTap",
        "bnScale",
        "stepError",
        "fusedError",
        "branchCount");
  }

  /**
   * A weight of the fused conv.
   *
   * @param label the label
   * @param tap the tap
   */
  record FusedTap(String label, Tap tap) implements Readout {
    public FusedTap {
      label = label == null ? "fused " + tap.describe() : label;
    }

    @Override
    public double read(LiveContext c) {
      if (!c.pipeline().complete()) {
        return Double.NaN;
      }
      Kernel k = c.pipeline().fusedKernel();
      return inside(k, tap)
          ? k.weight().getDouble(tap.out(), tap.in(), tap.y(), tap.x())
          : Double.NaN;
    }
  }

  /**
   * A bias of the fused conv.
   *
   * @param label the label
   * @param out the output channel
   */
  record FusedBias(String label, int out) implements Readout {
    public FusedBias {
      label = label == null ? "fused b[" + out + "]" : label;
    }

    @Override
    public double read(LiveContext c) {
      if (!c.pipeline().complete()) {
        return Double.NaN;
      }
      Kernel k = c.pipeline().fusedKernel();
      return out < k.outChannels() ? k.bias().getDouble(out) : Double.NaN;
    }
  }

  /**
   * A weight of one conv of the design, before any fusion.
   *
   * @param label the label
   * @param branch the branch id
   * @param op the conv's id
   * @param tap the tap, {@code in} within the conv's group
   */
  record ConvTap(String label, String branch, String op, Tap tap) implements Readout {
    public ConvTap {
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(op, "op");
      label = label == null ? branch + "." + op + " " + tap.describe() : label;
    }

    @Override
    public double read(LiveContext c) {
      boolean isConv =
          c.spec().branch(branch).flatMap(b -> b.op(op)).filter(Conv.class::isInstance).isPresent();
      if (!isConv) {
        return Double.NaN;
      }
      INDArray w = c.weights().get(branch, op, "weight");
      return tap.out() < w.size(0)
              && tap.in() < w.size(1)
              && tap.y() < w.size(2)
              && tap.x() < w.size(3)
          ? w.getDouble(tap.out(), tap.in(), tap.y(), tap.x())
          : Double.NaN;
    }
  }

  /**
   * A branch's contribution to one fused tap: its equivalent kernel times the post-sum scale.
   *
   * @param label the label
   * @param branch the branch id
   * @param tap the tap
   */
  record BranchTap(String label, String branch, Tap tap) implements Readout {
    public BranchTap {
      Objects.requireNonNull(branch, "branch");
      label = label == null ? branch + " " + tap.describe() : label;
    }

    @Override
    public double read(LiveContext c) {
      if (c.training() == null || !c.training().branches().containsKey(branch)) {
        return Double.NaN;
      }
      Kernel k = c.training().contribution(branch);
      return inside(k, tap)
          ? k.weight().getDouble(tap.out(), tap.in(), tap.y(), tap.x())
          : Double.NaN;
    }
  }

  /**
   * A BN's scale {@code γ/sqrt(σ² + ε)} for one channel.
   *
   * @param label the label
   * @param branch the branch id
   * @param op the BN's id
   * @param channel the channel
   */
  record BnScale(String label, String branch, String op, int channel) implements Readout {
    public BnScale {
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(op, "op");
      label = label == null ? "γ/σ of " + branch + "." + op + "[" + channel + "]" : label;
    }

    @Override
    public double read(LiveContext c) {
      var bn =
          c.spec()
              .branch(branch)
              .flatMap(b -> b.op(op))
              .filter(BatchNorm.class::isInstance)
              .map(BatchNorm.class::cast);
      if (bn.isEmpty()) {
        return Double.NaN;
      }
      BnStats st = BnStats.of(c.weights(), branch, bn.get());
      return channel < st.gamma().length() ? st.scale().getDouble(channel) : Double.NaN;
    }
  }

  /**
   * The current step's max |Δ| against the training form.
   *
   * @param label the label
   */
  record StepError(String label) implements Readout {
    public StepError {
      label = label == null ? "this step's max |Δ|" : label;
    }

    @Override
    public double read(LiveContext c) {
      int i = c.stepIndex();
      return i >= 0 && i < c.checks().size() ? c.checks().get(i).error().maxAbs() : Double.NaN;
    }

    @Override
    public Verdict verdict(LiveContext c) {
      int i = c.stepIndex();
      return i >= 0 && i < c.checks().size() ? c.checks().get(i).verdict() : null;
    }
  }

  /** Where on the feature map an error is taken. */
  enum Region {
    /** Everywhere. */
    ALL,
    /** The outer K/2 rows and columns. */
    BORDER,
    /** Everything but the border. */
    INTERIOR
  }

  /**
   * The fused form's max |Δ| against the training form over a region of the map.
   *
   * @param label the label
   * @param region the region
   */
  record FusedError(String label, Region region) implements Readout {
    public FusedError {
      Objects.requireNonNull(region, "region");
      label =
          label != null
              ? label
              : switch (region) {
                case ALL -> "fused max |Δ|";
                case BORDER -> "fused max |Δ| on the border";
                case INTERIOR -> "fused max |Δ| inside";
              };
    }

    @Override
    public double read(LiveContext c) {
      StepCheck f = c.fusedCheck();
      if (f == null) {
        return Double.NaN;
      }
      Comparison e = f.error();
      if (region == Region.ALL) {
        return e.maxAbs();
      }
      int ring = c.spec().kernel() / 2;
      double[] map = e.errorMap();
      double max = 0;
      for (int y = 0; y < e.height(); y++) {
        for (int x = 0; x < e.width(); x++) {
          boolean border = y < ring || x < ring || y >= e.height() - ring || x >= e.width() - ring;
          if (border == (region == Region.BORDER)) {
            max = Math.max(max, map[y * e.width() + x]);
          }
        }
      }
      return max;
    }

    @Override
    public Verdict verdict(LiveContext c) {
      StepCheck f = c.fusedCheck();
      if (f == null) {
        return null;
      }
      Verdict v = f.verdict();
      double value = read(c);
      return new Verdict(value, v.bound(), v.precision(), v.transform());
    }
  }

  /**
   * The number of branches.
   *
   * @param label the label
   */
  record BranchCount(String label) implements Readout {
    public BranchCount {
      label = label == null ? "branches" : label;
    }

    @Override
    public double read(LiveContext c) {
      return c.spec().branches().size();
    }
  }

  private static boolean inside(Kernel k, Tap t) {
    return t.out() < k.outChannels()
        && t.in() < k.weight().size(1)
        && t.y() < k.kernelH()
        && t.x() < k.kernelW();
  }
}
