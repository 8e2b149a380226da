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
   * characters are escaped and anything beyond 120 characters is cut.
   */
  public static String clip(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX) + 8);
    for (int i = 0; i < s.length() && sb.length() < MAX; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
        sb.append(String.format("\\x%02x", (int) c & 0xff));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= MAX && s.length() > MAX) {
      sb.setLength(MAX);
      sb.append('…');
    }
    return sb.toString();
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
