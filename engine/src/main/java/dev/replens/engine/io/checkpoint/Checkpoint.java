package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.npz.NpzArchive;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A state dict read from a file, whatever its format: every tensor by key in the file's order, the
 * 0-d entries with their values, the element type each entry was stored with, and what the reader
 * had to interpret.
 *
 * <p>Float tensors are float32 or float64 arrays. Half precision (float16, bfloat16) is widened to
 * float32 on reading; {@link #storedTypes} keeps the type of the file and {@link #notes} says so.
 * Integer tensors keep their integer type.
 *
 * @param file the file read
 * @param format the format it was read as
 * @param tensors every entry of rank 1 or more, by key, in the file's order
 * @param scalars every 0-d entry (e.g. BatchNorm's {@code num_batches_tracked}) with its value
 * @param storedTypes the element type of every entry as stored, e.g. {@code float16}, {@code int64}
 * @param notes how the file was read: a wrapper unwrapped, a prefix removed, a type widened
 */
public record Checkpoint(
    Path file,
    CheckpointFormat format,
    Map<String, INDArray> tensors,
    Map<String, Number> scalars,
    Map<String, String> storedTypes,
    List<String> notes) {

  public Checkpoint {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
    storedTypes = Collections.unmodifiableMap(new LinkedHashMap<>(storedTypes));
    notes = List.copyOf(notes);
  }

  /** Every key: the tensors in the file's order, then the 0-d entries. */
  public Set<String> keys() {
    Set<String> all = new LinkedHashSet<>(tensors.keySet());
    all.addAll(scalars.keySet());
    return Collections.unmodifiableSet(all);
  }

  /** The number of elements over all tensors. */
  public long elementCount() {
    return tensors.values().stream().mapToLong(INDArray::length).sum();
  }

  /**
   * The same entries as the archive the block importers read: the tensors, and the 0-d entries with
   * their values.
   */
  public NpzArchive toArchive() {
    return new NpzArchive(file, tensors, scalars.keySet(), scalars);
  }
}
