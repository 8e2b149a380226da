package dev.replens.app.cli;

import dev.replens.app.Messages;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.network.BlockOverride;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code inspect} and {@code convert} share: reading the checkpoint, parsing overrides. */
final class NetworkInputs {

  private NetworkInputs() {}

  /** Reads a checkpoint, drawing a bar for large files. */
  static Checkpoint read(Path in, ProgressBar bar) throws BadInputException {
    try {
      return Checkpoints.read(in, bar);
    } catch (WeightFileException e) {
      throw new BadInputException(Messages.of(e));
    } finally {
      bar.finish();
    }
  }

  /** The size of a file, 0 if it can't be told. */
  static long size(Path in) {
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
  static Map<String, BlockOverride> overrides(Map<String, String> raw) throws BadInputException {
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
