package dev.replens.engine.io;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A weight file that can't be read or written, explained in the user's terms: which file, which
 * entry, what is wrong with it. The message is meant to be shown as it is; it never needs a stack
 * trace to be understood.
 */
public class WeightFileException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * An error about a file.
   *
   * @param file the file concerned
   * @param message what is wrong, as a full sentence naming the file
   */
  public WeightFileException(Path file, String message) {
    super(OneLine.of(message));
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * An error whose message is laid out in lines on purpose (a list of problems, each already on one
   * line).
   *
   * @param file the file concerned
   * @param message the message as it is shown
   * @param lines a marker: the message keeps its line breaks
   */
  protected WeightFileException(Path file, String message, boolean lines) {
    super(message);
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * An error about a file, caused by a lower-level one.
   *
   * @param file the file concerned
   * @param message what is wrong, as a full sentence naming the file
   * @param cause the low-level error, kept for logs
   */
  public WeightFileException(Path file, String message, Throwable cause) {
    super(OneLine.of(message), cause);
    this.file = Objects.requireNonNull(file, "file");
  }

  /** The file the message is about. */
  public Path file() {
    return file;
  }
}
