package dev.replens.engine.io;

/**
 * Keeps a message on one line: a file name, JSON string or zip entry name a user wrote may hold a
 * line break or another control character, which would split a one-line error. Such characters are
 * written as escapes ({@code \n}, {@code \u0085}).
 */
public final class OneLine {

  private OneLine() {}

  /** The text with every line break and control character escaped; null stays null. */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escaped =
          switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default ->
                Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c)
                    : null;
          };
      if (escaped != null && sb == null) {
        sb = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (sb != null) {
        if (escaped != null) {
          sb.append(escaped);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? text : sb.toString();
  }
}
