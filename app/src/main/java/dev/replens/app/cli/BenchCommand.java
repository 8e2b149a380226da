package dev.replens.app.cli;

import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.eval.Comparison;
import dev.replens.engine.eval.ConvOps;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.views.heatmap.ChannelWindow;
import dev.replens.views.heatmap.HeatmapGeometry;
import dev.replens.views.heatmap.KernelHeatmapRenderer;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replens bench ...}: timings measured in one process, reported as medians. */
@Command(
    name = "bench",
    description = "Benchmarks. Each reports the median of repeated runs after a warm-up.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchCommand.Fuse.class,
      BenchCommand.ConvThroughput.class,
      BenchCommand.Heatmap.class,
      BenchTrainCommand.class,
      BenchSoakCommand.class,
      BenchStartupCommand.class,
      BenchConvertCommand.class
    })
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return RepLensCli.OK;
  }

  /** Median of {@code runs} timings in milliseconds, after {@code warmup} untimed runs. */
  static double[] time(int warmup, int runs, Runnable r) {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  static double median(double[] sorted) {
    return sorted[sorted.length / 2];
  }

  /** A DBB block (4 branches, 1x1→BN→KxK and 1x1→BN→avg chains) at the given width. */
  static BlockSpec dbb(int c, int k) {
    return new BlockSpec(
        c,
        c,
        k,
        1,
        k / 2,
        1,
        List.of(
            Branch.of("dbb_origin", Conv.square("conv", c, k, 1), BatchNorm.of("bn")),
            Branch.of("dbb_1x1", Conv.square("conv", c, 1, 1), BatchNorm.of("bn")),
            Branch.of(
                "dbb_avg",
                Conv.square("conv", c, 1, 1),
                BatchNorm.of("bn"),
                new AvgPool("avg", k),
                BatchNorm.of("avgbn")),
            Branch.of(
                "dbb_1x1_kxk",
                Conv.square("idconv1", c, 1, 1),
                BatchNorm.of("bn1"),
                Conv.square("conv2", c, k, 1),
                BatchNorm.of("bn2"))),
        List.of(),
        Activation.RELU);
  }

  /** {@code bench fuse}: how long fusing a DBB block takes. */
  @Command(
      name = "fuse",
      description = "Time fusing a DBB block (default 64 channels, 3x3).",
      mixinStandardHelpOptions = true)
  static final class Fuse implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--channels",
        defaultValue = "64",
        description = "Channels (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--kernel", defaultValue = "3", description = "K (default ${DEFAULT-VALUE}).")
    int kernel;

    @Option(
        names = "--runs",
        defaultValue = "20",
        description = "Timed runs (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      BlockSpec s = dbb(channels, kernel);
      Weights w = WeightInit.forAnalysis(s, DataType.FLOAT, 1);
      Pipeline[] last = new Pipeline[1];
      double[] staged = time(3, runs, () -> last[0] = FusionPipeline.run(s, w));
      double[] direct = time(3, runs, () -> Equivalents.of(last[0].training()).fused());
      INDArray probe = Evaluator.probe(s, DataType.FLOAT);
      double[] compared =
          time(
              3,
              runs,
              () -> {
                Pipeline p = last[0];
                INDArray ref =
                    BlockForward.preActivation(p.training().spec(), p.training().weights(), probe);
                for (var step : p.steps()) {
                  Comparison.of(
                      ref,
                      BlockForward.preActivation(
                          step.state().spec(), step.state().weights(), probe));
                }
              });
      double[] judged = time(3, runs, () -> Evaluator.check(last[0], probe));
      out.printf(
          "bench fuse: DBB block, %d→%d channels, K=%d, float32, %d runs%n",
          channels, channels, kernel, runs);
      out.printf(
          "  staged pipeline (%d steps)   median %8.2f ms   min %8.2f ms%n",
          last[0].steps().size(), median(staged), staged[0]);
      out.printf(
          "  direct equivalent kernel    median %8.2f ms   min %8.2f ms%n",
          median(direct), direct[0]);
      out.printf("  every step on the %s probe:%n", Arrays.toString(probe.shape()));
      out.printf(
          "    compared                  median %8.2f ms   min %8.2f ms%n",
          median(compared), compared[0]);
      out.printf(
          "    compared and judged       median %8.2f ms   min %8.2f ms   (round-off bounds:"
              + " %.2fx)%n",
          median(judged), judged[0], median(judged) / median(compared));
      out.flush();
      return RepLensCli.OK;
    }
  }

  /** {@code bench conv}: conv throughput. */
  @Command(
      name = "conv",
      description = "Conv throughput in GFLOP/s (default N64 C32 32x32 3x3).",
      mixinStandardHelpOptions = true)
  static final class ConvThroughput implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--batch", defaultValue = "64")
    int batch;

    @Option(names = "--channels", defaultValue = "32")
    int channels;

    @Option(names = "--size", defaultValue = "32")
    int size;

    @Option(names = "--kernel", defaultValue = "3")
    int kernel;

    @Option(names = "--runs", defaultValue = "20")
    int runs;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "bench conv: N%d C%d %dx%d, %dx%d kernel, stride 1, same padding%n",
          batch, channels, size, size, kernel, kernel);
      for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
        INDArray x = Nd4j.randn(dt, batch, channels, size, size);
        Kernel k = Kernel.of(Nd4j.randn(dt, channels, channels, kernel, kernel), 1);
        INDArray padded = ConvOps.padOrCrop(x, kernel / 2, kernel / 2);
        double[] ms = time(3, runs, () -> ConvOps.conv(padded, k, 1));
        double flops = 2.0 * batch * channels * size * size * channels * kernel * kernel;
        out.printf(
            "  %-8s median %8.2f ms   %7.2f GFLOP/s%n",
            dt == DataType.FLOAT ? "float32" : "float64", median(ms), flops / (median(ms) * 1e6));
      }
      out.flush();
      return RepLensCli.OK;
    }
  }

  /** {@code bench heatmap}: how long re-rendering a kernel heatmap takes. */
  @Command(
      name = "heatmap",
      description = "Time re-rendering a kernel heatmap (default 64x64 channels of 3x3 taps).",
      mixinStandardHelpOptions = true)
  static final class Heatmap implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--channels", defaultValue = "64")
    int channels;

    @Option(names = "--kernel", defaultValue = "3")
    int kernel;

    @Option(names = "--runs", defaultValue = "200")
    int runs;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Kernel k = Kernel.of(Nd4j.randn(DataType.DOUBLE, channels, channels, kernel, kernel), 1);
      KernelSnapshot snap = k.snapshot();
      ChannelWindow all = new ChannelWindow(0, channels, 0, channels);
      out.printf(
          "bench heatmap: %dx%d channels of %dx%d taps, every tap re-coloured each run, %d runs%n",
          channels, channels, kernel, kernel, runs);
      for (int tap : new int[] {4, 8}) {
        HeatmapGeometry g = HeatmapGeometry.of(channels, channels, kernel, kernel, tap);
        int[][] buffer = new int[1][];
        double[] ms =
            time(
                20,
                runs,
                () ->
                    buffer[0] =
                        KernelHeatmapRenderer.render(snap, all, g, snap.maxAbs(), buffer[0]));
        out.printf(
            "  %d px taps (%4d x %4d px)   median %6.2f ms   p95 %6.2f ms   %s 16 ms frame budget%n",
            tap,
            g.width(),
            g.height(),
            median(ms),
            ms[(int) (ms.length * 0.95)],
            ms[(int) (ms.length * 0.95)] < 16 ? "within the" : "OVER the");
      }
      out.flush();
      return RepLensCli.OK;
    }
  }
}
