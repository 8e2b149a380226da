package dev.replens.engine.network;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.RoundOff;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightImportException;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.family.BlockImporter;
import dev.replens.engine.io.family.Family;
import dev.replens.engine.io.family.Geometry;
import dev.replens.engine.io.family.ImportedBlock;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.WeightCheck;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every re-parameterizable block in a whole network's state dict, fuses each one, judges the
 * fused conv against its training form within round-off, measures how it quantizes to INT8, and
 * says what is wrong with the file in the user's words.
 *
 * <p>How a block is found: its keys are grouped by module prefix, and the prefix ends just before
 * the first segment that is an official branch or deploy-conv name ({@link Signatures}). Channels,
 * kernel and groups come from the shapes; the stride is 1 and the padding {@code K/2} unless a
 * {@link BlockOverride} says otherwise (neither changes the fused kernel). Every BN uses PyTorch's
 * default epsilon, 1e-5. Every other key passes through unchanged and is counted.
 *
 * <p>Call order: {@link #inspect} once per checkpoint; {@link NetworkConverter#convert} then writes
 * the deploy state dict from the report. Pure and thread-safe; call it off the UI thread.
 */
public final class NetworkInspector {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkInspector.class);

  /** Per-tensor INT8 loses this many times more than per-channel before it is a warning. */
  static final double INT8_PENALTY_WARNING = 4;

  /** ... and at least this relative error. */
  static final double INT8_ERROR_WARNING = 0.05;

  /** The probe's smallest side; it is {@code K + 2} for larger kernels. */
  private static final int PROBE_MIN = 5;

  private static final long PROBE_SEED = 7;
  private static final int MAX_KEY_FINDINGS = 12;
  private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

  private NetworkInspector() {}

  /** {@link #inspect(Checkpoint, Map, Progress)} with no overrides. */
  public static NetworkReport inspect(Checkpoint ckpt, Progress progress) {
    return inspect(ckpt, Map.of(), progress);
  }

  /**
   * Inspects a network.
   *
   * @param ckpt the state dict as read
   * @param overrides stride and padding per block prefix, where the defaults are wrong
   * @param progress reports one unit per block
   */
  public static NetworkReport inspect(
      Checkpoint ckpt, Map<String, BlockOverride> overrides, Progress progress) {
    Map<String, KeyGroups.Group> groups = KeyGroups.of(ckpt);
    List<Finding> fileFindings = new ArrayList<>();
    for (String note : ckpt.notes()) {
      fileFindings.add(new Finding(Finding.Severity.INFO, "", Finding.NOTE, note));
    }
    for (String p : overrides.keySet()) {
      if (!groups.containsKey(p)) {
        fileFindings.add(
            new Finding(
                Finding.Severity.WARNING,
                p,
                Finding.NOTE,
                "The override for '" + p + "' matches no block; it was not used."));
      }
    }
    Map<String, List<String>> untrained = BatchNormStatistics.untrained(ckpt, groups.keySet());

    List<BlockReport> blocks = new ArrayList<>();
    int i = 0;
    for (KeyGroups.Group g : groups.values()) {
      progress.update(
          i++, groups.size(), "inspecting " + (g.prefix.isEmpty() ? "the block" : g.prefix));
      BlockReport b = analyse(ckpt, g, overrides.get(g.prefix), untrained.remove(g.prefix));
      blocks.add(b);
    }
    progress.update(groups.size(), groups.size(), "inspected " + groups.size() + " blocks");

    int assigned = groups.values().stream().mapToInt(g -> g.keys.size()).sum();
    int passThrough = ckpt.keys().size() - assigned;

    for (Map.Entry<String, List<String>> e : untrained.entrySet()) {
      fileFindings.add(BatchNormStatistics.finding(e.getKey(), e.getValue()));
    }
    long deploy = blocks.stream().filter(BlockReport::deployForm).count();
    long training = blocks.stream().filter(b -> !b.deployForm()).count();
    if (deploy > 0 && training > 0) {
      fileFindings.add(
          new Finding(
              Finding.Severity.WARNING,
              "",
              Finding.PARTIAL_CONVERSION,
              "The file is partly converted: "
                  + deploy
                  + " block"
                  + (deploy == 1 ? " is" : "s are")
                  + " already in deploy form and "
                  + training
                  + " still in training form, so neither the training nor the deploy model loads"
                  + " it with strict=True. Convert it to get a complete deploy state dict."));
    }
    if (blocks.isEmpty()) {
      fileFindings.add(
          new Finding(
              Finding.Severity.WARNING,
              "",
              Finding.NOTE,
              "No re-parameterizable block found: no key has an official branch name (rbr_dense,"
                  + " dbb_origin, square_conv, weight_orepa_*, dbb_kxk) or deploy name"
                  + " (rbr_reparam, dbb_reparam, fused_conv, orepa_reparam, conv_deployed)."));
    }
    List<BlockReport> ranked =
        blocks.stream()
            .filter(b -> b.int8() != null)
            .sorted(
                Comparator.comparingDouble((BlockReport b) -> b.int8().perTensorError()).reversed())
            .limit(5)
            .toList();
    if (!ranked.isEmpty()) {
      StringBuilder sb = new StringBuilder("Worst layers under per-tensor INT8: ");
      for (int r = 0; r < ranked.size(); r++) {
        BlockReport b = ranked.get(r);
        sb.append(r == 0 ? "" : ", ")
            .append(name(b.prefix()))
            .append(' ')
            .append(percent(b.int8().perTensorError()))
            .append(" (per channel ")
            .append(percent(b.int8().perChannelError()))
            .append(')');
      }
      fileFindings.add(
          new Finding(Finding.Severity.INFO, "", Finding.INT8_RANKING, sb.append('.').toString()));
    }

    List<Finding> all = new ArrayList<>();
    blocks.forEach(b -> all.addAll(b.findings()));
    all.addAll(fileFindings);
    all.sort(Comparator.comparingInt(f -> -f.severity().ordinal()));
    LOG.debug(
        "inspected {}: {} blocks, {} pass-through keys, {} findings",
        ckpt.file().getFileName(),
        blocks.size(),
        passThrough,
        all.size());
    return new NetworkReport(String.valueOf(ckpt.file()), blocks, passThrough, all);
  }

  // ---------------------------------------------------------------- one block

  private static BlockReport analyse(
      Checkpoint ckpt, KeyGroups.Group g, BlockOverride override, List<String> untrainedBn) {
    List<Finding> findings = new ArrayList<>();
    List<String> deployKeys = g.keys.stream().filter(g::isDeployKey).toList();
    List<String> trainingKeys = g.keys.stream().filter(k -> !g.isDeployKey(k)).toList();
    if (untrainedBn != null) {
      findings.add(BatchNormStatistics.finding(g.prefix, untrainedBn));
    }
    if (!deployKeys.isEmpty() && !trainingKeys.isEmpty()) {
      Set<String> trainingBranches = new TreeSet<>();
      trainingKeys.forEach(k -> trainingBranches.add(g.local(k).split("\\.", 2)[0]));
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.PARTIAL_CONVERSION,
              name(g.prefix)
                  + " holds both its deploy conv ("
                  + g.local(deployKeys.get(0)).split("\\.", 2)[0]
                  + ") and training branches ("
                  + String.join(", ", trainingBranches)
                  + "): a partial conversion. Save either the trained model or the converted one,"
                  + " not a mix; RepLens can't tell which weights are current."));
    }
    if (trainingKeys.isEmpty()) {
      return deployBlock(ckpt, g, deployKeys, override, findings);
    }
    return trainingBlock(ckpt, g, trainingKeys, override, findings);
  }

  private static BlockReport deployBlock(
      Checkpoint ckpt,
      KeyGroups.Group g,
      List<String> keys,
      BlockOverride override,
      List<Finding> findings) {
    String conv = g.local(keys.get(0)).split("\\.", 2)[0];
    Family family = Signatures.deploy(conv).orElse(g.family);
    String wKey = Signatures.join(g.prefix, conv + ".weight");
    String bKey = Signatures.join(g.prefix, conv + ".bias");
    INDArray w = ckpt.tensors().get(wKey);
    INDArray b = ckpt.tensors().get(bKey);
    for (String k : keys) {
      if (!k.equals(wKey) && !k.equals(bKey)) {
        findings.add(
            new Finding(
                Finding.Severity.ERROR,
                g.prefix,
                Finding.UNEXPECTED_KEY,
                "Unexpected key '"
                    + k
                    + "': a deploy conv "
                    + conv
                    + " has only weight and bias."));
      }
    }
    Kernel k = null;
    if (w == null || w.rank() != 4) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.MISSING_KEY,
              w == null
                  ? "Missing '" + wKey + "': the deploy conv " + conv + " has no weight."
                  : "'"
                      + wKey
                      + "' has shape "
                      + Arrays.toString(w.shape())
                      + "; a conv weight is"
                      + " [out, in/groups, K, K]."));
    } else if (!w.dataType().isFPType()) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.NOT_IMPORTED,
              "'" + wKey + "' holds integers; a conv weight must be float."));
    } else if (b == null || b.length() != w.size(0)) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.MISSING_KEY,
              b == null
                  ? "Missing '" + bKey + "': the official deploy conv has a bias (bias=True)."
                  : "'" + bKey + "' has " + b.length() + " entries, expected " + w.size(0) + "."));
    } else {
      DataType t = w.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
      k = new Kernel(w.castTo(t), b.castTo(t).reshape(b.length()), 1);
    }
    int out = w == null ? 0 : (int) w.size(0);
    int in = w == null || w.rank() < 2 ? 0 : (int) w.size(1);
    int kernel = w == null || w.rank() < 3 ? 0 : (int) w.size(2);
    Int8Report int8 = k == null ? null : Int8Analysis.of(k.weight(), Map.of());
    if (int8 != null) {
      int8Finding(g.prefix, int8).ifPresent(findings::add);
    }
    ImportedBlock single = k == null ? null : singleConv(conv, k, override);
    return new BlockReport(
        g.prefix,
        family,
        true,
        out,
        in,
        kernel,
        1,
        List.of(conv),
        Double.NaN,
        0,
        new Verdict(Double.NaN, 0, "float32", null),
        int8,
        findings,
        single,
        k,
        override == null ? 1 : override.stride(),
        override == null ? kernel / 2 : override.padding(),
        List.copyOf(g.keys));
  }

  /** A deploy-form block as a design: one branch holding its conv with bias. */
  private static ImportedBlock singleConv(String name, Kernel k, BlockOverride override) {
    int kernel = k.kernelH();
    if (kernel != k.kernelW() || kernel % 2 == 0) {
      return null;
    }
    Conv c = new Conv("conv", k.outChannels(), kernel, kernel, 1, true);
    BlockSpec spec =
        new BlockSpec(
            k.inChannels(),
            k.outChannels(),
            kernel,
            override == null ? 1 : override.stride(),
            override == null ? kernel / 2 : override.padding(),
            1,
            List.of(Branch.of(name, c)),
            List.of(),
            Activation.NONE);
    Map<String, INDArray> w = new LinkedHashMap<>();
    w.put(BlockSpec.key(name, "conv", "weight"), k.weight());
    w.put(BlockSpec.key(name, "conv", "bias"), k.bias());
    try {
      return new ImportedBlock(
          spec,
          Weights.of(w, k.dtype()),
          List.of("Already in deploy form: one conv with bias (" + name + ")."));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static BlockReport trainingBlock(
      Checkpoint ckpt,
      KeyGroups.Group g,
      List<String> keys,
      BlockOverride override,
      List<Finding> findings) {
    Map<String, INDArray> tensors = new LinkedHashMap<>();
    Set<String> scalarNames = new LinkedHashSet<>();
    Map<String, Number> scalarValues = new LinkedHashMap<>();
    for (String k : keys) {
      if (ckpt.tensors().containsKey(k)) {
        tensors.put(g.local(k), ckpt.tensors().get(k));
      } else {
        scalarNames.add(g.local(k));
        scalarValues.put(g.local(k), ckpt.scalars().get(k));
      }
    }
    Set<String> branchNames = new LinkedHashSet<>();
    for (String k : tensors.keySet()) {
      String first = k.split("\\.", 2)[0];
      if (Signatures.training(first).isPresent()
          || first.startsWith("weight")
          || Signatures.WEAK.getOrDefault(g.family, Set.of()).contains(first)) {
        branchNames.add(first);
      }
    }
    Shape shape = Shape.infer(g.family, tensors);
    if (shape == null) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.MISSING_KEY,
              name(g.prefix)
                  + " looks like "
                  + g.family.describe()
                  + " (it has "
                  + String.join(", ", branchNames)
                  + ") but lacks '"
                  + Signatures.join(g.prefix, Shape.primaryKey(g.family))
                  + "', so the block is only partly present."));
      return failed(g, findings, branchNames, override, 0, 0, 0, 1);
    }
    int stride = override == null ? 1 : override.stride();
    int padding = override == null ? shape.kernel() / 2 : override.padding();
    ImportedBlock block;
    try {
      Geometry geometry =
          new Geometry(shape.in(), shape.out(), shape.kernel(), stride, padding, shape.groups());
      NpzArchive archive = new NpzArchive(ckpt.file(), tensors, scalarNames, scalarValues);
      block = BlockImporter.load(g.family, archive, geometry, BatchNorm.DEFAULT_EPS);
    } catch (WeightImportException e) {
      int n = 0;
      for (String p : e.problems()) {
        if (n++ == MAX_KEY_FINDINGS) {
          findings.add(
              new Finding(
                  Finding.Severity.ERROR,
                  g.prefix,
                  Finding.NOT_IMPORTED,
                  "… and " + (e.problems().size() - MAX_KEY_FINDINGS) + " more problems."));
          break;
        }
        findings.add(importProblem(g, p));
      }
      return failed(
          g,
          findings,
          branchNames,
          override,
          shape.out(),
          shape.in(),
          shape.kernel(),
          shape.groups());
    } catch (IllegalArgumentException e) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.NOT_IMPORTED,
              name(g.prefix)
                  + " can't be imported as "
                  + g.family.describe()
                  + ": "
                  + e.getMessage()));
      return failed(
          g,
          findings,
          branchNames,
          override,
          shape.out(),
          shape.in(),
          shape.kernel(),
          shape.groups());
    }
    List<String> branches = block.spec().branches().stream().map(Branch::id).toList();
    Pipeline p = FusionPipeline.run(block.spec(), block.weights());
    if (!p.complete()) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.NOT_IMPORTED,
              name(g.prefix) + " can't be fused: " + p.blockedBy()));
      return new BlockReport(
          g.prefix,
          g.family,
          false,
          shape.out(),
          shape.in(),
          shape.kernel(),
          shape.groups(),
          branches,
          Double.NaN,
          0,
          new Verdict(Double.NaN, 0, precision(block), null),
          null,
          findings,
          block,
          null,
          stride,
          padding,
          List.copyOf(g.keys));
    }
    Kernel fused = p.fusedKernel();
    INDArray probe =
        probe(block.spec().inChannels(), block.spec().kernel(), block.weights().dtype());
    Verdict verdict = RoundOff.measure(p.training(), fused, probe);
    if (!verdict.withinRoundOff()) {
      List<StepCheck> checks = Evaluator.check(p, probe);
      String culprit =
          checks.stream().filter(c -> !c.ok()).findFirst().map(c -> c.step().title()).orElse(null);
      if (culprit != null) {
        verdict = verdict.inTransform(culprit);
      }
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.MISMATCH,
              name(g.prefix)
                  + ": the fused conv differs from the training form by "
                  + sci(verdict.maxAbs())
                  + ", a "
                  + verdict.text()
                  + "."));
    }
    Int8Report int8 = Int8Analysis.of(fused.weight(), Map.of());
    if (block.spec().branches().size() > 1 && int8.dynamicRange() >= Int8Analysis.INFLATED) {
      Map<String, INDArray> perBranch = new LinkedHashMap<>();
      for (Branch b : block.spec().branches()) {
        Pipeline alone = FusionPipeline.run(block.spec().withBranches(List.of(b)), block.weights());
        if (alone.complete()) {
          perBranch.put(b.id(), alone.fusedKernel().weight());
        }
      }
      int8 = Int8Analysis.of(fused.weight(), perBranch);
    }
    int8Finding(g.prefix, int8).ifPresent(findings::add);
    long nonFinite = WeightCheck.firstNonFinite(fused.weight());
    if (nonFinite >= 0) {
      findings.add(
          new Finding(
              Finding.Severity.ERROR,
              g.prefix,
              Finding.MISMATCH,
              name(g.prefix) + ": the fused kernel holds a NaN or an infinity."));
    }
    return new BlockReport(
        g.prefix,
        g.family,
        false,
        shape.out(),
        shape.in(),
        shape.kernel(),
        shape.groups(),
        branches,
        verdict.maxAbs(),
        verdict.bound(),
        verdict,
        int8,
        findings,
        block,
        fused,
        stride,
        padding,
        List.copyOf(g.keys));
  }

  /**
   * A seeded standard-normal probe {@code [1, in, S, S]}, {@code S = max(5, K + 2)}: every output
   * pixel kind is in it (corners, edges, and at least one whose window lies wholly inside), and it
   * is small enough to judge every block of a large network quickly.
   */
  private static INDArray probe(int in, int kernel, DataType dtype) {
    int side = Math.max(PROBE_MIN, kernel + 2);
    Random r = new Random(PROBE_SEED);
    double[] v = new double[in * side * side];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return Nd4j.create(v, new long[] {1, in, side, side}, DataType.DOUBLE).castTo(dtype);
  }

  private static BlockReport failed(
      KeyGroups.Group g,
      List<Finding> findings,
      Set<String> branches,
      BlockOverride override,
      int out,
      int in,
      int kernel,
      int groups) {
    return new BlockReport(
        g.prefix,
        g.family,
        false,
        out,
        in,
        kernel,
        groups,
        List.copyOf(branches),
        Double.NaN,
        0,
        new Verdict(Double.NaN, 0, "float32", null),
        null,
        findings,
        null,
        null,
        override == null ? 1 : override.stride(),
        override == null ? kernel / 2 : override.padding(),
        List.copyOf(g.keys));
  }

  private static String precision(ImportedBlock b) {
    return b.weights().dtype() == DataType.DOUBLE ? "float64" : "float32";
  }

  /** An importer's problem line as a finding, its key named in full. */
  private static Finding importProblem(KeyGroups.Group g, String problem) {
    String kind =
        problem.startsWith("missing '") || problem.startsWith("the file has no '")
            ? Finding.MISSING_KEY
            : problem.startsWith("unknown key '") ? Finding.UNEXPECTED_KEY : Finding.NOT_IMPORTED;
    String text = problem;
    if (!g.prefix.isEmpty()) {
      Matcher m = QUOTED.matcher(problem);
      if (m.find()) {
        text =
            problem.substring(0, m.start())
                + "'"
                + g.prefix
                + "."
                + m.group(1)
                + "'"
                + problem.substring(m.end());
      }
    }
    text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
    String tail =
        switch (kind) {
          case Finding.MISSING_KEY ->
              "; the block is only partly present (strict=False hides this)";
          case Finding.UNEXPECTED_KEY -> "; strict=True would refuse it";
          default -> "";
        };
    return new Finding(
        Finding.Severity.ERROR, g.prefix, kind, name(g.prefix) + ": " + text + tail + ".");
  }

  private static Optional<Finding> int8Finding(String prefix, Int8Report r) {
    if (r.perTensorPenalty() < INT8_PENALTY_WARNING || r.perTensorError() < INT8_ERROR_WARNING) {
      return Optional.empty();
    }
    int c = r.widestChannel();
    return Optional.of(
        new Finding(
            Finding.Severity.WARNING,
            prefix,
            Finding.INT8,
            name(prefix)
                + ": per-tensor INT8 loses "
                + percent(r.perTensorError())
                + " of the fused kernel, per-channel only "
                + percent(r.perChannelError())
                + ". Output channel "
                + c
                + "'s range is "
                + String.format(Locale.ROOT, "%.0f", r.dynamicRange())
                + "× the median"
                + (r.inflatingBranch() == null
                    ? ""
                    : ", inflated by the " + r.inflatingBranch() + " branch")
                + "; quantize this layer per channel."));
  }

  // ---------------------------------------------------------------- text

  static String name(String prefix) {
    return prefix.isEmpty() ? "The block" : prefix;
  }

  static String percent(double v) {
    return String.format(Locale.ROOT, v >= 0.1 ? "%.0f%%" : "%.2g%%", 100 * v);
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
