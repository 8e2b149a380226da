package dev.replens.engine.memory;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * How large one array may be before RepLens refuses to allocate it: a size a user's file or design
 * asks for is checked here, in long arithmetic, before anything is allocated, so that a
 * 20000-channel design or a forged header gets a message instead of an overflow or an out-of-memory
 * error.
 *
 * <p>The budget of this machine is half of the smaller of the JVM's heap limit and the physical
 * memory: arrays live off the heap, but every one of them is copied to a Java array somewhere
 * (heatmaps, exports, checks).
 */
public final class MemoryBudget {

  private final long bytes;

  private MemoryBudget(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a memory budget must be positive, not " + bytes);
    }
    this.bytes = bytes;
  }

  /** A budget of this many bytes. */
  public static MemoryBudget of(long bytes) {
    return new MemoryBudget(bytes);
  }

  /** The budget of the machine and JVM this runs on. */
  public static MemoryBudget ofThisMachine() {
    long heap = Runtime.getRuntime().maxMemory();
    long physical = heap;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      physical = os.getTotalMemorySize();
    }
    return new MemoryBudget(Math.max(1, Math.min(heap, physical) / 2));
  }

  /** The largest array, in bytes. */
  public long bytes() {
    return bytes;
  }

  /**
   * Why an array of this shape doesn't fit, or empty if it does.
   *
   * @param what what the array is, as the message starts, e.g. {@code "this block's fused kernel"}
   * @param things what RepLens handles up to the budget, e.g. {@code "blocks"}
   * @param typeName the element type, e.g. {@code float32}
   * @param elementBytes bytes per element
   * @param dims the shape; any dimension below 0 is reported as invalid
   * @return e.g. "this block's fused kernel would take 14.4 GB (20000×20000×3×3 float32); RepLens
   *     handles blocks up to 2.1 GB on this machine"
   */
  public Optional<String> check(
      String what, String things, String typeName, int elementBytes, long... dims) {
    StringBuilder shape = new StringBuilder();
    double size = elementBytes;
    for (long d : dims) {
      if (d < 0) {
        return Optional.of(what + " has a negative size (" + d + ")");
      }
      shape.append(shape.length() == 0 ? "" : "×").append(d);
      size *= d;
    }
    if (size <= bytes) {
      return Optional.empty();
    }
    return Optional.of(
        what
            + " would take "
            + format(size)
            + " ("
            + shape
            + " "
            + typeName
            + "); RepLens handles "
            + things
            + " up to "
            + format(bytes)
            + " on this machine");
  }

  /** A size in bytes as people write it: {@code 512 B}, {@code 3.2 MB}, {@code 14.4 GB}. */
  public static String format(double bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    double v = bytes;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%.3g %s", v, units[u]);
    }
    return u == 0
        ? String.format(Locale.ROOT, "%.0f B", v)
        : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
