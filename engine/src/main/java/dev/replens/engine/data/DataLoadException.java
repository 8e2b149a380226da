package dev.replens.engine.data;

import dev.replens.engine.io.OneLine;
import java.nio.file.Path;

/**
 * A data file or folder that can't be read as a dataset. The message names the path and says what
 * is wrong with it, in the user's terms.
 */
public final class DataLoadException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /** An error about {@code path}; the message starts with the path. */
  public DataLoadException(Path path, String what) {
    super(OneLine.of(path + ": " + what));
    this.path = path;
  }

  /** An error about {@code path} caused by an I/O failure. */
  public DataLoadException(Path path, String what, Throwable cause) {
    super(OneLine.of(path + ": " + what), cause);
    this.path = path;
  }

  /** The file or folder at fault. */
  public Path path() {
    return path;
  }
}
