package dev.replens.app.cli;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.network.NetworkConversionException;
import dev.replens.engine.network.NetworkConverter;
import dev.replens.engine.network.NetworkInspector;
import dev.replens.engine.network.NetworkReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code replens bench convert}: the full-width RepVGG-A0 layout (Ding et al., RepVGG, Table 2:
 * stages of 1, 2, 4, 14, 1 blocks, widths 48, 48, 96, 192, 1280, a 1000-way classifier), random
 * weights generated in this process and saved as a {@code .pth}; then reading, inspecting and
 * converting it is timed, with the heap's peak.
 */
@Command(
    name = "convert",
    description =
        "Time loading, inspecting and converting a RepVGG-A0-sized network (random weights, about"
            + " 8.3M training-form parameters), and report the peak heap.",
    mixinStandardHelpOptions = true)
final class BenchConvertCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** The A0 layout: blocks per stage and widths. */
  static final int[] BLOCKS = {1, 2, 4, 14, 1};

  static final int[] WIDTHS = {48, 48, 96, 192, 1280};

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("replens-bench-convert");
      Path in = dir.resolve("repvgg_a0.pth");
      Map<String, INDArray> sd = repVggA0(1);
      long params = sd.values().stream().mapToLong(INDArray::length).sum();
      Checkpoints.write(in, sd, Map.of(), Progress.NONE);
      out.printf(
          Locale.ROOT,
          "network  RepVGG-A0 layout, %d blocks, %.2fM training-form parameters, %.1f MB .pth%n",
          Arrays.stream(BLOCKS).sum(),
          params / 1e6,
          Files.size(in) / 1e6);
      sd = null;
      System.gc();
      List<MemoryPoolMXBean> heap =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .toList();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      var threads = ManagementFactory.getThreadMXBean();
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      Checkpoint ckpt = Checkpoints.read(in, Progress.NONE);
      long t1 = System.nanoTime();
      NetworkReport report = NetworkInspector.inspect(ckpt, Progress.NONE);
      long t2 = System.nanoTime();
      Checkpoint deploy = NetworkConverter.convert(ckpt, report, Progress.NONE);
      long t3 = System.nanoTime();
      long c3 = threads.getCurrentThreadCpuTime();
      Checkpoints.write(dir.resolve("deploy.pth"), deploy, Progress.NONE);
      long t4 = System.nanoTime();
      long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      out.printf(Locale.ROOT, "load     %7.0f ms%n", (t1 - t0) / 1e6);
      out.printf(
          Locale.ROOT,
          "inspect  %7.0f ms  (%d blocks fused, judged and quantized)%n",
          (t2 - t1) / 1e6,
          report.blocks().size());
      out.printf(Locale.ROOT, "convert  %7.0f ms%n", (t3 - t2) / 1e6);
      out.printf(
          Locale.ROOT,
          "total    %7.0f ms  load + inspect + convert (target < 3000 ms)%n",
          (t3 - t0) / 1e6);
      out.printf(
          Locale.ROOT,
          "cpu      %7.0f ms  this thread's CPU time for the same work (a busy machine inflates"
              + " the wall time, not this)%n",
          (c3 - c0) / 1e6);
      out.printf(
          Locale.ROOT, "write    %7.0f ms  deploy .pth, not in the total%n", (t4 - t3) / 1e6);
      out.printf(
          Locale.ROOT,
          "heap     %7.0f MB peak (target < 1024 MB; -Xmx %d MB)%n",
          peak / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576);
      out.printf(
          "verdict  %s%n",
          report.withinRoundOff()
              ? "every block within round-off"
              : "a block fused beyond round-off");
      out.flush();
      return report.withinRoundOff() ? RepLensCli.OK : RepLensCli.TOLERANCE_EXCEEDED;
    } catch (IOException | WeightFileException | NetworkConversionException e) {
      err.println("replens bench convert: " + e.getMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /** Training-form RepVGG-A0 with random weights and trained-looking BN statistics. */
  static Map<String, INDArray> repVggA0(long seed) {
    Nd4j.getRandom().setSeed(seed);
    Map<String, INDArray> sd = new LinkedHashMap<>();
    int in = 3;
    for (int s = 0; s < BLOCKS.length; s++) {
      for (int b = 0; b < BLOCKS[s]; b++) {
        int out = WIDTHS[s];
        int stride = b == 0 ? 2 : 1;
        String p = s == 0 ? "stage0" : "stage" + s + "." + b;
        if (in == out && stride == 1) {
          bn(sd, p + ".rbr_identity", in);
        }
        sd.put(p + ".rbr_dense.conv.weight", conv(out, in, 3));
        bn(sd, p + ".rbr_dense.bn", out);
        sd.put(p + ".rbr_1x1.conv.weight", conv(out, in, 1));
        bn(sd, p + ".rbr_1x1.bn", out);
        in = out;
      }
    }
    sd.put("linear.weight", Nd4j.randn(DataType.FLOAT, 1000, in).muli(0.03));
    sd.put("linear.bias", Nd4j.zeros(DataType.FLOAT, 1000));
    return sd;
  }

  private static INDArray conv(int out, int in, int k) {
    return Nd4j.randn(DataType.FLOAT, out, in, k, k).muli(1.0 / Math.sqrt(in * k * k));
  }

  private static void bn(Map<String, INDArray> sd, String p, int c) {
    sd.put(p + ".weight", Nd4j.rand(DataType.FLOAT, c).addi(0.5));
    sd.put(p + ".bias", Nd4j.randn(DataType.FLOAT, c).muli(0.1));
    sd.put(p + ".running_mean", Nd4j.randn(DataType.FLOAT, c).muli(0.1));
    sd.put(p + ".running_var", Nd4j.rand(DataType.FLOAT, c).addi(0.5));
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
