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
 * (heatmaps, exports, checks). For the same reason no array may hold more elements than a Java
 * array can ({@link #MAX_ELEMENTS}). The system property {@value #PROPERTY} (bytes, or with a
 * {@code k}, {@code m} or {@code g} suffix) sets a smaller budget, e.g. for tests.
 *
 * <p>Sizes are multiplied with {@link #bytesOf}, which saturates at {@link Long#MAX_VALUE} instead
 * of wrapping around, so no product of user-given dimensions can turn negative.
 */
public final class MemoryBudget {

  /** The system property that overrides the machine's budget. */
  public static final String PROPERTY = "replens.memoryBudget";

  /** The most elements a Java array holds on common JVMs. */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final long MACHINE = machineBytes();

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

  /** The budget of the machine and JVM this runs on, or the one {@value #PROPERTY} sets. */
  public static MemoryBudget ofThisMachine() {
    String override = System.getProperty(PROPERTY);
    if (override != null && !override.isBlank()) {
      long b = parseBytes(override);
      if (b > 0) {
        return new MemoryBudget(Math.min(b, MACHINE));
      }
    }
    return new MemoryBudget(MACHINE);
  }

  private static long machineBytes() {
    long heap = Runtime.getRuntime().maxMemory();
    long physical = heap;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      physical = os.getTotalMemorySize();
    }
    return Math.max(1, Math.min(heap, physical) / 2);
  }

  /** {@code 512m} → 536870912; -1 if the text is not a size. */
  static long parseBytes(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
      unit =
          switch (t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            default -> 1L << 30;
          };
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(t), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      return -1;
    }
  }

  /** The largest array, in bytes. */
  public long bytes() {
    return bytes;
  }

  /**
   * The bytes of an array of this shape: the product of the dimensions and the element size,
   * saturated at {@link Long#MAX_VALUE}; a negative dimension gives -1.
   */
  public static long bytesOf(int elementBytes, long... dims) {
    long n = elementBytes;
    boolean saturated = false;
    for (long d : dims) {
      if (d < 0) {
        return -1;
      }
      if (d == 0) {
        return 0;
      }
      if (!saturated) {
        long hi = Math.multiplyHigh(n, d);
        long lo = n * d;
        if (hi != 0 || lo < 0) {
          saturated = true;
        } else {
          n = lo;
        }
      }
    }
    return saturated ? Long.MAX_VALUE : n;
  }

  /**
   * The number of elements of an array of this shape, for allocating it as a Java array.
   *
   * @param what the array, as a message names it, e.g. {@code 'rbr_dense.conv.weight'}
   * @throws TooLargeException if a dimension is negative or the product exceeds what a Java array
   *     holds
   */
  public static int length(String what, long... dims) {
    long n = bytesOf(1, dims);
    if (n < 0 || n > MAX_ELEMENTS) {
      StringBuilder shape = new StringBuilder();
      for (long d : dims) {
        shape.append(shape.length() == 0 ? "" : "×").append(d);
      }
      throw new TooLargeException(
          what
              + " of "
              + shape
              + (n < 0 ? " has a negative size" : " values is larger than a Java array holds")
              + " (at most "
              + MAX_ELEMENTS
              + " values)");
    }
    return (int) n;
  }

  /** The most bytes an array of this element size may take: the budget or the Java limit. */
  public long limitFor(int elementBytes) {
    long javaLimit = bytesOf(elementBytes, MAX_ELEMENTS);
    return Math.min(bytes, javaLimit);
  }

  /** Whether an array of this shape fits. */
  public boolean fits(int elementBytes, long... dims) {
    long b = bytesOf(elementBytes, dims);
    return b >= 0 && b <= limitFor(elementBytes);
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
    for (long d : dims) {
      if (d < 0) {
        return Optional.of(what + " has a negative size (" + d + ")");
      }
      shape.append(shape.length() == 0 ? "" : "×").append(d);
    }
    long size = bytesOf(elementBytes, dims);
    long limit = limitFor(elementBytes);
    if (size <= limit) {
      return Optional.empty();
    }
    return Optional.of(
        what
            + " would take "
            + (size == Long.MAX_VALUE ? "more than " + format(Long.MAX_VALUE) : format(size))
            + " ("
            + shape
            + " "
            + typeName
            + "); RepLens handles "
            + things
            + " up to "
            + format(limit)
            + " on this machine");
  }

  /**
   * Like {@link #check}, but throws.
   *
   * @throws TooLargeException with the message of {@link #check}
   */
  public void require(String what, String things, String typeName, int elementBytes, long... dims) {
    Optional<String> problem = check(what, things, typeName, elementBytes, dims);
    if (problem.isPresent()) {
      throw new TooLargeException(problem.get());
    }
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

  @Override
  public String toString() {
    return "MemoryBudget[" + format(bytes) + "]";
  }
}
