package dev.replens.engine.eval;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Fixed absolute tolerances, for comparisons that have no derived bound (a training trajectory,
 * say) and as a scale for what "1e-5 in float32" used to mean. Two forms of a block are judged
 * against their own round-off bound instead ({@link RoundOff}, {@link Verdict}).
 */
public final class Tolerance {

  /** float32: a few hundred ulps of an output of size 1. */
  public static final double FLOAT32 = 1e-5;

  /** float64. */
  public static final double FLOAT64 = 1e-10;

  private Tolerance() {}

  /** The tolerance for outputs of the given type. */
  public static double of(DataType dtype) {
    return dtype == DataType.DOUBLE ? FLOAT64 : FLOAT32;
  }
}
