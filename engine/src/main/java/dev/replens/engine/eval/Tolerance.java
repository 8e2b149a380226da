package dev.replens.engine.eval;

import org.nd4j.linalg.api.buffer.DataType;

/** The max absolute output error below which two forms of a block count as equal. */
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
