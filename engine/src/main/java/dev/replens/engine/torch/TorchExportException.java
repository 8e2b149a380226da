package dev.replens.engine.torch;

/**
 * A design that can't be written as a PyTorch module, with the reason in the user's terms: which
 * branch or op, and what to change.
 */
public final class TorchExportException extends Exception {

  private static final long serialVersionUID = 1L;

  public TorchExportException(String message) {
    super(message);
  }
}
