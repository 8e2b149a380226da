package dev.replens.engine.train;

import org.bytedeco.javacpp.Pointer;

/**
 * Memory at one moment. ND4J allocates array memory outside JavaCPP's accounting, so the process's
 * resident set is the honest figure for native memory.
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
    return new MemoryUsage(
        rt.totalMemory() - rt.freeMemory(), Pointer.physicalBytes(), stepWorkingSetBytes);
  }

  /** Mebibytes, for printing. */
  public static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
