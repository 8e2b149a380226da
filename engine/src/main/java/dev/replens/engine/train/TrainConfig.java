package dev.replens.engine.train;

import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How a run trains.
 *
 * @param mode the training mode
 * @param optimizer optimizer and hyper-parameters
 * @param batchSize images per step
 * @param steps optimizer steps in the run
 * @param seed seeds the weights, the batch order and the data split: the same seed gives the same
 *     run
 * @param validateEvery validate every this many steps (0: only when asked)
 * @param metricsEvery compute branch similarity, gradient directions and the fused kernels every
 *     this many steps (0: never); they cost a few milliseconds per block
 * @param validationLimit validate on at most this many images
 * @param dtype float32 or float64
 * @param gcEvery call {@code System.gc()} from the trainer thread every this many steps (0: never).
 *     ND4J frees native memory only when the Java GC runs; with the trainer's step memory the
 *     process stayed flat at 0.8–0.9 GB over 300 steps (C32 RGB, validation every 50 steps) with a
 *     GC every 10, 50 or no steps, so this is insurance for what the step doesn't recycle
 * @param bnMomentum the running-statistics momentum of every BN (PyTorch's 0.1)
 */
public record TrainConfig(
    TrainMode mode,
    OptimizerConfig optimizer,
    int batchSize,
    int steps,
    long seed,
    int validateEvery,
    int metricsEvery,
    int validationLimit,
    DataType dtype,
    int gcEvery,
    double bnMomentum) {

  public TrainConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(optimizer, "optimizer");
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be positive, not " + batchSize);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative, not " + steps);
    }
    if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
      throw new IllegalArgumentException("train in float32 or float64, not " + dtype);
    }
    if (!(bnMomentum >= 0 && bnMomentum <= 1)) {
      throw new IllegalArgumentException("BN momentum must be in [0, 1], not " + bnMomentum);
    }
  }

  /**
   * SGD (lr 0.05, momentum 0.9, weight decay 1e-4), batch 64, validation every 50 steps on up to
   * 1000 images, metrics every 10 steps, float32, a GC every 50 steps.
   */
  public static TrainConfig defaults(TrainMode mode, int steps, long seed) {
    return new TrainConfig(
        mode,
        OptimizerConfig.sgd(0.05, 0.9, 1e-4),
        64,
        steps,
        seed,
        50,
        10,
        1000,
        DataType.FLOAT,
        50,
        0.1);
  }

  public TrainConfig withMode(TrainMode m) {
    return new TrainConfig(
        m,
        optimizer,
        batchSize,
        steps,
        seed,
        validateEvery,
        metricsEvery,
        validationLimit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withOptimizer(OptimizerConfig o) {
    return new TrainConfig(
        mode,
        o,
        batchSize,
        steps,
        seed,
        validateEvery,
        metricsEvery,
        validationLimit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withBatchSize(int b) {
    return new TrainConfig(
        mode,
        optimizer,
        b,
        steps,
        seed,
        validateEvery,
        metricsEvery,
        validationLimit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withSteps(int s) {
    return new TrainConfig(
        mode,
        optimizer,
        batchSize,
        s,
        seed,
        validateEvery,
        metricsEvery,
        validationLimit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withSeed(long s) {
    return new TrainConfig(
        mode,
        optimizer,
        batchSize,
        steps,
        s,
        validateEvery,
        metricsEvery,
        validationLimit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withValidation(int every, int limit) {
    return new TrainConfig(
        mode,
        optimizer,
        batchSize,
        steps,
        seed,
        every,
        metricsEvery,
        limit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withMetricsEvery(int every) {
    return new TrainConfig(
        mode,
        optimizer,
        batchSize,
        steps,
        seed,
        validateEvery,
        every,
        validationLimit,
        dtype,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withDtype(DataType d) {
    return new TrainConfig(
        mode,
        optimizer,
        batchSize,
        steps,
        seed,
        validateEvery,
        metricsEvery,
        validationLimit,
        d,
        gcEvery,
        bnMomentum);
  }

  public TrainConfig withGcEvery(int every) {
    return new TrainConfig(
        mode,
        optimizer,
        batchSize,
        steps,
        seed,
        validateEvery,
        metricsEvery,
        validationLimit,
        dtype,
        every,
        bnMomentum);
  }
}
