package dev.replens.engine.model;

import dev.replens.engine.memory.MemoryBudget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random weights for a design. Every array is drawn from its own stream, seeded by the block
 * seed and the weight key, so adding a branch never changes the other branches' weights.
 *
 * <p>{@link #forAnalysis} makes every BN non-trivial (random statistics, some negative γ) so that
 * folding is really exercised; {@link #forTraining} starts BNs at the identity as PyTorch does.
 */
public final class WeightInit {

  private WeightInit() {}

  /** Random weights with non-trivial BN statistics, for exploring and verifying fusion. */
  public static Weights forAnalysis(BlockSpec spec, DataType dtype, long seed) {
    return complete(spec, Weights.empty(dtype), seed, false);
  }

  /** Weights as a training run starts: Kaiming convs, BN at identity, scales at 1. */
  public static Weights forTraining(BlockSpec spec, DataType dtype, long seed) {
    return complete(spec, Weights.empty(dtype), seed, true);
  }

  /**
   * Keeps every existing array whose shape still fits the design and draws the rest, e.g. after an
   * edit added an op or changed a kernel size.
   *
   * <p>A parameter larger than the {@link MemoryBudget} is not drawn: {@link Validator} reports it
   * as an error of the design, and the pipeline stops there, so its weights are never needed. An
   * editor can then show the error instead of running out of memory.
   */
  public static Weights complete(BlockSpec spec, Weights existing, long seed, boolean training) {
    MemoryBudget budget = MemoryBudget.ofThisMachine();
    int width = existing.dtype() == DataType.DOUBLE ? 8 : 4;
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray old = existing.find(p.key()).orElse(null);
      if (old != null && java.util.Arrays.equals(old.shape(), p.spec().shape())) {
        out.put(p.key(), old);
      } else if (budget.fits(width, p.spec().shape())) {
        out.put(p.key(), draw(p, existing.dtype(), seed, training));
      }
    }
    return Weights.of(out, existing.dtype());
  }

  private static INDArray draw(
      BlockSpec.KeyedParam p, DataType dtype, long seed, boolean training) {
    long[] shape = p.spec().shape();
    if (p.op() instanceof FrequencyFilter f && p.spec().name().equals("prior")) {
      return FrequencyFilter.dctPrior(f.outChannels(), f.kernel(), dtype);
    }
    int n = MemoryBudget.length(p.key(), shape);
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + p.key().hashCode());
    Filled v = new Filled(n, dtype);
    String name = p.spec().name();
    Op op = p.op();
    if (op instanceof Conv || op instanceof FrequencyFilter) {
      if (name.equals("weight")) {
        long fanIn = shape[1] * shape[2] * shape[3];
        double std = Math.sqrt((training ? 2.0 : 1.0) / fanIn);
        fill(v, () -> rnd.nextGaussian() * std);
      } else {
        fill(v, () -> training ? 0.0 : rnd.nextGaussian() * 0.1);
      }
    } else if (op instanceof BatchNorm) {
      switch (name) {
        case "weight" ->
            fill(
                v,
                () -> {
                  if (training) {
                    return 1.0;
                  }
                  double g = 0.5 + rnd.nextDouble();
                  return rnd.nextDouble() < 0.2 ? -g : g;
                });
        case "bias", "running_mean" -> fill(v, () -> training ? 0.0 : rnd.nextGaussian() * 0.2);
        default -> fill(v, () -> training ? 1.0 : 0.5 + 1.5 * rnd.nextDouble());
      }
    } else if (op instanceof ChannelScale) {
      fill(v, () -> training ? 1.0 : 0.5 + rnd.nextDouble());
    } else if (op instanceof ChannelBias) {
      fill(v, () -> training ? 0.0 : rnd.nextGaussian() * 0.1);
    }
    return v.toArray(shape);
  }

  private static void fill(Filled v, java.util.function.DoubleSupplier s) {
    v.fill(s);
  }

  /**
   * The values of one array in its own precision: float32 weights are drawn as doubles and rounded
   * one by one, without a float64 copy of the whole array.
   */
  private static final class Filled {
    private final double[] doubles;
    private final float[] floats;

    Filled(int n, DataType dtype) {
      doubles = dtype == DataType.DOUBLE ? new double[n] : null;
      floats = dtype == DataType.DOUBLE ? null : new float[n];
    }

    void fill(java.util.function.DoubleSupplier s) {
      if (doubles != null) {
        for (int i = 0; i < doubles.length; i++) {
          doubles[i] = s.getAsDouble();
        }
      } else {
        for (int i = 0; i < floats.length; i++) {
          floats[i] = (float) s.getAsDouble();
        }
      }
    }

    INDArray toArray(long[] shape) {
      return doubles != null
          ? Nd4j.create(doubles, shape, DataType.DOUBLE)
          : Nd4j.create(floats, shape, DataType.FLOAT);
    }
  }
}
