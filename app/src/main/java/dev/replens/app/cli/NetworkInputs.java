package dev.replens.app.cli;

import dev.replens.app.Messages;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.network.BlockOverride;
import dev.replens.engine.network.NetworkInspector;
import dev.replens.engine.network.NetworkReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code inspect} and {@code convert} share, as a picocli mixin: the checkpoint argument, the
 * per-block geometry overrides, and reading and inspecting the network.
 */
final class NetworkInputs {

  @Parameters(index = "0", paramLabel = "IN", description = "The checkpoint.")
  Path in;

  @Option(
      names = "--override",
      paramLabel = "PREFIX=S,P",
      description =
          "A block's stride and padding where stride 1 and padding K/2 are wrong, e.g."
              + " stage1.0=2,1. Repeatable.")
  Map<String, String> overrides;

  /** The checkpoint, its report, and the bar that drew their progress on stderr. */
  record Inspected(Checkpoint checkpoint, NetworkReport report, ProgressBar bar) {}

  /** Reads and inspects the checkpoint, drawing a bar on {@code err} for large files. */
  Inspected inspect(PrintWriter err) throws BadInputException {
    Map<String, BlockOverride> parsed = overrides(overrides);
    ProgressBar bar = new ProgressBar(err, size(in));
    Checkpoint ckpt = read(in, bar);
    return new Inspected(ckpt, NetworkInspector.inspect(ckpt, parsed, bar), bar);
  }

  /** Reads a checkpoint, drawing a bar for large files. */
  private static Checkpoint read(Path in, ProgressBar bar) throws BadInputException {
    try {
      return Checkpoints.read(in, bar);
    } catch (WeightFileException e) {
      throw new BadInputException(Messages.of(e));
    } finally {
      bar.finish();
    }
  }

  /** The size of a file, 0 if it can't be told. */
  private static long size(Path in) {
    try {
      return Files.size(in);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * {@code prefix=stride,padding} entries as overrides.
   *
   * @throws BadInputException naming the entry that doesn't parse
   */
  private static Map<String, BlockOverride> overrides(Map<String, String> raw)
      throws BadInputException {
    Map<String, BlockOverride> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      try {
        out.put(e.getKey(), BlockOverride.parse(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new BadInputException("--override " + e.getKey() + ": " + ex.getMessage());
      }
    }
    return out;
  }
}
