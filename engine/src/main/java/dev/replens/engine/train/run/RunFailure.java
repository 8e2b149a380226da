package dev.replens.engine.train.run;

import dev.replens.engine.train.TrainingDivergedException;

/**
 * Why a job failed.
 *
 * @param step the step that failed, from 1; 0 if the job could not be opened (data, network,
 *     training graph)
 * @param message what went wrong, on one line, in the exception's own words (its kind when it has
 *     none)
 * @param cause the exception, for logs and for callers that tell kinds apart
 */
public record RunFailure(int step, String message, Throwable cause) {

  /**
   * The failure of {@code step} (0: opening) because of {@code t}; a divergence names its own step
   * (a job of one long step, a lesson's study, counts its inner steps).
   */
  public static RunFailure of(int step, Throwable t) {
    int at = t instanceof TrainingDivergedException d ? d.step() : step;
    return new RunFailure(at, oneLine(t), t);
  }

  /** Whether the step produced a NaN or an infinity ({@link TrainingDivergedException}). */
  public boolean diverged() {
    return cause instanceof TrainingDivergedException;
  }

  /** The parameter or gradient that went non-finite first, or null (not diverged, or the loss). */
  public String parameter() {
    return cause instanceof TrainingDivergedException d ? d.parameter() : null;
  }

  /** The message without the {@code step N: } it may start with (a divergence's does). */
  public String detail() {
    String prefix = "step " + step + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /**
   * One sentence for people: {@code training diverged at step 3: …}, {@code step 7 failed: …} or
   * the message alone when the job could not be opened.
   */
  public String describe() {
    if (diverged()) {
      return "training diverged at step " + step + ": " + detail();
    }
    return step == 0 ? message : "step " + step + " failed: " + message;
  }

  private static String oneLine(Throwable t) {
    Throwable c = t;
    while (c.getMessage() == null && c.getCause() != null) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return m == null || m.isBlank()
        ? "unexpected " + c.getClass().getSimpleName()
        : m.replace('\n', ' ').trim();
  }
}
