package dev.replens.app.explorer;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.memory.MemoryBudget;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything the explorer shows about one version of the design, computed off the FX thread in one
 * go: validation problems, the fusion pipeline, each step's measured error, and each step's
 * per-branch equivalent kernels.
 *
 * @param spec the design analysed
 * @param problems validation problems
 * @param pipeline the fusion pipeline
 * @param checks each step measured against the training form on the probe
 * @param equivalents each step's branch equivalents (null where a step isn't linear)
 * @param probe the probe input
 */
public record FusionAnalysis(
    BlockSpec spec,
    List<Problem> problems,
    Pipeline pipeline,
    List<StepCheck> checks,
    List<Equivalents> equivalents,
    INDArray probe) {

  /** Runs the analysis; never throws for a bad design (problems say what is wrong). */
  public static FusionAnalysis of(BlockSpec spec, Weights weights) {
    List<Problem> problems = Validator.validate(spec);
    Pipeline p = FusionPipeline.run(spec, weights);
    boolean geometryOk =
        spec.inChannels() > 0 && spec.outChannels() > 0 && spec.groups() > 0 && spec.kernel() > 0;
    if (geometryOk
        && !Validator.sizeProblems(spec, weights.dtype(), MemoryBudget.ofThisMachine()).isEmpty()) {
      // Too large to build: the problems say so; no kernel, probe or forward pass is attempted.
      return new FusionAnalysis(
          spec,
          problems,
          p,
          List.of(),
          java.util.Collections.nCopies(p.steps().size(), (Equivalents) null),
          null);
    }
    INDArray probe = Evaluator.probe(spec, weights.dtype());
    List<StepCheck> checks;
    try {
      checks = Evaluator.check(p, probe);
    } catch (RuntimeException e) {
      checks = List.of();
    }
    List<Equivalents> eq = new ArrayList<>();
    for (var step : p.steps()) {
      Equivalents e;
      try {
        e = Equivalents.of(step.state());
      } catch (RuntimeException notLinear) {
        e = null;
      }
      eq.add(e);
    }
    return new FusionAnalysis(spec, problems, p, checks, eq, probe);
  }

  /** The worst error over all steps, or NaN if nothing could be measured. */
  public double worstError() {
    return checks.stream().mapToDouble(c -> c.error().maxAbs()).max().orElse(Double.NaN);
  }

  /** The fused form's check, or null if the block can't be fused or wasn't measured. */
  public StepCheck fusedCheck() {
    return checks.isEmpty() || !pipeline.complete() ? null : checks.get(checks.size() - 1);
  }

  /** The fused form's error, or NaN. */
  public double fusedError() {
    StepCheck f = fusedCheck();
    return f == null ? Double.NaN : f.error().maxAbs();
  }
}
