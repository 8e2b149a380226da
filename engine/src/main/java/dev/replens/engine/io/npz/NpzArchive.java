package dev.replens.engine.io.npz;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contents of an {@code .npz} file: its arrays by name, in the archive's order, each with the
 * data type it was saved with (float32 stays float32, float64 stays float64, int64 stays int64).
 *
 * <p>0-d entries are kept apart from the arrays. A PyTorch state dict holds one per BatchNorm, the
 * counter {@code num_batches_tracked}, which eval-mode fusion never needs but which tells whether
 * the BatchNorm was ever trained. Their names are in {@link #scalars}, so that an importer can tell
 * them from keys it doesn't know, and their values in {@link #scalarValues}.
 *
 * @param file the file read
 * @param arrays every array of rank 1 or more, by entry name without {@code .npy}
 * @param scalars the names of the 0-d entries
 * @param scalarValues the values of the 0-d entries that were read (a Long for integers, a Double
 *     or Float for floats), by name; a subset of {@code scalars}
 */
public record NpzArchive(
    Path file,
    Map<String, INDArray> arrays,
    Set<String> scalars,
    Map<String, Number> scalarValues) {

  public NpzArchive {
    Objects.requireNonNull(file, "file");
    arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    scalars = Collections.unmodifiableSet(new LinkedHashSet<>(scalars));
    scalarValues = Collections.unmodifiableMap(new LinkedHashMap<>(scalarValues));
    if (!scalars.containsAll(scalarValues.keySet())) {
      throw new IllegalArgumentException("a 0-d value without its name in scalars");
    }
  }

  /** An archive whose 0-d entries are known by name only. */
  public NpzArchive(Path file, Map<String, INDArray> arrays, Set<String> scalars) {
    this(file, arrays, scalars, Map.of());
  }

  /** Every entry name, arrays first, then the skipped 0-d entries. */
  public Set<String> names() {
    Set<String> all = new LinkedHashSet<>(arrays.keySet());
    all.addAll(scalars);
    return Collections.unmodifiableSet(all);
  }
}
