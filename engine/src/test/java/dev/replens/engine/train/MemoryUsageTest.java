package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The kernel's peak resident set: reset, then raised by memory that is freed again. */
class MemoryUsageTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void thePeakCatchesMemoryFreedBeforeItIsRead() {
    Nd4j.create(DataType.FLOAT, 1).addi(1);
    Assumptions.assumeTrue(MemoryUsage.resetPeak(), "needs Linux's /proc/self/clear_refs");
    long before = MemoryUsage.residentBytes();
    assertThat(MemoryUsage.peakBytes())
        .as("just after the reset the peak is about the current resident set")
        .isBetween(before - 32 * MIB, before + 32 * MIB);
    INDArray big = Nd4j.create(DataType.FLOAT, 24 * MIB); // 96 MiB, written through
    big.assign(1);
    assertThat(big.minNumber().doubleValue()).isEqualTo(1.0);
    big.close();
    long peak = MemoryUsage.peakBytes();
    assertThat(peak).as("the 96 MiB array raised the peak").isGreaterThan(before + 80 * MIB);
    assertThat(MemoryUsage.residentBytes())
        .as("and left the resident set again")
        .isLessThan(peak - 48 * MIB);
  }
}
