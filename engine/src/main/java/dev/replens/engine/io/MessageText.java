package dev.replens.engine.io;

import java.nio.file.Path;

/**
 * Pieces of the one-line messages that weight-file readers and writers give: text taken from a file
 * is made safe to show on one line before it goes into a message.
 */
public final class MessageText {

  private static final int MAX = 120;

  private MessageText() {}

  /**
   * Text taken from a file (a key, a global's name), safe to put into a one-line message: control
   * characters are escaped as {@link OneLine} escapes them and anything beyond 120 characters is
   * cut.
   */
  public static String clip(String s) {
    return OneLine.escape(s, MAX);
  }

  /** A file's name in quotes, as messages name it. */
  public static String name(Path file) {
    Path n = file.getFileName();
    return "'" + clip(n == null ? file.toString() : n.toString()) + "'";
  }

  /** A key in quotes. */
  public static String key(String key) {
    return "'" + clip(key) + "'";
  }

  /** A low-level error's own message, on one line, for the end of ours. */
  public static String cause(Throwable e) {
    String m = e.getMessage();
    return clip(m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip());
  }
}
