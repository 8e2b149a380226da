package dev.replens.engine.io;

/**
 * Keeps a message on one line: a file name, JSON string or zip entry name a user wrote may hold a
 * line break or another control character, which would split a one-line error. Such characters are
 * written as escapes ({@code \n}, {@code \u0085}), and a message quoting a huge value is cut short.
 */
public final class OneLine {

  private OneLine() {}

  /** The longest message kept whole. */
  public static final int MAX_LENGTH = 2000;

  /**
   * The text with every line break and control character escaped, cut to {@value #MAX_LENGTH}
   * characters; null stays null.
   */
  public static String of(String text) {
    return escape(text, MAX_LENGTH);
  }

  /**
   * The text with every line break and control character escaped, cut to {@code maxLength}
   * characters (saying how many more there were); null stays null.
   */
  public static String escape(String text, int maxLength) {
    if (text == null) {
      return null;
    }
    if (text.length() > maxLength) {
      text =
          text.substring(0, maxLength) + "… (" + (text.length() - maxLength) + " more characters)";
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
