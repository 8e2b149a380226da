package dev.replens.app;

/** Turns exceptions into one-line messages for people. */
public final class Messages {

  private Messages() {}

  /** The exception's message on one line, with its kind only when the message is empty. */
  public static String of(Throwable t) {
    Throwable cause = t;
    while (cause.getMessage() == null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String m = cause.getMessage();
    if (m == null || m.isBlank()) {
      return "unexpected " + cause.getClass().getSimpleName();
    }
    return m.replace('\n', ' ').trim();
  }
}
