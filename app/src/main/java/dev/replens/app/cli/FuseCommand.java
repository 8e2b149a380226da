package dev.replens.app.cli;

import dev.replens.app.Messages;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.FusedExport;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.family.BlockImporter;
import dev.replens.engine.io.family.Family;
import dev.replens.engine.io.family.Geometry;
import dev.replens.engine.io.family.ImportedBlock;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.memory.TooLargeException;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.pipeline.StageKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
      "The error is judged against its round-off bound: the dtype's unit round-off times the"
          + " operations per output times Σ|w|·|x| on the probe.",
      "Exit 0 if it is within round-off, 1 for a real mismatch, 2 on bad input."
    },
    mixinStandardHelpOptions = true)
final class FuseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--family",
      paramLabel = "F",
      description =
          "Import an official block's state dict: repvgg, acb, dbb, orepa, orepa-1x1, orepa-repvgg, orepa-large, dyrep-dbb.")
  String family;

  @Option(
      names = "--weights",
      paramLabel = "W.npz",
      description =
          "The weights: a PyTorch state dict with --family, or the design's own keys with --design.")
  Path weightsFile;

  @Option(names = "--in-channels", description = "With --family: the block's in channels.")
  Integer inChannels;

  @Option(names = "--out-channels", description = "With --family: the block's out channels.")
  Integer outChannels;

  @Option(names = "--kernel", description = "With --family: the kernel size K.")
  Integer kernel;

  @Option(
      names = "--stride",
      defaultValue = "1",
      description = "With --family: the stride (default ${DEFAULT-VALUE}).")
  int stride;

  @Option(names = "--padding", description = "With --family: the padding (default K/2).")
  Integer padding;

  @Option(
      names = "--groups",
      defaultValue = "1",
      description = "With --family: the groups (default ${DEFAULT-VALUE}).")
  int groups;

  @Option(
      names = "--bn-eps",
      defaultValue = "1e-5",
      description =
          "With --family: every BN's eps, which state dicts don't store (default ${DEFAULT-VALUE}).")
  double bnEps;

  @Option(
      names = "--out",
      paramLabel = "OUT.npz",
      description = "Write the fused weight (OIHW) and bias here.")
  Path out;

  @Option(
      names = "--deploy-names",
      description =
          "Name the fused arrays rbr_reparam.weight and rbr_reparam.bias, as RepVGG's deploy mode does.")
  boolean deployNames;

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
      Loaded block = family != null ? loadFamily() : load();
      Pipeline p = FusionPipeline.run(block.spec(), block.weights());
      if (!p.complete()) {
        throw new BadInputException("the block can't be fused: " + p.blockedBy());
      }
      int code = report(block, p, out);
      if (this.out != null) {
        FusedExport.write(
            this.out,
            p.fusedKernel(),
            deployNames ? FusedExport.Naming.REPVGG_DEPLOY : FusedExport.Naming.PLAIN);
        out.printf(
            "wrote    %s (%s)%n",
            this.out, deployNames ? "rbr_reparam.weight, rbr_reparam.bias" : "weight, bias");
      }
      out.flush();
      return code;
    } catch (WeightFileException e) {
      out.flush();
      err.println("replens fuse: " + Messages.of(e));
      err.flush();
      return RepLensCli.BAD_INPUT;
    } catch (BadInputException | TooLargeException e) {
      out.flush();
      err.println("replens fuse: " + e.getMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
  }

  /** A block with its weights and a line describing where they came from. */
  record Loaded(String title, BlockSpec spec, Weights weights, String weightsSource) {}

  private Loaded loadFamily() throws BadInputException, WeightFileException {
    if (design != null) {
      throw new BadInputException("give either --family or --design, not both");
    }
    Family f;
    try {
      f = Family.fromName(family);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    if (weightsFile == null || inChannels == null || outChannels == null || kernel == null) {
      throw new BadInputException(
          "--family needs --weights, --in-channels, --out-channels and --kernel");
    }
    Geometry g;
    try {
      g =
          new Geometry(
              inChannels,
              outChannels,
              kernel,
              stride,
              padding == null ? kernel / 2 : padding,
              groups);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    ImportedBlock b;
    try {
      b = BlockImporter.load(f, weightsFile, g, bnEps);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    return new Loaded(
        f.describe(),
        b.spec(),
        b.weights(),
        weightsFile.getFileName()
            + " ("
            + (b.weights().dtype() == DataType.DOUBLE ? "float64" : "float32")
            + ", BN eps "
            + String.format(java.util.Locale.ROOT, "%g", bnEps)
            + ")");
  }

  private Loaded load() throws BadInputException, WeightFileException {
    if (design == null) {
      throw new BadInputException(
          "give --design D.json (or a sample name), or --family F with --weights");
    }
    DesignDocument doc = Inputs.design(design);
    List<Problem> errors =
        Validator.validate(doc.block()).stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new BadInputException(
          "the design can't be fused: "
              + errors.get(0).location()
              + ": "
              + errors.get(0).message()
              + (errors.size() > 1
                  ? " (and " + (errors.size() - 1) + " more; see replens validate)"
                  : ""));
    }
    String title = doc.name().isEmpty() ? design : doc.name();
    if (weightsFile != null) {
      Weights w = DesignWeights.read(weightsFile, doc.block());
      return new Loaded(
          title,
          doc.block(),
          w,
          weightsFile.getFileName()
              + " ("
              + (w.dtype() == DataType.DOUBLE ? "float64" : "float32")
              + ")");
    }
    Weights w = WeightInit.forAnalysis(doc.block(), dataType(), seed);
    return new Loaded(title, doc.block(), w, "seeded random (seed " + seed + "), " + dtype);
  }

  private DataType dataType() throws BadInputException {
    return switch (dtype) {
      case "float32" -> DataType.FLOAT;
      case "float64" -> DataType.DOUBLE;
      default ->
          throw new BadInputException("--dtype must be float32 or float64, not '" + dtype + "'");
    };
  }

  private int[] probeSize() throws BadInputException {
    String[] parts = probe.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      int h = Integer.parseInt(parts[0].trim());
      int w = Integer.parseInt(parts[1].trim());
      if (parts.length != 2 || h < 1 || w < 1) {
        throw new NumberFormatException();
      }
      return new int[] {h, w};
    } catch (RuntimeException e) {
      throw new BadInputException("--probe must look like 13x11, not '" + probe + "'");
    }
  }

  private int report(Loaded b, Pipeline p, PrintWriter out) throws BadInputException {
    BlockSpec s = b.spec();
    out.printf(
        "design   %s: %d→%d, K=%d, stride %d, padding %d, groups %d, %d %s%n",
        b.title(),
        s.inChannels(),
        s.outChannels(),
        s.kernel(),
        s.stride(),
        s.padding(),
        s.groups(),
        s.branches().size(),
        s.branches().size() == 1 ? "branch" : "branches");
    out.printf("weights  %s%n", b.weightsSource());
    int[] hw = probeSize();
    var x = Evaluator.probe(s, b.weights().dtype(), seed, hw[0], hw[1]);
    List<StepCheck> checks = Evaluator.check(p, x);
    for (StageKind st : StageKind.values()) {
      List<StepCheck> inStage = checks.stream().filter(c -> c.step().stage() == st).toList();
      double worst = inStage.stream().mapToDouble(c -> c.error().maxAbs()).max().orElse(0);
      double ratio = inStage.stream().mapToDouble(c -> c.verdict().ratio()).max().orElse(0);
      out.printf(
          Locale.ROOT,
          "stage    %-13s %2d %-5s  max |Δ| %-9.3g %s the bound%n",
          st.title(),
          inStage.size(),
          inStage.size() == 1 ? "step" : "steps",
          worst,
          Verdict.times(ratio));
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
        Locale.ROOT,
        "result   %s: max |Δ| %.3g %s round-off bound %.2g (max rel %.3g) on a %s probe%n",
        ok ? "ok" : "FAILED",
        last.error().maxAbs(),
        ok ? "≤" : ">",
        last.bound(),
        last.error().maxRel(),
        Arrays.toString(x.shape()));
    out.printf("verdict  %s%n", last.verdict().text());
    return ok ? RepLensCli.OK : RepLensCli.TOLERANCE_EXCEEDED;
  }
}
