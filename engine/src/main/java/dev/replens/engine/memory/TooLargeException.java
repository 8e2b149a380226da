package dev.replens.engine.memory;

/**
 * An array a design, file or setting asks for is larger than the {@link MemoryBudget}. The message
 * is one line in the user's terms, e.g. "this block's fused kernel would take 14.4 GB
 * (20000×20000×3×3 float32); RepLens handles blocks up to 1.6 GB on this machine".
 */
public final class TooLargeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message from {@link MemoryBudget#check}. */
  public TooLargeException(String message) {
    super(message);
  }
}
