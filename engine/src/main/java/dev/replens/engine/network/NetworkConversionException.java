package dev.replens.engine.network;

import java.util.List;

/**
 * A network that can't be written in deploy form as it is: a block is only partly present, partly
 * converted, holds keys its family doesn't have, or fused beyond round-off. The message is one line
 * naming the first problem and how many there are.
 */
public final class NetworkConversionException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<Finding> errors;

  NetworkConversionException(List<Finding> errors) {
    super(message(errors));
    this.errors = List.copyOf(errors);
  }

  /** Every error that stops the conversion. */
  public List<Finding> errors() {
    return errors;
  }

  private static String message(List<Finding> errors) {
    return "the network can't be converted: "
        + errors.get(0).message()
        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more; see replens inspect)" : "");
  }
}
