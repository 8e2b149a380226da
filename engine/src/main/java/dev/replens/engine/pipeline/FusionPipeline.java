package dev.replens.engine.pipeline;

import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.memory.MemoryBudget;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightCheck;
import dev.replens.engine.model.Weights;
import dev.replens.engine.transform.Transforms;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the {@link Pipeline} of a block: linearize (every branch constant moves after the sum),
 * squeeze (each chain collapses to one KxK kernel, then the kernels add up), fuse (the ops after
 * the sum fold into the conv).
 *
 * <p>Call order: {@link #run} once per design and weights; the result is immutable and can be
 * stepped through, evaluated and drawn from any thread.
 */
public final class FusionPipeline {

  /** The id of the single branch after the branches are added. */
  public static final String FUSED_BRANCH = "fused";

  private FusionPipeline() {}

  /**
   * Runs the pipeline.
   *
   * <p>A design with errors, too large a design among them ({@link Validator#sizeProblems}), gives
   * a pipeline of the training form alone, blocked by those errors.
   *
   * @throws IllegalArgumentException if the weights don't fit the design
   */
  public static Pipeline run(BlockSpec spec, Weights weights) {
    List<Step> steps = new ArrayList<>();
    BlockState state = new BlockState(spec, weights.restrictTo(spec));
    steps.add(
        new Step(
            StageKind.TRAINING,
            TransformKind.DESIGN,
            "Training form",
            "The block as designed: "
                + spec.branches().size()
                + (spec.branches().size() == 1 ? " branch" : " parallel branches")
                + " whose outputs are summed.",
            null,
            null,
            state));
    // Sizes are checked in the weights' own type before any kernel is built.
    List<Problem> errors =
        Validator.validate(spec, weights.dtype(), MemoryBudget.ofThisMachine()).stream()
            .filter(Problem::isError)
            .toList();
    if (!errors.isEmpty()) {
      return new Pipeline(
          steps,
          errors.stream()
              .map(p -> p.location() + ": " + p.message())
              .collect(Collectors.joining("; ")));
    }
    WeightCheck.require(spec, weights);
    try {
      state = linearize(state, steps);
      state = squeeze(state, steps);
      fuse(state, steps);
      return new Pipeline(steps, null);
    } catch (FusionBlockedException e) {
      return new Pipeline(steps, e.getMessage());
    }
  }

  private static BlockState linearize(BlockState state, List<Step> steps) {
    int before = steps.size();
    for (Optional<Step> st = Linearizer.next(state); st.isPresent(); st = Linearizer.next(state)) {
      steps.add(st.get());
      state = st.get().state();
    }
    if (steps.size() == before) {
      steps.add(
          new Step(
              StageKind.LINEARIZED,
              TransformKind.DESIGN,
              "Already linear",
              "No branch holds a BN, bias or shift, so there is nothing to move after the sum.",
              null,
              null,
              state));
    }
    return state;
  }

  private static BlockState squeeze(BlockState state, List<Step> steps) {
    for (Branch b : state.spec().branches()) {
      for (Optional<Step> st = Squeezer.next(state, b.id(), StageKind.SQUEEZED);
          st.isPresent();
          st = Squeezer.next(state, b.id(), StageKind.SQUEEZED)) {
        steps.add(st.get());
        state = st.get().state();
      }
    }
    BlockSpec spec = state.spec();
    List<Kernel> kernels = new ArrayList<>();
    boolean anyBias = false;
    for (Branch b : spec.branches()) {
      Conv c = (Conv) b.ops().get(0);
      kernels.add(StateEdit.kernelOf(state.weights(), b.id(), c));
      anyBias |= c.bias();
    }
    Kernel sum = Transforms.addBranches(kernels);
    Conv conv = StateEdit.convFor("conv", sum, anyBias);
    Weights w = state.weights();
    for (Branch b : spec.branches()) {
      w = w.withoutPrefix(b.id() + ".");
    }
    w = StateEdit.putConv(w, FUSED_BRANCH, conv, sum);
    BlockState added = new BlockState(spec.withBranches(List.of(Branch.of(FUSED_BRANCH, conv))), w);
    String sentence =
        spec.branches().size() == 1
            ? "A single branch is already one conv."
            : "Convolution is additive, conv(x, A) + conv(x, B) = conv(x, A + B), so the "
                + spec.branches().size()
                + " branch kernels add up to one.";
    steps.add(
        new Step(
            StageKind.SQUEEZED,
            TransformKind.ADD_BRANCHES,
            "Add "
                + spec.branches().size()
                + (spec.branches().size() == 1 ? " branch" : " branches"),
            sentence,
            FUSED_BRANCH,
            conv.id(),
            added));
    return added;
  }

  private static void fuse(BlockState state, List<Step> steps) {
    int before = steps.size();
    while (!state.spec().post().isEmpty()) {
      Op op = state.spec().post().get(0);
      Branch b = state.spec().branches().get(0);
      Conv c = (Conv) b.ops().get(0);
      Kernel k =
          Squeezer.foldChannelWise(
              state.weights(), BlockSpec.POST, StateEdit.kernelOf(state.weights(), b.id(), c), op);
      Conv fused = StateEdit.convFor(c.id(), k, true);
      Weights w = StateEdit.dropOp(state.weights(), BlockSpec.POST, op.id());
      w = StateEdit.dropOp(w, b.id(), c.id());
      w = StateEdit.putConv(w, b.id(), fused, k);
      BlockSpec spec =
          state
              .spec()
              .withBranches(List.of(b.withOps(List.of(fused))))
              .withPost(state.spec().post().subList(1, state.spec().post().size()));
      state = new BlockState(spec, w);
      TransformKind kind =
          op instanceof BatchNorm
              ? TransformKind.FUSE_BN
              : op instanceof ChannelScale ? TransformKind.SCALE : TransformKind.SHIFT;
      steps.add(
          new Step(
              StageKind.FUSED,
              kind,
              kind.title() + ": post " + op.describe() + " '" + op.id() + "'",
              "The "
                  + op.describe()
                  + " after the sum acts on the one conv's output channels, so it folds into that"
                  + " conv's weights and bias.",
              b.id(),
              c.id(),
              state));
    }
    if (steps.size() == before) {
      steps.add(
          new Step(
              StageKind.FUSED,
              TransformKind.DESIGN,
              "Nothing after the sum",
              "No BN or shift follows the sum, so the squeezed conv is already the deploy conv.",
              state.spec().branches().get(0).id(),
              null,
              state));
    }
  }
}
