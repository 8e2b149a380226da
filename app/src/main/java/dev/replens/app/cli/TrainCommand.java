package dev.replens.app.cli;

import dev.replens.app.Messages;
import dev.replens.engine.data.DataLoadException;
import dev.replens.engine.data.DataSources;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.DeployCheck;
import dev.replens.engine.train.DeployReport;
import dev.replens.engine.train.MemoryUsage;
import dev.replens.engine.train.MetricsHistory;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingListener;
import dev.replens.engine.train.TrainingRun;
import dev.replens.engine.train.ValidationMetrics;
import dev.replens.engine.train.dyrep.DyRep;
import dev.replens.engine.train.dyrep.DyRepConfig;
import dev.replens.engine.train.dyrep.DyRepEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens train}: trains a block in a small classifier headless, prints progress and final
 * figures, optionally writes the metrics as CSV, and fuses and verifies the result.
 *
 * <p>Exit codes: 0 done and verified; 1 the run diverged or the deploy form is not exact; 2 bad
 * input (one line on stderr).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a block in a small classifier and fuse-and-verify the result.")
public final class TrainCommand implements Callable<Integer> {

  static final class BlockChoice {
    @Option(names = "--design", paramLabel = "FILE", description = "A block design (JSON).")
    Path design;

    @Option(
        names = "--sample",
        paramLabel = "NAME",
        description =
            "A bundled sample design (see replens designs), e.g. repvgg or dbb (default repvgg).")
    String sample;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  BlockChoice block = new BlockChoice();

  @Option(
      names = "--dataset",
      defaultValue = "shapes",
      description =
          "shapes (gray 28x28), shapes-rgb (RGB 32x32), an MNIST-style IDX folder or an image"
              + " folder (default ${DEFAULT-VALUE}).")
  String dataset;

  @Option(
      names = "--mode",
      defaultValue = "offline",
      description =
          "offline, online, plain, repopt or csla (default ${DEFAULT-VALUE}). csla trains"
              + " RepOptimizer's scaled KxK + 1x1 + identity block; repopt its single-conv twin"
              + " with gradient multipliers; from the same seed and scales they coincide under"
              + " SGD.")
  String mode;

  @Option(
      names = "--scales",
      paramLabel = "SC,S1,SID",
      description =
          "The CSLA scales s_c, s_1, s_id for --mode csla and repopt (default 1,1,1). Use"
              + " repopt-check to watch the two forms side by side.")
  String scales;

  @Option(
      names = "--dyrep",
      description =
          "Grow and cut branches while training (DyRep): every --dyrep-interval steps the plain"
              + " conv with the largest saliency grows into the 7-branch block, and weak branches"
              + " are folded back. Starts from the block's plain form (one KxK conv + BN).")
  boolean dyrep;

  @Option(
      names = "--dyrep-interval",
      defaultValue = "50",
      paramLabel = "T",
      description = "Steps between DyRep adjustments (default ${DEFAULT-VALUE}).")
  int dyrepInterval;

  @Option(
      names = "--dyrep-min-spread",
      defaultValue = "0.02",
      description =
          "Cut only when a block's branch weights spread by more than this (default"
              + " ${DEFAULT-VALUE}, DyRep's value).")
  double dyrepMinSpread;

  @Option(
      names = "--steps",
      defaultValue = "300",
      description = "Optimizer steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of weights, data and batch order (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--metrics",
      paramLabel = "CSV",
      description = "Write per-step metrics here (branch metrics go next to it, *-branches.csv).")
  Path metrics;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--optimizer",
      defaultValue = "sgd",
      description = "sgd, adam or adamw (default ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(
      names = "--lr",
      defaultValue = "0.05",
      description = "Learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(
      names = "--momentum",
      defaultValue = "0.9",
      description = "SGD momentum (default ${DEFAULT-VALUE}).")
  double momentum;

  @Option(
      names = "--weight-decay",
      defaultValue = "1e-4",
      description = "Weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--depth",
      defaultValue = "2",
      description = "Copies of the block (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--width",
      defaultValue = "16",
      description = "Channels of every block (default ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--stem-width", description = "Stem channels (default: the block width).")
  Integer stemWidth;

  @Option(
      names = "--dtype",
      defaultValue = "float32",
      description = "float32 or float64 (default ${DEFAULT-VALUE}).")
  String dtype;

  @Option(
      names = "--validate-every",
      defaultValue = "50",
      description = "Validate every N steps (default ${DEFAULT-VALUE}).")
  int validateEvery;

  @Option(
      names = "--validation-limit",
      defaultValue = "1000",
      description = "Validate on at most N images (default ${DEFAULT-VALUE}).")
  int validationLimit;

  @Option(
      names = "--metrics-every",
      defaultValue = "10",
      description = "Branch metrics every N steps, 0 for none (default ${DEFAULT-VALUE}).")
  int metricsEvery;

  @Option(
      names = "--train-size",
      defaultValue = "5000",
      description = "Generated training images for shapes (default ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(
      names = "--val-size",
      defaultValue = "1000",
      description = "Generated validation images for shapes (default ${DEFAULT-VALUE}).")
  int valSize;

  @Option(
      names = "--image-size",
      defaultValue = "32",
      description = "Side image folders are resized to (default ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(
      names = "--image-channels",
      defaultValue = "3",
      description = "1 or 3 for image folders (default ${DEFAULT-VALUE}).")
  int imageChannels;

  @Option(
      names = "--progress-every",
      description = "Print a progress line every N steps (default: about 20 lines).")
  Integer progressEvery;

  @Option(names = "--no-verify", description = "Skip fuse and verify.")
  boolean noVerify;

  @Option(
      names = "--save-block",
      paramLabel = "OUT.npz",
      description =
          "Write the last block's trained weights (BN running statistics included) under the"
              + " design's own keys, so the design opens with them (offline mode trains the design"
              + " itself; other modes write their training form's keys).")
  Path saveBlock;

  @Spec CommandSpec spec;

  private PrintWriter out;
  private PrintWriter err;

  @Override
  public Integer call() throws InterruptedException {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    try {
      return train();
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int train() throws InterruptedException {
    Setup setup;
    try {
      setup = setup();
    } catch (BadInputException e) {
      err.println("replens train: " + e.getMessage());
      return RepLensCli.BAD_INPUT;
    }
    out.printf(
        Locale.ROOT,
        "training %s (%s) in %s mode on %s: %d steps, batch %d, %s, seed %d%n",
        block.design != null ? block.design : (block.sample == null ? "repvgg" : block.sample),
        describe(setup.net) + (dyrep ? ", its plain form for DyRep" : ""),
        setup.config.mode(),
        setup.data.train(),
        setup.config.steps(),
        setup.config.batchSize(),
        setup.config.optimizer().describe(),
        setup.config.seed());
    MetricsHistory history = new MetricsHistory();
    int every = progressEvery != null ? Math.max(1, progressEvery) : Math.max(1, steps / 20);
    ValidationMetrics[] lastVal = new ValidationMetrics[1];
    DyRep dy =
        dyrep ? new DyRep(DyRepConfig.defaults(dyrepInterval).withCut(0.1, dyrepMinSpread)) : null;
    int[] eventsShown = new int[1];
    try (TrainingRun run =
        new TrainingRun(
            c -> {
              Trainer t = Trainer.create(setup.net, c, setup.data, setup.forms);
              if (dy != null) {
                dy.attach(t);
              }
              return t;
            },
            setup.config)) {
      if (dy != null) {
        run.addListener(dy);
        out.printf(
            Locale.ROOT,
            "DyRep: every %d steps grow the most salient plain conv, cut branches whose BN-γ"
                + " weight is < 0.1 and below the block's mean (when they spread by > %s)%n",
            dyrepInterval,
            dyrepMinSpread);
      }
      run.addListener(history);
      run.addListener(
          new TrainingListener() {
            @Override
            public void onValidation(ValidationMetrics v) {
              lastVal[0] = v;
            }

            @Override
            public void onStep(StepMetrics m) {
              if (m.step() % every == 0 || m.step() == 1 || m.step() == m.totalSteps()) {
                out.println(progressLine(m, lastVal[0], run.status()));
              }
              if (dy != null) {
                List<DyRepEvent> ev = dy.events();
                for (int i = eventsShown[0]; i < ev.size(); i++) {
                  out.println(eventLine(ev.get(i)));
                }
                eventsShown[0] = ev.size();
              }
            }
          });
      run.start();
      TrainingRun.Status end = run.awaitEnd(Duration.ofDays(365));
      writeMetrics(history);
      if (end.state() == TrainingRun.State.FAILED) {
        out.println("stopped: " + end.message());
        err.println("replens train: " + end.message());
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
      ModelState state;
      try {
        state = run.snapshot().get(10, TimeUnit.MINUTES);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        err.println("replens train: could not read the trained weights: " + e.getMessage());
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
      if (saveBlock != null) {
        var last = state.blocks().get(state.blocks().size() - 1);
        try {
          DesignWeights.write(saveBlock, last.weights());
          out.println(
              "block weights written to "
                  + saveBlock
                  + " ("
                  + last.weights().keys().size()
                  + " arrays)");
        } catch (WeightFileException e) {
          err.println("replens train: " + Messages.of(e));
          return RepLensCli.BAD_INPUT;
        }
      }
      if (dy != null) {
        long grown = dy.events().stream().filter(e -> e.kind() == DyRepEvent.Kind.GROWN).count();
        long cut = dy.events().stream().filter(e -> e.kind() == DyRepEvent.Kind.CUT).count();
        double worst = dy.events().stream().mapToDouble(DyRepEvent::outputChange).max().orElse(0);
        out.printf(
            Locale.ROOT,
            "DyRep: %d grown, %d cut; largest eval-mode output change at a change %.2e%n",
            grown,
            cut,
            worst);
        for (int i = 0; i < state.blocks().size(); i++) {
          out.printf(
              Locale.ROOT,
              "  %s: %s%n",
              ModelState.blockLayer(i),
              state.blocks().get(i).spec().branches().stream()
                  .map(b -> b.id())
                  .collect(java.util.stream.Collectors.joining(", ")));
        }
        dy.roundOffNote().ifPresent(n -> out.println("note: " + n));
      }
      ValidationMetrics v = lastVal[0];
      if (v != null) {
        out.printf(
            Locale.ROOT,
            "validation after %d steps: accuracy %.2f%%, loss %.4f (%d images)%n",
            v.step(),
            100 * v.accuracy(),
            v.loss(),
            v.images());
      }
      double meanMs =
          history.steps().stream()
              .skip(Math.min(5, history.steps().size() - 1))
              .mapToDouble(StepMetrics::stepMillis)
              .average()
              .orElse(0);
      long peakRss =
          history.steps().stream().mapToLong(s -> s.memory().processBytes()).max().orElse(0);
      out.printf(
          Locale.ROOT,
          "speed: %.1f ms/step after warm-up; peak process memory %.0f MiB%n",
          meanMs,
          MemoryUsage.mib(peakRss));
      if (noVerify) {
        return RepLensCli.OK;
      }
      DeployReport r;
      try {
        r = DeployCheck.run(state, setup.data.validation(), validationLimit);
      } catch (IllegalStateException e) {
        out.println("fuse and verify: " + e.getMessage());
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
      out.println(r.summary());
      out.println(
          r.passes() ? "deploy form verified" : "deploy form NOT exact: " + r.verdict().text());
      return r.passes() ? RepLensCli.OK : RepLensCli.TOLERANCE_EXCEEDED;
    }
  }

  private void writeMetrics(MetricsHistory history) {
    if (metrics == null) {
      return;
    }
    try {
      history.writeSteps(metrics);
      String name = metrics.getFileName().toString();
      String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
      Path branches = metrics.resolveSibling(base + "-branches.csv");
      boolean wrote = history.writeBranches(branches);
      out.println("metrics written to " + metrics + (wrote ? " and " + branches : ""));
    } catch (IOException e) {
      err.println(
          "replens train: " + metrics + ": can't write the metrics (" + e.getMessage() + ")");
    }
  }

  static String progressLine(StepMetrics m, ValidationMetrics v, TrainingRun.Status s) {
    return String.format(
        Locale.ROOT,
        "step %5d/%d  loss %.4f  acc %5.1f%%  %s  %5.1f steps/s  ETA %s  %6.1f ms/step  rss %.0f MiB",
        m.step(),
        m.totalSteps(),
        m.loss(),
        100 * m.accuracy(),
        v == null ? "val   -  " : String.format(Locale.ROOT, "val %5.1f%%", 100 * v.accuracy()),
        s.stepsPerSecond(),
        s.eta() == null ? "-" : s.eta().toSeconds() + " s",
        m.stepMillis(),
        MemoryUsage.mib(m.memory().processBytes()));
  }

  static String eventLine(DyRepEvent e) {
    return String.format(
        Locale.ROOT,
        "step %5d  %s %s %s; eval-mode output change %.2e",
        e.step(),
        e.layer(),
        e.kind(),
        String.join(", ", e.branches()),
        e.outputChange());
  }

  private static String describe(NetworkSpec n) {
    return String.format(
        Locale.ROOT,
        "%d block%s of %d channels, %d branch%s",
        n.depth(),
        n.depth() == 1 ? "" : "s",
        n.channels(),
        n.block().branches().size(),
        n.block().branches().size() == 1 ? "" : "es");
  }

  record Setup(NetworkSpec net, TrainConfig config, DatasetSplit data, List<RepOptForm> forms) {}

  /** {@code SC,S1,SID} as three numbers; 1,1,1 when not given. */
  static double[] parseScales(String text) throws BadInputException {
    if (text == null) {
      return new double[] {1, 1, 1};
    }
    String[] p = text.split(",");
    if (p.length != 3) {
      throw new BadInputException(
          "--scales needs three numbers s_c,s_1,s_id (e.g. 1,0.5,1), not '" + text + "'");
    }
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      try {
        out[i] = Double.parseDouble(p[i].trim());
      } catch (NumberFormatException e) {
        throw new BadInputException("--scales: '" + p[i].trim() + "' is not a number");
      }
      if (!Double.isFinite(out[i])) {
        throw new BadInputException("--scales: '" + p[i].trim() + "' is not a finite number");
      }
    }
    return out;
  }

  Setup setup() throws BadInputException {
    TrainMode m;
    OptimizerConfig.Kind kind;
    try {
      m = TrainMode.parse(mode);
      kind = OptimizerConfig.Kind.parse(optimizer);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    DataType dt = Inputs.dtype(dtype);
    if (steps < 1 || batch < 1 || depth < 1 || width < 1) {
      throw new BadInputException("--steps, --batch, --depth and --width must be positive");
    }
    if (dyrep && dyrepInterval < 1) {
      throw new BadInputException("--dyrep-interval must be positive");
    }
    if (dyrep && m != TrainMode.OFFLINE) {
      throw new BadInputException(
          "--dyrep changes the structure of multi-branch blocks, so it trains in offline mode,"
              + " not "
              + m);
    }
    double[] s = parseScales(scales);
    if (scales != null && m != TrainMode.CSLA && m != TrainMode.REPOPT) {
      throw new BadInputException("--scales is for --mode csla and repopt, not " + m);
    }
    BlockSpec spec = Inputs.block(block.design, block.sample, "repvgg");
    if (dyrep) {
      spec = dev.replens.engine.train.TrainingForms.plain(spec);
    }
    DatasetSplit data;
    try {
      data =
          DataSources.open(
              dataset,
              new DataSources.Options(trainSize, valSize, imageSize, imageChannels, 0.1, seed));
    } catch (DataLoadException e) {
      throw new BadInputException(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(dataset + ": " + e.getMessage());
    }
    if (data.train().size() < batch) {
      throw new BadInputException(
          dataset
              + " has "
              + data.train().size()
              + " training images, fewer than one batch of "
              + batch);
    }
    try {
      NetworkSpec net =
          new NetworkSpec(
              spec,
              depth,
              stemWidth == null ? width : stemWidth,
              width,
              data.train().channels(),
              data.train().height(),
              data.train().width(),
              data.train().numClasses());
      net.layerBlocks();
      var tooLarge =
          dev.replens.engine.train.TrainingSize.problem(
              net, batch, dt, dev.replens.engine.memory.MemoryBudget.ofThisMachine());
      if (tooLarge.isPresent()) {
        throw new BadInputException(
            tooLarge.get() + " (--batch " + batch + ", --width " + width + ")");
      }
      if (m == TrainMode.ONLINE) {
        net.layerBlocks().forEach(dev.replens.engine.train.TrainingForms::online);
      }
      OptimizerConfig opt =
          new OptimizerConfig(
              kind,
              lr,
              kind == OptimizerConfig.Kind.SGD ? momentum : 0,
              0.9,
              0.999,
              1e-8,
              weightDecay);
      TrainConfig cfg =
          new TrainConfig(
              m,
              opt,
              batch,
              steps,
              seed,
              validateEvery,
              metricsEvery,
              validationLimit,
              dt,
              50,
              0.1);
      List<RepOptForm> forms = new java.util.ArrayList<>();
      for (int i = 0; i < net.depth(); i++) {
        forms.add(RepOptForm.of(net.layerBlock(i), s[0], s[1], s[2]));
      }
      return new Setup(net, cfg, data, forms);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
