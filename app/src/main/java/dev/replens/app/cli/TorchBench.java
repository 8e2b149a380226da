package dev.replens.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.train.TrainMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side of {@code replens bench train --torch}: runs {@code tools/train/torch_bench.py
 * --json} for one mode at a time (same network, sizes, optimizer and step counts, 2 threads) and
 * reads its median ms/step and peak RSS.
 */
final class TorchBench {

  private static final String PYTHON = "/usr/bin/python3";

  private final Path script;
  private final int channels;
  private final int batch;
  private final int depth;
  private final int warmup;
  private final int steps;

  private TorchBench(Path script, int channels, int batch, int depth, int warmup, int steps) {
    this.script = script;
    this.channels = channels;
    this.batch = batch;
    this.depth = depth;
    this.warmup = warmup;
    this.steps = steps;
  }

  /** The benchmark, or null if python3 with torch or the script is missing. */
  static TorchBench find(int channels, int batch, int depth, int warmup, int steps) {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return null;
    }
    Path script = script();
    if (script == null) {
      return null;
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import torch")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return null;
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return new TorchBench(script, channels, batch, depth, warmup, steps);
  }

  /**
   * {@code tools/train/torch_bench.py} of the source tree this runs in, else the copy the jar
   * carries, written to a temporary file; null if neither can be had.
   */
  private static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("tools/train/torch_bench.py");
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    try (var in = TorchBench.class.getResourceAsStream("torch_bench.py")) {
      if (in == null) {
        return null;
      }
      Path tmp = Files.createTempFile("replens-torch-bench", ".py");
      tmp.toFile().deleteOnExit();
      Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return tmp;
    } catch (IOException e) {
      return null;
    }
  }

  /** Times one mode in a fresh python process. */
  BenchTrainCommand.Result measure(TrainMode mode, String label)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            PYTHON,
            script.toString(),
            "--json",
            "--threads",
            "2",
            "--modes",
            mode.id(),
            "--channels",
            Integer.toString(channels),
            "--batch",
            Integer.toString(batch),
            "--depth",
            Integer.toString(depth),
            "--warmup",
            Integer.toString(warmup),
            "--steps",
            Integer.toString(steps)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    JsonNode result = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("[")) {
        JsonNode list = new ObjectMapper().readTree(line);
        if (list.size() > 0) {
          result = list.get(0);
        }
      }
    }
    if (code != 0 || result == null) {
      throw new IOException(
          "torch_bench.py exited with " + code + " and no result for " + mode.id());
    }
    double median = result.get("median_ms").asDouble();
    double min = result.get("min_ms").asDouble();
    long rss = result.get("peak_rss").asLong();
    return new BenchTrainCommand.Result(label, median, Double.NaN, min, 0, rss, -1);
  }
}
