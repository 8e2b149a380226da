package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.io.npz.NpzWriter;
import dev.replens.engine.memory.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes state dicts in every format RepLens knows ({@link CheckpointFormat}). Reading
 * tells the format from the file's first bytes, not its name; writing takes it from the name.
 *
 * <p>Every failure, whatever the file holds, is a {@link WeightFileException} with a one-line
 * message naming the file and what is wrong; nothing else escapes.
 */
public final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  private static final byte[] ZIP = {'P', 'K', 3, 4};
  private static final byte[] EMPTY_ZIP = {'P', 'K', 5, 6};

  private Checkpoints() {}

  /**
   * Reads a state dict, within the memory budget of this machine.
   *
   * @throws WeightFileException if the file is missing, of no known format, damaged, or holds
   *     anything but tensors and plain containers; the message names the file and the entry
   */
  public static Checkpoint read(Path file, Progress progress) throws WeightFileException {
    return read(file, progress, MemoryBudget.ofThisMachine());
  }

  /**
   * Reads a state dict, refusing any array (and the arrays together) over the budget before it is
   * allocated.
   *
   * @throws WeightFileException as {@link #read(Path, Progress)}
   */
  public static Checkpoint read(Path file, Progress progress, MemoryBudget budget)
      throws WeightFileException {
    if (!Files.exists(file)) {
      throw new WeightFileException(file, "The weight file '" + file + "' doesn't exist.");
    }
    if (!Files.isRegularFile(file)) {
      throw new WeightFileException(file, "'" + file + "' is a folder, not a weight file.");
    }
    try {
      return switch (sniff(file)) {
        case TORCH_ZIP -> TorchZipReader.read(file, progress, budget);
        case NPZ -> readNpz(file);
        default -> throw new IllegalStateException();
      };
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // A reader's own checks come first; this only keeps a defect from escaping as a trace.
      LOG.warn("unexpected failure reading {}", file, e);
      throw new WeightFileException(
          file,
          "Can't read "
              + Messages.name(file)
              + ": it is damaged in a way RepLens doesn't recognise ("
              + Messages.cause(e)
              + ").",
          e);
    }
  }

  /** The format of a file, from its first bytes. */
  static CheckpointFormat sniff(Path file) throws WeightFileException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(64);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "Can't read " + Messages.name(file) + ": " + Messages.cause(e) + ".", e);
    }
    if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) {
      return isNpz(file) ? CheckpointFormat.NPZ : CheckpointFormat.TORCH_ZIP;
    }
    throw new WeightFileException(file, unknownFormat(file, head));
  }

  private static boolean isNpz(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.stream().anyMatch(e -> e.getName().endsWith(".npy"))
          && zip.stream().noneMatch(e -> e.getName().endsWith("data.pkl"));
    } catch (IOException e) {
      return false; // the torch reader gives the message about the damaged archive
    }
  }

  private static String unknownFormat(Path file, byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String why;
    if (head.length == 0) {
      why = "it is empty";
    } else if (text.startsWith("version https://git-lfs")) {
      why =
          "it is a Git LFS pointer, not the weights themselves; fetch them with git lfs pull"
              + " (or download the file directly)";
    } else if (startsWith(head, new byte[] {(byte) 0x89, 'H', 'D', 'F'})) {
      why = "it is an HDF5 file (Keras .h5), which RepLens doesn't read";
    } else {
      why = "it is none of the formats RepLens reads";
    }
    return "Can't read "
        + Messages.name(file)
        + ": "
        + why
        + ". RepLens reads PyTorch checkpoints (torch.save: .pth, .pt, .bin), .safetensors and"
        + " NumPy .npz.";
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static Checkpoint readNpz(Path file) throws WeightFileException {
    NpzArchive npz = NpzReader.read(file);
    Map<String, String> types = new LinkedHashMap<>();
    npz.arrays()
        .forEach(
            (k, v) ->
                types.put(
                    k,
                    TensorType.of(v.dataType())
                        .map(TensorType::typeName)
                        .orElse(v.dataType().name())));
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
