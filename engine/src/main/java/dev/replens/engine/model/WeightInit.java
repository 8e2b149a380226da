package dev.replens.engine.model;

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
   */
  public static Weights complete(BlockSpec spec, Weights existing, long seed, boolean training) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray old = existing.find(p.key()).orElse(null);
      if (old != null && java.util.Arrays.equals(old.shape(), p.spec().shape())) {
        out.put(p.key(), old);
      } else {
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
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + p.key().hashCode());
    double[] v = new double[n];
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
    return Nd4j.create(v, shape, DataType.DOUBLE).castTo(dtype);
  }

  private static void fill(double[] v, java.util.function.DoubleSupplier s) {
    for (int i = 0; i < v.length; i++) {
      v[i] = s.getAsDouble();
    }
  }
}
