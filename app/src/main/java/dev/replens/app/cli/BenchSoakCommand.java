package dev.replens.app.cli;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.MemoryUsage;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens bench soak}: trains for many steps (or many runs) in this JVM and reports the
 * resident set at the start, the middle and the end. The start is taken after a tenth of the steps
 * (at most 500), once the JVM's heap has filled and is reused. With {@code --runs R}, R trainers
 * are built, trained and closed one after another, and the growth compares the resident set after
 * the last run with that after the first. The last line is always {@code rss growth: P%}.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "Train for many steps in one JVM and report how the resident set grows.")
public final class BenchSoakCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  TrainCommand.BlockChoice block = new TrainCommand.BlockChoice();

  @Option(
      names = "--steps",
      defaultValue = "5000",
      description = "Steps (per run) (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--runs",
      defaultValue = "1",
      description = "Trainers built, trained and closed in turn (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--mode",
      defaultValue = "online",
      description = "Training mode (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--channels",
      defaultValue = "16",
      description = "Block channels C (default ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--float64", description = "Train in float64 instead of float32.")
  boolean float64;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TrainMode m;
    NetworkSpec net;
    try {
      m = TrainMode.parse(mode);
      if (steps < 2 || runs < 1 || channels < 1 || batch < 1) {
        throw new BadInputException(
            "--steps must be at least 2, and --runs, --channels and --batch positive");
      }
      BlockSpec b = Inputs.block(block.design, block.sample, "dbb");
      net = new NetworkSpec(b, 1, channels, channels, 3, 32, 32, 10);
      net.layerBlocks();
    } catch (IllegalArgumentException | BadInputException e) {
      err.println("replens bench soak: " + e.getMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
    DataType dt = float64 ? DataType.DOUBLE : DataType.FLOAT;
    DatasetSplit data = ShapesDataset.split(ShapesDataset.Variant.RGB_32, 1024, 16, 1);
    // The start is taken once the JVM has settled (its heap fills and is reused from then on):
    // after a tenth of the steps, at most 500.
    int warmup = Math.min(500, Math.max(1, steps / 10));
    out.printf(
        Locale.ROOT,
        "bench soak: %s block, %s, C=%d, batch %d, %s, %d run(s) of %d steps; start = after %d"
            + " warm-up steps%n",
        block.sample != null ? block.sample : block.design != null ? block.design : "dbb",
        m,
        channels,
        batch,
        float64 ? "float64" : "float32",
        runs,
        steps,
        warmup);
    long firstRun = 0;
    long lastRun = 0;
    long start = 0;
    long end = 0;
    for (int r = 1; r <= runs; r++) {
      TrainConfig cfg =
          TrainConfig.defaults(m, steps, r)
              .withBatchSize(batch)
              .withOptimizer(OptimizerConfig.sgd(0.02, 0.9, 1e-4))
              .withMetricsEvery(0)
              .withValidation(0, 16)
              .withDtype(dt);
      try (Trainer t = Trainer.create(net, cfg, data)) {
        for (int s = 1; s <= steps; s++) {
          t.step(false);
          if (runs == 1 && (s == warmup || s == steps / 2 || s == steps)) {
            long rss = MemoryUsage.processNow();
            String at = s == warmup ? "start" : s == steps ? "end" : "middle";
            out.printf(
                Locale.ROOT,
                "step %d (%s): rss %.0f MiB (Java heap committed %.0f MiB)%n",
                s,
                at,
                MemoryUsage.mib(rss),
                MemoryUsage.mib(Runtime.getRuntime().totalMemory()));
            out.flush();
            if (s == warmup) {
              start = rss;
            }
            end = rss;
          }
        }
      } catch (RuntimeException e) {
        err.println("replens bench soak: run " + r + ": " + e.getMessage());
        err.flush();
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
      if (runs > 1) {
        long rss = MemoryUsage.processNow();
        out.printf(Locale.ROOT, "run %d: rss %.0f MiB%n", r, MemoryUsage.mib(rss));
        out.flush();
        if (r == 1) {
          firstRun = rss;
        }
        lastRun = rss;
      }
    }
    double growth =
        runs > 1
            ? 100.0 * (lastRun - firstRun) / firstRun
            : 100.0 * (end - start) / Math.max(1, start);
    out.printf(Locale.ROOT, "rss growth: %.1f%%%n", growth);
    out.flush();
    return RepLensCli.OK;
  }
}
