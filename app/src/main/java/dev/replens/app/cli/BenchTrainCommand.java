package dev.replens.app.cli;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.GraphTuning;
import dev.replens.engine.train.MemoryUsage;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens bench train}: times the training modes on the same block, data and seed and prints
 * ms/step and memory side by side.
 *
 * <p>Each configuration runs in a fresh child JVM (same classpath and JVM options), one after
 * another, so that one mode's memory can't hide in another's figures: peak RSS is the child's
 * resident set at its highest from just before the network is built to the last timed step (the
 * kernel's high-water mark of the whole resident set, reset at that point, so that what a step
 * frees before it ends counts too, on the same footing as PyTorch's {@code ru_maxrss}; where
 * Linux's figures can't be read, JavaCPP's resident set after each timed step), growth is that
 * minus the resident set before the network was built, and the working set is every array one
 * training step uses (the trainer recycles them from step to step). {@code --in-process} runs them
 * all in this JVM instead.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Time offline vs online vs plain training of one block, side by side.")
public final class BenchTrainCommand implements Callable<Integer> {

  private static final String RESULT = "BENCH-RESULT";

  /** Batches of images the bench holds. */
  static final int DATA_BATCHES = 16;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  TrainCommand.BlockChoice block = new TrainCommand.BlockChoice();

  @Option(
      names = "--modes",
      defaultValue = "offline,online,plain",
      split = ",",
      description = "Modes to time (default ${DEFAULT-VALUE}).")
  List<String> modes;

  @Option(
      names = "--channels",
      defaultValue = "32",
      description = "Block channels C (default ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--depth",
      defaultValue = "1",
      description = "Copies of the block (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--warmup",
      defaultValue = "20",
      description =
          "Untimed steps first, in both engines (default ${DEFAULT-VALUE}): a fresh JVM"
              + " compiles the step's Java loops during its first steps, a one-off cost that a"
              + " training run of hundreds of steps doesn't see.")
  int warmup;

  @Option(
      names = "--float64",
      description = "Train in float64 instead of float32 (PyTorch's timing stays float32).")
  boolean float64;

  @Option(
      names = "--steps",
      defaultValue = "20",
      description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--ablation",
      description = "Also time offline and online with each ND4J workaround switched off.")
  boolean ablation;

  @Option(
      names = "--require-speedup",
      paramLabel = "X",
      description = "Exit 1 unless online is at least X times faster per step than offline.")
  Double requireSpeedup;

  @Option(
      names = "--torch",
      description =
          "Also time the same modes in PyTorch (python3 with torch, tools/train/torch_bench.py),"
              + " each right after ours, and print ours / PyTorch's median ms/step.")
  boolean torch;

  @Option(
      names = "--graph",
      description = "Also time each mode with the SameDiff graph instead of the lean step.")
  boolean graph;

  @Option(
      names = "--in-process",
      description = "Measure every configuration in this JVM instead of one child JVM each.")
  boolean inProcess;

  @Option(
      names = "--child",
      hidden = true,
      description = "Internal: measure one configuration and print the result.")
  String child;

  @Spec CommandSpec spec;

  private PrintWriter out;
  private PrintWriter err;

  /**
   * One measured configuration.
   *
   * @param label what was measured
   * @param medianMs median ms/step of the timed steps
   * @param minMs fastest step
   * @param workingSet bytes of arrays one step uses (0 if the trainer didn't recycle them)
   * @param meanMs mean ms/step, NaN where not measured
   * @param rssPeak the process's peak resident set while training
   * @param rssGrowth the peak minus the resident set before the network was built; negative where
   *     not measured
   */
  record Result(
      String label,
      double medianMs,
      double meanMs,
      double minMs,
      long workingSet,
      long rssPeak,
      long rssGrowth) {}

  /** A configuration to measure: a mode and the workarounds in effect. */
  record Config(TrainMode mode, GraphTuning tuning, String label) {
    String encode() {
      return mode.id()
          + ":"
          + tuning.recycleStepMemory()
          + ":"
          + tuning.maskRelu()
          + ":"
          + tuning.fullShapeScale()
          + ":"
          + tuning.lean();
    }

    static Config decode(String s) {
      String[] p = s.split(":");
      GraphTuning t =
          new GraphTuning(
              Boolean.parseBoolean(p[1]),
              Boolean.parseBoolean(p[2]),
              Boolean.parseBoolean(p[3]),
              Boolean.parseBoolean(p[4]));
      TrainMode m = TrainMode.parse(p[0]);
      return new Config(m, t, label(m, t));
    }

    static String label(TrainMode m, GraphTuning t) {
      return t.equals(GraphTuning.DEFAULT) ? m.toString() : m + " (" + t.describe() + ")";
    }
  }

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    try {
      return bench();
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int bench() {
    List<Config> configs = new ArrayList<>();
    BlockSpec spec;
    NetworkSpec net;
    try {
      for (String m : modes) {
        TrainMode mode = TrainMode.parse(m.trim());
        configs.add(new Config(mode, GraphTuning.DEFAULT, mode.toString()));
      }
      if (channels < 1 || batch < 1 || steps < 1 || warmup < 0 || depth < 1) {
        throw new BadInputException("--channels, --batch, --steps and --depth must be positive");
      }
      spec = Inputs.block(block.design, block.sample, "dbb");
      net = new NetworkSpec(spec, depth, channels, channels, 3, 32, 32, 10);
      net.layerBlocks();
    } catch (IllegalArgumentException | BadInputException e) {
      err.println("replens bench train: " + e.getMessage());
      return RepLensCli.BAD_INPUT;
    }
    if (child != null) {
      Config c = Config.decode(child);
      Result r = measure(net, c);
      out.printf(
          Locale.ROOT,
          "%s %s %.4f %.4f %.4f %d %d %d%n",
          RESULT,
          c.encode(),
          r.medianMs(),
          r.meanMs(),
          r.minMs(),
          r.workingSet(),
          r.rssPeak(),
          r.rssGrowth());
      return RepLensCli.OK;
    }
    if (graph) {
      for (TrainMode m : new ArrayList<>(configs.stream().map(Config::mode).toList())) {
        configs.add(new Config(m, GraphTuning.GRAPH, Config.label(m, GraphTuning.GRAPH)));
      }
    }
    TorchBench torchBench = null;
    if (torch) {
      torchBench = TorchBench.find(channels, batch, depth, warmup, steps);
      if (torchBench == null) {
        out.println(
            "PyTorch comparison skipped: it needs /usr/bin/python3 with torch"
                + " (sudo apt install python3-torch)");
      }
    }
    if (ablation) {
      for (TrainMode m : List.of(TrainMode.OFFLINE, TrainMode.ONLINE)) {
        for (GraphTuning t :
            List.of(
                new GraphTuning(false, true, true),
                new GraphTuning(true, false, true),
                new GraphTuning(true, true, false))) {
          configs.add(new Config(m, t, Config.label(m, t)));
        }
      }
    }
    String omp = System.getenv("OMP_NUM_THREADS");
    out.printf(
        Locale.ROOT,
        "bench train: %s block (%d branches), C=%d, 32x32 RGB shapes, batch %d, depth %d, %s,"
            + " SGD; %d warm-up + %d timed steps; OpenMP threads %s (ND4J max %d); %s%n",
        block.design != null
            ? block.design.toString()
            : (block.sample == null ? "dbb" : block.sample),
        spec.branches().size(),
        channels,
        batch,
        depth,
        float64 ? "float64" : "float32",
        warmup,
        steps,
        omp == null ? "unset" : omp,
        Nd4j.getEnvironment().maxThreads(),
        inProcess ? "all in this JVM" : "one child JVM per configuration");
    List<Result> results = new ArrayList<>();
    List<Result> torchResults = new ArrayList<>();
    for (Config c : configs) {
      out.printf(Locale.ROOT, "%-40s", c.label() + " ...");
      out.flush();
      Result r;
      try {
        r = inProcess ? measure(net, c) : measureInChild(c);
      } catch (IOException | RuntimeException e) {
        out.println();
        err.println(
            "replens bench train: " + c.label() + ": measurement failed: " + e.getMessage());
        return RepLensCli.TOLERANCE_EXCEEDED;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
      out.printf(Locale.ROOT, " %8.1f ms/step%n", r.medianMs());
      results.add(r);
      if (torchBench != null && c.tuning().equals(GraphTuning.DEFAULT)) {
        String label = "PyTorch " + c.mode();
        out.printf(Locale.ROOT, "%-40s", label + " ...");
        out.flush();
        try {
          Result t = torchBench.measure(c.mode(), label);
          out.printf(Locale.ROOT, " %8.1f ms/step%n", t.medianMs());
          torchResults.add(t);
        } catch (IOException | RuntimeException e) {
          out.println();
          err.println("replens bench train: PyTorch " + c.mode() + ": " + e.getMessage());
          return RepLensCli.TOLERANCE_EXCEEDED;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return RepLensCli.TOLERANCE_EXCEEDED;
        }
      }
    }
    List<Result> all = new ArrayList<>(results);
    all.addAll(torchResults);
    printTable(all);
    Result off = find(results, TrainMode.OFFLINE.toString());
    Result on = find(results, TrainMode.ONLINE.toString());
    if (off != null && on != null) {
      double speedup = off.medianMs() / on.medianMs();
      out.printf(
          Locale.ROOT,
          "online vs offline: %.2fx faster per step; working set %.2fx, RSS growth %.2fx,"
              + " peak RSS %.2fx (before training each process held ~%.0f MiB)%n",
          speedup,
          (double) on.workingSet() / Math.max(1, off.workingSet()),
          (double) on.rssGrowth() / Math.max(1, off.rssGrowth()),
          (double) on.rssPeak() / Math.max(1, off.rssPeak()),
          MemoryUsage.mib((on.rssPeak() - on.rssGrowth() + off.rssPeak() - off.rssGrowth()) / 2));
      if (requireSpeedup != null && speedup < requireSpeedup) {
        out.printf(Locale.ROOT, "required speed-up %.2fx NOT reached%n", requireSpeedup);
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
    }
    if (!torchResults.isEmpty()) {
      out.println();
      out.printf(
          Locale.ROOT,
          "%-10s %16s %16s %7s %17s %17s%n",
          "mode",
          "RepLens ms/step",
          "PyTorch ms/step",
          "ratio",
          "RepLens peak RSS",
          "PyTorch peak RSS");
      for (Result t : torchResults) {
        Result ours = find(results, t.label().substring("PyTorch ".length()));
        out.printf(
            Locale.ROOT,
            "%-10s %16.1f %16.1f %6.2fx %13.0f MiB %13.0f MiB%n",
            ours.label(),
            ours.medianMs(),
            t.medianMs(),
            ours.medianMs() / t.medianMs(),
            MemoryUsage.mib(ours.rssPeak()),
            MemoryUsage.mib(t.rssPeak()));
      }
      StringBuilder line = new StringBuilder("ratio vs torch:");
      for (Result t : torchResults) {
        String mode = t.label().substring("PyTorch ".length());
        Result ours = find(results, mode);
        line.append(String.format(Locale.ROOT, " %s %.2f", mode, ours.medianMs() / t.medianMs()));
      }
      out.println(line);
    }
    return RepLensCli.OK;
  }

  private void printTable(List<Result> results) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-40s %9s %8s %8s %12s %12s %12s%n",
        "mode",
        "ms/step",
        "mean",
        "min",
        "working set",
        "peak RSS",
        "RSS growth");
    for (Result r : results) {
      out.printf(
          Locale.ROOT,
          "%-40s %9.1f %8s %8.1f %12s %8.0f MiB %12s%n",
          r.label(),
          r.medianMs(),
          Double.isNaN(r.meanMs()) ? "-" : String.format(Locale.ROOT, "%.1f", r.meanMs()),
          r.minMs(),
          r.workingSet() > 0
              ? String.format(Locale.ROOT, "%8.0f MiB", MemoryUsage.mib(r.workingSet()))
              : "-",
          MemoryUsage.mib(r.rssPeak()),
          r.rssGrowth() >= 0
              ? String.format(Locale.ROOT, "%8.0f MiB", MemoryUsage.mib(r.rssGrowth()))
              : "-");
    }
    out.println("(ms/step: median of the timed steps; working set: the arrays of one step)");
  }

  private Result measureInChild(Config c) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(dev.replens.app.Launcher.class.getName());
    cmd.addAll(
        List.of(
            "bench",
            "train",
            "--child",
            c.encode(),
            "--channels",
            Integer.toString(channels),
            "--batch",
            Integer.toString(batch),
            "--depth",
            Integer.toString(depth),
            "--warmup",
            Integer.toString(warmup),
            "--steps",
            Integer.toString(steps),
            "--seed",
            Long.toString(seed)));
    if (float64) {
      cmd.add("--float64");
    }
    if (block.design != null) {
      cmd.addAll(List.of("--design", block.design.toString()));
    } else if (block.sample != null) {
      cmd.addAll(List.of("--sample", block.sample));
    }
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Result r = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(RESULT + " ")) {
          String[] f = line.split(" ");
          r =
              new Result(
                  c.label(),
                  Double.parseDouble(f[2]),
                  Double.parseDouble(f[3]),
                  Double.parseDouble(f[4]),
                  Long.parseLong(f[5]),
                  Long.parseLong(f[6]),
                  Long.parseLong(f[7]));
        }
      }
    }
    int code = p.waitFor();
    if (r == null) {
      throw new IOException("the child JVM exited with " + code + " and no result");
    }
    return r;
  }

  /**
   * The {@code bench} parent of this command on this branch. Where a {@code bench} command with
   * other benchmarks exists, register {@link BenchTrainCommand} in its subcommands instead.
   */
  private static Result find(List<Result> rs, String label) {
    return rs.stream().filter(r -> r.label().equals(label)).findFirst().orElse(null);
  }

  private Result measure(NetworkSpec net, Config c) {
    // A fixed 16 batches (at least 256 images), drawn in turn: the data's memory is the same in
    // every mode and doesn't grow with --steps (PyTorch's bench holds one batch).
    int images = Math.max(batch * DATA_BATCHES, 256);
    DatasetSplit data = ShapesDataset.split(ShapesDataset.Variant.RGB_32, images, 16, seed);
    Nd4j.create(DataType.FLOAT, 1).addi(1); // load the native libraries before the baseline
    System.gc();
    // The kernel's figures where it gives them (the whole resident set, as PyTorch's ru_maxrss),
    // else JavaCPP's, sampled after each step.
    boolean kernel = MemoryUsage.residentBytes() > 0 && MemoryUsage.resetPeak();
    long rssBefore = kernel ? MemoryUsage.residentBytes() : Pointer.physicalBytes();
    TrainConfig cfg =
        TrainConfig.defaults(c.mode(), warmup + steps, seed)
            .withBatchSize(batch)
            .withOptimizer(OptimizerConfig.sgd(0.05, 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 16)
            .withDtype(float64 ? DataType.DOUBLE : DataType.FLOAT)
            .withGcEvery(c.tuning().recycleStepMemory() ? 0 : 10);
    double[] times = new double[steps];
    long rssPeak = 0;
    long workingSet;
    try (Trainer t = Trainer.create(net, cfg, data, c.tuning())) {
      for (int i = 0; i < warmup; i++) {
        t.step(false);
      }
      for (int i = 0; i < steps; i++) {
        StepMetrics s = t.step(false);
        times[i] = s.stepMillis();
        if (!kernel) {
          rssPeak = Math.max(rssPeak, Pointer.physicalBytes());
        }
      }
      workingSet = t.stepWorkingSetBytes();
    }
    if (kernel) {
      // The high-water mark also catches what a step frees before it ends.
      rssPeak = MemoryUsage.peakBytes();
    }
    double[] sorted = times.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double mean = Arrays.stream(times).average().orElse(0);
    return new Result(c.label(), median, mean, sorted[0], workingSet, rssPeak, rssPeak - rssBefore);
  }
}
