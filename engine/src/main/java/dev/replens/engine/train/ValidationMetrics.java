package dev.replens.engine.train;

/**
 * A validation pass in eval mode (BN with running statistics).
 *
 * @param step the optimizer steps taken when it ran
 * @param loss mean softmax cross-entropy
 * @param accuracy the share of images classified right
 * @param images how many images were evaluated
 * @param millis how long it took
 */
public record ValidationMetrics(
    int step, double loss, double accuracy, int images, double millis) {}
