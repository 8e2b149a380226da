package dev.replens.engine.io.family;

import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.memory.MemoryBudget;
import dev.replens.engine.model.WeightCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A state dict being taken apart by an importer. The importer asks for every key it knows with the
 * shape it expects; this class records each problem (missing, mis-shaped, not float, not finite)
 * instead of failing on the first, and hands back a zero placeholder so the import can go on and
 * find the rest. What no one asked for is an unknown key.
 *
 * <p>Call order: {@link #take}/{@link #ignore} for every key of the block, then {@link #problems}.
 */
final class StateDict {

  private final NpzArchive archive;
  private final DataType dtype;
  private final Set<String> consumed = new HashSet<>();
  private final List<String> problems = new ArrayList<>();

  StateDict(NpzArchive archive) {
    this.archive = archive;
    long doubles =
        archive.arrays().values().stream().filter(a -> a.dataType() == DataType.DOUBLE).count();
    long floats =
        archive.arrays().values().stream().filter(a -> a.dataType() == DataType.FLOAT).count();
    this.dtype = doubles > floats ? DataType.DOUBLE : DataType.FLOAT;
  }

  /** The file's float type: that of most of its float arrays (float32 on a tie). */
  DataType dtype() {
    return dtype;
  }

  Path file() {
    return archive.file();
  }

  /** Whether the file has this key (as an array or a skipped 0-d entry). */
  boolean has(String key) {
    return archive.arrays().containsKey(key) || archive.scalars().contains(key);
  }

  /** Whether any key starts with the prefix. */
  boolean hasPrefix(String prefix) {
    return archive.names().stream().anyMatch(k -> k.startsWith(prefix));
  }

  /** The shape of an array in the file, or null if there is no such array. */
  long[] shape(String key) {
    INDArray a = archive.arrays().get(key);
    return a == null ? null : a.shape();
  }

  /** Dimension {@code dim} of an array in the file, or {@code fallback} if it has none. */
  int dim(String key, int dim, int fallback) {
    long[] s = shape(key);
    return s == null || s.length <= dim ? fallback : (int) s[dim];
  }

  /**
   * The array under the key, which must have the given shape. On any problem the problem is
   * recorded and zeros of the expected shape are returned.
   */
  INDArray take(String key, long... shape) {
    consumed.add(key);
    String expected = Arrays.toString(shape);
    if (archive.scalars().contains(key)) {
      problems.add("'" + key + "' is a 0-d scalar, expected shape " + expected);
      return zeros(shape);
    }
    INDArray a = archive.arrays().get(key);
    if (a == null) {
      problems.add("missing '" + key + "', expected shape " + expected);
      return zeros(shape);
    }
    if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
      problems.add(
          "'"
              + key
              + "' holds "
              + typeName(a.dataType())
              + " values "
              + Arrays.toString(a.shape())
              + "; a weight must be float32 or float64");
      return zeros(shape);
    }
    if (a.dataType() != dtype) {
      problems.add(
          "'"
              + key
              + "' is "
              + typeName(a.dataType())
              + " while the file's other weights are "
              + typeName(dtype)
              + "; save the state dict with one float type");
      return zeros(shape);
    }
    if (!Arrays.equals(a.shape(), shape)) {
      problems.add(
          "'" + key + "' has shape " + Arrays.toString(a.shape()) + ", expected " + expected);
      return zeros(shape);
    }
    long bad = WeightCheck.firstNonFinite(a);
    if (bad >= 0) {
      problems.add(
          "'"
              + key
              + "' holds "
              + a.dup('c').data().asDouble()[(int) bad]
              + " at "
              + WeightCheck.index(bad, shape)
              + ": weights must be finite");
    }
    return a;
  }

  /** Marks a key as known but unused. */
  void ignore(String key) {
    consumed.add(key);
  }

  /** Records a problem that is not about a single key's shape. */
  void problem(String text) {
    problems.add(text);
  }

  /** Whether any problem was recorded so far (unknown keys not counted). */
  boolean hasProblems() {
    return !problems.isEmpty();
  }

  /**
   * Every recorded problem, then one line per unknown key.
   *
   * @param blockName the official module, e.g. {@code RepVGGBlock}
   * @param hint a hint for an unknown key, or null if there is none
   */
  List<String> problems(String blockName, UnaryOperator<String> hint) {
    List<String> out = new ArrayList<>(problems);
    for (Map.Entry<String, INDArray> e : archive.arrays().entrySet()) {
      if (!consumed.contains(e.getKey())) {
        out.add(
            "unknown key '"
                + e.getKey()
                + "' "
                + typeName(e.getValue().dataType())
                + " "
                + Arrays.toString(e.getValue().shape())
                + ": "
                + blockName
                + " has no such parameter"
                + (hint.apply(e.getKey()) == null ? "" : " (" + hint.apply(e.getKey()) + ")"));
      }
    }
    return out;
  }

  /** The 0-d entries the reader skipped that are not BN counters. */
  List<String> unusualScalars() {
    return archive.scalars().stream()
        .filter(k -> !k.endsWith("num_batches_tracked") && !consumed.contains(k))
        .toList();
  }

  /** How many BN counters ({@code num_batches_tracked}) the file holds. */
  long counters() {
    return archive.scalars().stream().filter(k -> k.endsWith("num_batches_tracked")).count();
  }

  /**
   * Zeros of the file's type.
   *
   * @throws dev.replens.engine.memory.TooLargeException if they exceed the memory budget
   */
  INDArray zeros(long... shape) {
    boolean f64 = dtype == DataType.DOUBLE;
    MemoryBudget.ofThisMachine()
        .require(
            "the weight of shape " + Arrays.toString(shape),
            "weights",
            f64 ? "float64" : "float32",
            f64 ? 8 : 4,
            shape);
    return Nd4j.zeros(dtype, shape);
  }

  static String typeName(DataType t) {
    if (t == DataType.FLOAT) {
      return "float32";
    }
    if (t == DataType.DOUBLE) {
      return "float64";
    }
    if (t.isIntType()) {
      return (t.isSigned() ? "int" : "uint") + t.width() * 8;
    }
    return t.name().toLowerCase(Locale.ROOT);
  }
}
