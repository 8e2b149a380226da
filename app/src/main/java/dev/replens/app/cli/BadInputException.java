package dev.replens.app.cli;

/** Input a user got wrong; the message is the one line the command prints before exiting 2. */
final class BadInputException extends Exception {

  private static final long serialVersionUID = 1L;

  BadInputException(String message) {
    super(message);
  }
}
