package dev.replens.engine.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * Memory at one moment. ND4J allocates array memory outside JavaCPP's accounting, so the process's
 * resident set is the honest figure for native memory: the whole of it, mapped libraries included,
 * as the system monitor shows it.
 *
 * @param heapUsedBytes Java heap in use
 * @param processBytes the process's resident set (what the OS charges, native memory included)
 * @param stepWorkingSetBytes the arrays one training step of the current graph uses (recycled from
 *     step to step)
 */
public record MemoryUsage(long heapUsedBytes, long processBytes, long stepWorkingSetBytes) {

  /** Measures now. */
  public static MemoryUsage now(long stepWorkingSetBytes) {
    Runtime rt = Runtime.getRuntime();
    return new MemoryUsage(rt.totalMemory() - rt.freeMemory(), processNow(), stepWorkingSetBytes);
  }

  /**
   * The process's resident set now, as the system monitor shows it: {@link #residentBytes} where
   * Linux gives it, else JavaCPP's {@link Pointer#physicalBytes}.
   */
  public static long processNow() {
    long rss = residentBytes();
    return rss > 0 ? rss : Pointer.physicalBytes();
  }

  /**
   * Starts a fresh peak: on Linux, writing 5 to {@code /proc/self/clear_refs} resets the kernel's
   * resident-set high-water mark ({@code VmHWM}) to the current resident set [proc(5)].
   *
   * @return whether the peak was reset (false where the file isn't there or can't be written)
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardCharsets.US_ASCII);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /**
   * The kernel's resident-set high-water mark ({@code VmHWM} in {@code /proc/self/status}): the
   * process's peak since it started or since {@link #resetPeak}, including peaks between two
   * samples, the figure PyTorch's {@code ru_maxrss} gives. 0 where it can't be read.
   */
  public static long peakBytes() {
    return status("VmHWM:");
  }

  /**
   * The process's whole resident set ({@code VmRSS}: anonymous memory and the mapped files and
   * libraries in memory), on the same footing as {@link #peakBytes}; JavaCPP's {@link
   * Pointer#physicalBytes} leaves the shared, file-backed part out. 0 where it can't be read.
   */
  public static long residentBytes() {
    return status("VmRSS:");
  }

  private static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[1]) * 1024;
        }
      }
    } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return 0;
    }
    return 0;
  }

  /** Mebibytes, for printing. */
  public static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
