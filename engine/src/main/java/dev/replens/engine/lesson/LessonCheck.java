package dev.replens.engine.lesson;

import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.StageKind;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the app notices that the learner did a task: a condition on a {@link LessonState}. In a
 * lesson file a check is an object whose {@code "check"} field names it.
 *
 * <table>
 *   <caption>The checks</caption>
 *   <tr><th>{@code check}</th><th>fields</th><th>passes when</th></tr>
 *   <tr><td>{@code noBranchWithOp}</td><td>{@code op}</td>
 *       <td>no branch holds an op of this type ({@code identity}, {@code conv}, {@code bn},
 *       {@code avgpool}, {@code scale}, {@code shift}, {@code frequency})</td></tr>
 *   <tr><td>{@code branchDeleted}</td><td>{@code branch}</td>
 *       <td>the design has no branch with this id</td></tr>
 *   <tr><td>{@code atStage}</td><td>{@code stage}</td><td>the stepper shows that stage</td></tr>
 *   <tr><td>{@code tapSelected}</td><td>{@code centre}? or {@code out}?, {@code in}?, {@code
 *       y}?, {@code x}?</td><td>the selected heatmap tap is the centre / has these indices</td></tr>
 *   <tr><td>{@code bnEpsChanged}</td><td>{@code branch}, {@code op}</td>
 *       <td>that BN's ε differs from its value when the step began</td></tr>
 *   <tr><td>{@code paddingMode}</td><td>{@code branch}, {@code mode}</td>
 *       <td>the branch's padding mode is {@code at-input} / {@code per-op}</td></tr>
 *   <tr><td>{@code fusionExact}</td><td>{@code exact}</td>
 *       <td>the fused conv reproduces the block within round-off (or, with false, it
 *       doesn't)</td></tr>
 *   <tr><td>{@code selected}</td><td>{@code branch}, {@code op}?</td>
 *       <td>that branch (or op) is selected on the canvas</td></tr>
 *   <tr><td>{@code demoParameter}</td><td>{@code name}, {@code atLeast}?, {@code atMost}?</td>
 *       <td>the demo's parameter is within the bounds</td></tr>
 *   <tr><td>{@code allOf}</td><td>{@code checks}</td><td>every listed check passes</td></tr>
 * </table>
 */
public sealed interface LessonCheck {

  /** Whether the condition holds. */
  boolean passes(LessonState s);

  /** The condition in words, e.g. "the design has no branch with an identity op". */
  String describe();

  /** Every check name, for messages. */
  static List<String> names() {
    return List.of(
        "noBranchWithOp",
        "branchDeleted",
        "atStage",
        "tapSelected",
        "bnEpsChanged",
        "paddingMode",
        "fusionExact",
        "selected",
        "demoParameter",
        "allOf");
  }

  /**
   * No branch holds an op of a type.
   *
   * @param opType the op type name, e.g. {@code identity}
   */
  record NoBranchWithOp(String opType) implements LessonCheck {
    public NoBranchWithOp {
      if (OpTypes.of(opType) == null) {
        throw new IllegalArgumentException("unknown op type '" + opType + "'");
      }
    }

    @Override
    public boolean passes(LessonState s) {
      Class<? extends Op> type = OpTypes.of(opType);
      return s.design().branches().stream()
          .flatMap(b -> b.ops().stream())
          .noneMatch(type::isInstance);
    }

    @Override
    public String describe() {
      return "the design has no branch with " + article(opType) + " " + opType + " op";
    }

    private static String article(String word) {
      return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
  }

  /**
   * A branch is gone.
   *
   * @param branch the branch id
   */
  record BranchDeleted(String branch) implements LessonCheck {
    public BranchDeleted {
      Objects.requireNonNull(branch, "branch");
    }

    @Override
    public boolean passes(LessonState s) {
      return s.design().branch(branch).isEmpty();
    }

    @Override
    public String describe() {
      return "branch '" + branch + "' was deleted";
    }
  }

  /**
   * The stepper shows a stage.
   *
   * @param stage the stage
   */
  record AtStage(StageKind stage) implements LessonCheck {
    public AtStage {
      Objects.requireNonNull(stage, "stage");
    }

    @Override
    public boolean passes(LessonState s) {
      return s.stage() == stage;
    }

    @Override
    public String describe() {
      return "the stepper is at the " + stage.title() + " stage";
    }
  }

  /**
   * A heatmap tap is selected: the kernel's centre, or the one with the given indices (null ones
   * match anything).
   *
   * @param centre whether the tap must be the centre
   * @param out the output channel, or null
   * @param in the input channel within the group, or null
   * @param y the row, or null
   * @param x the column, or null
   */
  record TapSelected(boolean centre, Integer out, Integer in, Integer y, Integer x)
      implements LessonCheck {
    @Override
    public boolean passes(LessonState s) {
      LessonState.SelectedTap t = s.selectedTap();
      if (t == null) {
        return false;
      }
      return (!centre || t.isCentre())
          && (out == null || t.tap().out() == out)
          && (in == null || t.tap().in() == in)
          && (y == null || t.tap().y() == y)
          && (x == null || t.tap().x() == x);
    }

    @Override
    public String describe() {
      if (centre && out == null && in == null) {
        return "the selected tap is the centre tap";
      }
      return "the selected tap is "
          + (centre ? "the centre tap of " : "")
          + "w["
          + any(out)
          + ", "
          + any(in)
          + ", "
          + any(y)
          + ", "
          + any(x)
          + "]";
    }

    private static String any(Integer i) {
      return i == null ? "·" : i.toString();
    }
  }

  /**
   * A BN's ε was changed during the step.
   *
   * @param branch the branch id
   * @param op the BN's id
   */
  record BnEpsChanged(String branch, String op) implements LessonCheck {
    public BnEpsChanged {
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(op, "op");
    }

    @Override
    public boolean passes(LessonState s) {
      Optional<Double> before = eps(s.designAtStepStart().branch(branch), op);
      Optional<Double> now = eps(s.design().branch(branch), op);
      return before.isPresent() && now.isPresent() && !before.get().equals(now.get());
    }

    private static Optional<Double> eps(Optional<Branch> b, String op) {
      return b.flatMap(x -> x.op(op))
          .filter(BatchNorm.class::isInstance)
          .map(o -> ((BatchNorm) o).eps());
    }

    @Override
    public String describe() {
      return "the ε of BN '" + op + "' in branch '" + branch + "' was changed";
    }
  }

  /**
   * A branch's padding mode.
   *
   * @param branch the branch id
   * @param mode the mode
   */
  record PaddingModeIs(String branch, PaddingMode mode) implements LessonCheck {
    public PaddingModeIs {
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(mode, "mode");
    }

    @Override
    public boolean passes(LessonState s) {
      return s.design().branch(branch).map(b -> b.paddingMode() == mode).orElse(false);
    }

    @Override
    public String describe() {
      return "branch '"
          + branch
          + "' pads "
          + (mode == PaddingMode.PER_OP ? "each op's input (per-op)" : "once at its input");
    }
  }

  /**
   * Whether the fused conv reproduces the block.
   *
   * @param exact true: within round-off; false: a real mismatch (or not fusable)
   */
  record FusionExact(boolean exact) implements LessonCheck {
    @Override
    public boolean passes(LessonState s) {
      boolean ok = Double.isFinite(s.fusedError()) && s.fusedError() <= s.fusedBound();
      return ok == exact;
    }

    @Override
    public String describe() {
      return exact
          ? "the fused conv reproduces the block exactly"
          : "the fused conv no longer reproduces the block";
    }
  }

  /**
   * A branch or op is selected on the canvas.
   *
   * @param branch the branch id
   * @param op the op id, or null for the branch itself
   */
  record Selected(String branch, String op) implements LessonCheck {
    public Selected {
      Objects.requireNonNull(branch, "branch");
    }

    @Override
    public boolean passes(LessonState s) {
      return branch.equals(s.selectedBranch()) && Objects.equals(op, s.selectedOp());
    }

    @Override
    public String describe() {
      return op == null
          ? "branch '" + branch + "' is selected"
          : "op '" + op + "' of branch '" + branch + "' is selected";
    }
  }

  /**
   * A demo parameter lies within bounds.
   *
   * @param name the parameter, e.g. {@code sigma}
   * @param atLeast the lower bound, or null
   * @param atMost the upper bound, or null
   */
  record DemoParameter(String name, Double atLeast, Double atMost) implements LessonCheck {
    public DemoParameter {
      Objects.requireNonNull(name, "name");
      if (atLeast == null && atMost == null) {
        throw new IllegalArgumentException("give atLeast, atMost or both");
      }
    }

    @Override
    public boolean passes(LessonState s) {
      Double v = s.demoParameters().get(name);
      return v != null && (atLeast == null || v >= atLeast) && (atMost == null || v <= atMost);
    }

    @Override
    public String describe() {
      String n = name.toLowerCase(Locale.ROOT);
      if (atLeast != null && atMost != null) {
        return n + " is between " + atLeast + " and " + atMost;
      }
      return atLeast != null ? n + " is at least " + atLeast : n + " is at most " + atMost;
    }
  }

  /**
   * Every check passes.
   *
   * @param checks the checks, at least one
   */
  record AllOf(List<LessonCheck> checks) implements LessonCheck {
    public AllOf {
      checks = List.copyOf(checks);
      if (checks.isEmpty()) {
        throw new IllegalArgumentException("allOf needs at least one check");
      }
    }

    @Override
    public boolean passes(LessonState s) {
      return checks.stream().allMatch(c -> c.passes(s));
    }

    @Override
    public String describe() {
      return String.join(" and ", checks.stream().map(LessonCheck::describe).toList());
    }
  }
}
