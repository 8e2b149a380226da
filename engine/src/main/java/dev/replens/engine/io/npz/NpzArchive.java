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
 * <p>0-d entries are not loaded. A PyTorch state dict holds one per BatchNorm, the counter {@code
 * num_batches_tracked}, which eval-mode fusion never needs. Their names are kept in {@link
 * #scalars} so that an importer can tell them from keys it doesn't know.
 *
 * @param file the file read
 * @param arrays every array of rank 1 or more, by entry name without {@code .npy}
 * @param scalars the names of the 0-d entries that were skipped
 */
public record NpzArchive(Path file, Map<String, INDArray> arrays, Set<String> scalars) {

  public NpzArchive {
    Objects.requireNonNull(file, "file");
    arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    scalars = Collections.unmodifiableSet(new LinkedHashSet<>(scalars));
  }

  /** Every entry name, arrays first, then the skipped 0-d entries. */
  public Set<String> names() {
    Set<String> all = new LinkedHashSet<>(arrays.keySet());
    all.addAll(scalars);
    return Collections.unmodifiableSet(all);
  }
}
