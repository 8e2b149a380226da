package dev.replens.engine.train;

/**
 * A step produced a non-finite loss, gradient or parameter. The trainer keeps the weights from
 * before the step, so {@link Trainer#state()} is the last good state.
 */
public final class TrainingDivergedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int step;
  private final String parameter;

  /**
   * @param step the step that diverged
   * @param parameter the network-wide key of the first bad parameter or gradient, or null if the
   *     loss itself was not finite
   * @param message what was found, in plain words
   */
  public TrainingDivergedException(int step, String parameter, String message) {
    super(message);
    this.step = step;
    this.parameter = parameter;
  }

  /** The step that diverged, starting at 1. */
  public int step() {
    return step;
  }

  /** The first parameter found with a NaN or infinity, or null. */
  public String parameter() {
    return parameter;
  }
}
