package dev.replens.engine.train;

import java.util.List;

/**
 * What one training step measured. Immutable and safe to hand to another thread.
 *
 * @param step the step's number, starting at 1
 * @param totalSteps the steps the run will take
 * @param loss the training batch's mean cross-entropy (before the update)
 * @param accuracy the share of the batch classified right (before the update)
 * @param learningRate the learning rate used
 * @param stepMillis forward, backward and update, in milliseconds
 * @param analysisMillis the branch analysis of this step, if any
 * @param memory memory after the step
 * @param blocks per-block branch metrics, or empty on steps without analysis
 */
public record StepMetrics(
    int step,
    int totalSteps,
    double loss,
    double accuracy,
    double learningRate,
    double stepMillis,
    double analysisMillis,
    MemoryUsage memory,
    List<BlockMetrics> blocks) {

  public StepMetrics {
    blocks = List.copyOf(blocks);
  }
}
