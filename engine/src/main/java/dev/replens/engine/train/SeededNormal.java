package dev.replens.engine.train;

import dev.replens.engine.memory.MemoryBudget;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Normal samples from a seeded {@link SplittableRandom} by the Box–Muller transform, {@code √(−2 ln
 * u)·cos(2πv)} [Box &amp; Muller, Ann. Math. Statist. 29, 1958], so that a seed gives the same
 * numbers on every JVM and in every ND4J version.
 */
public final class SeededNormal {

  private SeededNormal() {}

  /** One standard-normal sample; draws {@code u} then {@code v}. */
  public static double next(SplittableRandom r) {
    double u = Math.max(r.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** A float64 array of {@code shape} with samples of {@code N(0, std²)}, in C order. */
  public static INDArray array(SplittableRandom r, long[] shape, double std) {
    int n = MemoryBudget.length("a random array", shape);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = next(r) * std;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }
}
