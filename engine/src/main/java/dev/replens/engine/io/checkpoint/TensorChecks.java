package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.memory.MemoryBudget;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The size checks every reader makes before it allocates anything, in long arithmetic: element
 * counts that overflow, arrays over the {@link MemoryBudget}, and arrays a Java buffer can't hold.
 */
final class TensorChecks {

  private TensorChecks() {}

  /** ND4J's largest rank. */
  static final int MAX_RANK = 32;

  /**
   * The number of elements of a shape, refusing one whose product overflows, with more than 32
   * dimensions, or with a dimension no array could have (over {@link RawTensors#MAX_BYTES}), even
   * if another is 0.
   */
  static long elements(Path file, String what, long[] shape) throws WeightFileException {
    if (shape.length > MAX_RANK) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " has "
              + shape.length
              + " dimensions; RepLens reads up to "
              + MAX_RANK
              + ".");
    }
    long n = 1;
    for (long d : shape) {
      if (d > RawTensors.MAX_BYTES) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": "
                + what
                + " announces a dimension of "
                + d
                + " in its shape "
                + Arrays.toString(shape)
                + "; RepLens reads arrays up to "
                + MemoryBudget.format(RawTensors.MAX_BYTES)
                + ".");
      }
      if (d < 0) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": "
                + what
                + " has a negative size in its shape "
                + Arrays.toString(shape)
                + "; the file is damaged.");
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": "
                + what
                + " announces the impossible shape "
                + Arrays.toString(shape)
                + "; the file is damaged or forged.");
      }
    }
    return n;
  }

  /**
   * Refuses an array of this type and shape if it exceeds the budget or what one Java buffer holds.
   *
   * @param what what the array is, e.g. {@code "tensor 'stage1.0.conv.weight'"}
   */
  static void fits(MemoryBudget budget, Path file, String what, TensorType type, long... shape)
      throws WeightFileException {
    var problem = budget.check(what, "tensors", type.typeName(), type.memorySize(), shape);
    if (problem.isPresent()) {
      throw new WeightFileException(
          file, "Can't read " + MessageText.name(file) + ": " + problem.get() + ".");
    }
    double bytes = type.memorySize();
    for (long d : shape) {
      bytes *= d;
    }
    if (bytes > RawTensors.MAX_BYTES) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " would take "
              + MemoryBudget.format(bytes)
              + " in one array; RepLens reads arrays up to "
              + MemoryBudget.format(RawTensors.MAX_BYTES)
              + ".");
    }
  }

  /** Refuses a checkpoint whose arrays together exceed the budget. */
  static void totalFits(MemoryBudget budget, Path file, long bytes) throws WeightFileException {
    var problem = budget.check("its tensors together", "checkpoints", "bytes", 1, bytes);
    if (problem.isPresent()) {
      throw new WeightFileException(
          file, "Can't read " + MessageText.name(file) + ": " + problem.get() + ".");
    }
  }
}
