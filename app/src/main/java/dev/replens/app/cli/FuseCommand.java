package dev.replens.app.cli;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.pipeline.StageKind;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens fuse}: fuses a block into one conv, reports the measured error of every stage on a
 * probe input, and writes the fused weights.
 */
@Command(
    name = "fuse",
    description = {
      "Fuse a block into one KxK conv and measure the error against its training form.",
      "Exit 0 if the error is within tolerance, 1 if not, 2 on bad input."
    },
    mixinStandardHelpOptions = true)
final class FuseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--design",
      paramLabel = "D.json",
      description =
          "A design file or sample name; without --weights, seeded random weights are used.")
  String design;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed for random weights and the probe (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description = "float32 or float64, for random weights (default ${DEFAULT-VALUE}).")
  String dtype;

  @Option(
      names = "--probe",
      defaultValue = "13x11",
      description = "Probe input size HxW (default ${DEFAULT-VALUE}).")
  String probe;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Loaded block = load();
      int code = report(block, out);
      out.flush();
      return code;
    } catch (Inputs.BadInput e) {
      out.flush();
      err.println("replens fuse: " + e.getMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
  }

  /** A block with its weights and a line describing where they came from. */
  record Loaded(String title, BlockSpec spec, Weights weights, String weightsSource) {}

  private Loaded load() throws Inputs.BadInput {
    if (design == null) {
      throw new Inputs.BadInput("give --design D.json (or a sample name)");
    }
    DesignDocument doc = Inputs.design(design);
    List<Problem> errors =
        Validator.validate(doc.block()).stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new Inputs.BadInput(
          "the design can't be fused: "
              + errors.get(0).location()
              + ": "
              + errors.get(0).message()
              + (errors.size() > 1
                  ? " (and " + (errors.size() - 1) + " more; see replens validate)"
                  : ""));
    }
    DataType dt = dataType();
    Weights w = WeightInit.forAnalysis(doc.block(), dt, seed);
    return new Loaded(
        doc.name().isEmpty() ? design : doc.name(),
        doc.block(),
        w,
        "seeded random (seed " + seed + "), " + dtype);
  }

  private DataType dataType() throws Inputs.BadInput {
    return switch (dtype) {
      case "float32" -> DataType.FLOAT;
      case "float64" -> DataType.DOUBLE;
      default ->
          throw new Inputs.BadInput("--dtype must be float32 or float64, not '" + dtype + "'");
    };
  }

  private int[] probeSize() throws Inputs.BadInput {
    String[] parts = probe.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      int h = Integer.parseInt(parts[0].trim());
      int w = Integer.parseInt(parts[1].trim());
      if (parts.length != 2 || h < 1 || w < 1) {
        throw new NumberFormatException();
      }
      return new int[] {h, w};
    } catch (RuntimeException e) {
      throw new Inputs.BadInput("--probe must look like 13x11, not '" + probe + "'");
    }
  }

  private int report(Loaded b, PrintWriter out) throws Inputs.BadInput {
    BlockSpec s = b.spec();
    out.printf(
        "design   %s: %d→%d, K=%d, stride %d, padding %d, groups %d, %d branches%n",
        b.title(),
        s.inChannels(),
        s.outChannels(),
        s.kernel(),
        s.stride(),
        s.padding(),
        s.groups(),
        s.branches().size());
    out.printf("weights  %s%n", b.weightsSource());
    Pipeline p = FusionPipeline.run(s, b.weights());
    if (!p.complete()) {
      throw new Inputs.BadInput("the block can't be fused: " + p.blockedBy());
    }
    int[] hw = probeSize();
    var x = Evaluator.probe(s, b.weights().dtype(), seed, hw[0], hw[1]);
    List<StepCheck> checks = Evaluator.check(p, x);
    for (StageKind st : StageKind.values()) {
      List<StepCheck> inStage = checks.stream().filter(c -> c.step().stage() == st).toList();
      double worst = inStage.stream().mapToDouble(c -> c.error().maxAbs()).max().orElse(0);
      out.printf(
          "stage    %-13s %2d %-5s  max |Δ| %.3g%n",
          st.title(), inStage.size(), inStage.size() == 1 ? "step" : "steps", worst);
    }
    checks.stream()
        .filter(c -> c.diagnosis() != null)
        .findFirst()
        .ifPresent(c -> out.println("diverged " + c.diagnosis()));
    Kernel k = p.fusedKernel();
    out.printf(
        "fused    weight %s, bias [%d]%n", Arrays.toString(k.weight().shape()), k.outChannels());
    StepCheck last = checks.get(checks.size() - 1);
    boolean ok = last.ok();
    out.printf(
        "result   %s: max |Δ| %.3g %s %.0e (max rel %.3g) on a %s probe%n",
        ok ? "ok" : "FAILED",
        last.error().maxAbs(),
        ok ? "≤" : ">",
        last.tolerance(),
        last.error().maxRel(),
        Arrays.toString(x.shape()));
    return ok ? RepLensCli.OK : RepLensCli.TOLERANCE_EXCEEDED;
  }
}
