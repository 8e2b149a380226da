package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.io.npz.NpzWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes state dicts in every format RepLens knows ({@link CheckpointFormat}). Reading
 * tells the format from the file's first bytes, not its name; writing takes it from the name.
 */
public final class Checkpoints {

  private Checkpoints() {}

  /**
   * Reads a state dict.
   *
   * @throws WeightFileException if the file is missing, of no known format, damaged, or holds
   *     anything but tensors and plain containers; the message names the file and the entry
   */
  public static Checkpoint read(Path file, Progress progress) throws WeightFileException {
    if (!Files.isRegularFile(file)) {
      throw new WeightFileException(file, "The weight file '" + file + "' doesn't exist.");
    }
    NpzArchive npz = NpzReader.read(file);
    Map<String, String> types = new LinkedHashMap<>();
    npz.arrays().forEach((k, v) -> types.put(k, v.dataType().name().toLowerCase()));
    return new Checkpoint(file, CheckpointFormat.NPZ, npz.arrays(), Map.of(), types, List.of());
  }

  /**
   * Writes a state dict in the format of the file's extension, atomically.
   *
   * @throws WeightFileException if the extension names no format or the file can't be written
   */
  public static void write(Path file, Map<String, INDArray> tensors, Progress progress)
      throws WeightFileException {
    CheckpointFormat format =
        CheckpointFormat.forWriting(file)
            .orElseThrow(
                () ->
                    new WeightFileException(
                        file,
                        "Can't tell the format from '"
                            + file.getFileName()
                            + "': name it .pth, .safetensors or .npz."));
    if (format != CheckpointFormat.NPZ) {
      throw new WeightFileException(file, format.description() + " can't be written yet.");
    }
    NpzWriter.write(file, tensors);
  }
}
