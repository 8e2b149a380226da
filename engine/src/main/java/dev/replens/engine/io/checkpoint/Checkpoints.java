package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.MessageText;
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
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes state dicts in every format RepLens knows ({@link CheckpointFormat}). Reading
 * tells the format from the file's first bytes, not its name (a file named {@code .safetensors}
 * whose bytes say nothing is read as safetensors, to say what is wrong with it); writing takes it
 * from the name.
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
        case TORCH_LEGACY -> TorchLegacyReader.read(file, progress, budget);
        case SAFETENSORS -> SafetensorsReader.read(file, progress, budget);
        case NPZ -> readNpz(file, budget);
      };
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // A reader's own checks come first; this only keeps a defect from escaping as a trace.
      LOG.warn("unexpected failure reading {}", file, e);
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": it is damaged in a way RepLens doesn't recognise ("
              + MessageText.cause(e)
              + ").",
          e);
    }
  }

  /** The format of a file, from its first bytes. */
  static CheckpointFormat sniff(Path file) throws WeightFileException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "Can't read " + MessageText.name(file) + ": " + MessageText.cause(e) + ".", e);
    }
    if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) {
      return isNpz(file) ? CheckpointFormat.NPZ : CheckpointFormat.TORCH_ZIP;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return CheckpointFormat.TORCH_LEGACY; // a pickle: the legacy reader checks its magic
    }
    if (head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": it is a tar archive, the oldest torch.save format (before PyTorch 0.1.10)."
              + " Re-save it with PyTorch 1.6 or later: torch.save(torch.load(f), g).");
    }
    boolean jsonAfterLength = head.length >= 9 && head[8] == '{';
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    if (jsonAfterLength || name.endsWith(".safetensors")) {
      return CheckpointFormat.SAFETENSORS;
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
        + MessageText.name(file)
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

  private static Checkpoint readNpz(Path file, MemoryBudget budget) throws WeightFileException {
    NpzArchive npz = NpzReader.read(file, budget);
    Map<String, String> types = new LinkedHashMap<>();
    npz.arrays()
        .forEach(
            (k, v) ->
                types.put(
                    k,
                    TensorType.of(v.dataType())
                        .map(TensorType::typeName)
                        .orElse(v.dataType().name())));
    npz.scalarValues()
        .forEach(
            (k, v) ->
                types.put(
                    k,
                    v instanceof Double
                        ? "float64"
                        : v instanceof Float ? "float32" : v instanceof Long ? "int64" : "int32"));
    return new Checkpoint(
        file, CheckpointFormat.NPZ, npz.arrays(), npz.scalarValues(), types, List.of());
  }

  /**
   * Writes a state dict in the format of the file's extension, atomically.
   *
   * @throws WeightFileException if the extension names no format, a tensor's type can't be written
   *     in it, or the file can't be written
   */
  public static void write(Path file, Map<String, INDArray> tensors, Progress progress)
      throws WeightFileException {
    write(file, tensors, Map.of(), progress);
  }

  /**
   * Writes a state dict with 0-d entries, in the format of the file's extension, atomically. Each
   * 0-d entry is written as a 0-d tensor of its Number's type: a Long as int64 (what PyTorch's
   * {@code num_batches_tracked} is), an Integer as int32, a Float as float32, a Double as float64.
   * The tensors come first, then the 0-d entries, each in its map's order.
   *
   * @throws WeightFileException as {@link #write(Path, Map, Progress)}
   */
  public static void write(
      Path file, Map<String, INDArray> tensors, Map<String, Number> scalars, Progress progress)
      throws WeightFileException {
    Map<String, INDArray> entries = new LinkedHashMap<>(tensors);
    for (Map.Entry<String, Number> e : scalars.entrySet()) {
      entries.put(e.getKey(), scalar(file, e.getKey(), e.getValue(), null));
    }
    checkKeys(file, tensors, scalars);
    writeEntries(file, entries, progress);
  }

  /**
   * Writes a checkpoint, in the format of the file's extension, atomically: its tensors as they are
   * in memory (half precision read as float32 stays float32) and its 0-d entries in their stored
   * types (int64 {@code num_batches_tracked} stays int64).
   *
   * @throws WeightFileException as {@link #write(Path, Map, Progress)}
   */
  public static void write(Path file, Checkpoint checkpoint, Progress progress)
      throws WeightFileException {
    Map<String, INDArray> entries = new LinkedHashMap<>(checkpoint.tensors());
    checkKeys(file, checkpoint.tensors(), checkpoint.scalars());
    for (Map.Entry<String, Number> e : checkpoint.scalars().entrySet()) {
      TensorType stored =
          TensorType.ofName(checkpoint.storedTypes().getOrDefault(e.getKey(), ""))
              .filter(t -> !t.widened())
              .orElse(null);
      entries.put(e.getKey(), scalar(file, e.getKey(), e.getValue(), stored));
    }
    writeEntries(file, entries, progress);
  }

  private static void checkKeys(Path file, Map<String, INDArray> tensors, Map<String, Number> s)
      throws WeightFileException {
    for (String k : s.keySet()) {
      if (tensors.containsKey(k)) {
        throw new WeightFileException(
            file,
            "Can't write "
                + MessageText.name(file)
                + ": "
                + MessageText.key(k)
                + " is both a tensor and a 0-d entry.");
      }
    }
  }

  /** A 0-d array of the stored type, or of the Number's own type. */
  private static INDArray scalar(Path file, String key, Number v, TensorType stored)
      throws WeightFileException {
    TensorType t = stored;
    if (t == null) {
      if (v instanceof Long) {
        t = TensorType.INT64;
      } else if (v instanceof Integer) {
        t = TensorType.INT32;
      } else if (v instanceof Short) {
        t = TensorType.INT16;
      } else if (v instanceof Byte) {
        t = TensorType.INT8;
      } else if (v instanceof Float) {
        t = TensorType.FLOAT32;
      } else if (v instanceof Double) {
        t = TensorType.FLOAT64;
      } else {
        throw new WeightFileException(
            file,
            "Can't write "
                + MessageText.name(file)
                + ": the 0-d entry "
                + MessageText.key(key)
                + " is a "
                + v.getClass().getSimpleName()
                + "; RepLens writes Long, Integer, Short, Byte, Float and Double values.");
      }
    }
    return switch (t) {
      case INT64 -> Nd4j.scalar(v.longValue());
      case INT32 -> Nd4j.scalar(v.intValue());
      case FLOAT32, FLOAT16, BFLOAT16 -> Nd4j.scalar(v.floatValue());
      case FLOAT64 -> Nd4j.scalar(v.doubleValue());
      case BOOL -> Nd4j.scalar(v.longValue() != 0);
      default -> Nd4j.scalar(t.memoryType(), v.longValue());
    };
  }

  private static void writeEntries(Path file, Map<String, INDArray> entries, Progress progress)
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
    for (Map.Entry<String, INDArray> e : entries.entrySet()) {
      String k = e.getKey();
      if (k == null
          || k.isEmpty()
          || (format == CheckpointFormat.SAFETENSORS && k.equals("__metadata__"))) {
        throw new WeightFileException(
            file,
            "Can't write "
                + MessageText.name(file)
                + ": "
                + (k == null || k.isEmpty()
                    ? "a key is empty"
                    : "the key '__metadata__' is reserved")
                + ".");
      }
      TensorType t = TensorType.of(e.getValue().dataType()).orElse(null);
      boolean npzType =
          t == TensorType.FLOAT32
              || t == TensorType.FLOAT64
              || t == TensorType.INT32
              || t == TensorType.INT64;
      if (t == null || (format == CheckpointFormat.NPZ && !npzType)) {
        throw new WeightFileException(
            file,
            "Can't write "
                + MessageText.name(file)
                + ": "
                + MessageText.key(k)
                + " is "
                + (t == null ? e.getValue().dataType().toString() : t.typeName())
                + (format == CheckpointFormat.NPZ
                    ? ", and .npz files hold float32, float64, int32 and int64; write .pth or"
                        + " .safetensors instead."
                    : ", which " + format.description() + " files can't hold."));
      }
    }
    try {
      switch (format) {
        case TORCH_ZIP -> TorchZipWriter.write(file, entries, progress);
        case SAFETENSORS -> SafetensorsWriter.write(file, entries, progress);
        case NPZ -> NpzWriter.write(file, entries);
        case TORCH_LEGACY -> throw new IllegalStateException("never chosen for writing");
      }
    } catch (RuntimeException e) {
      LOG.warn("unexpected failure writing {}", file, e);
      throw new WeightFileException(
          file, "Can't write " + MessageText.name(file) + ": " + MessageText.cause(e) + ".", e);
    }
    LOG.debug("wrote {} entries to {}", entries.size(), file);
  }
}
