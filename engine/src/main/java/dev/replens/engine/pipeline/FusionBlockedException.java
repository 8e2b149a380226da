package dev.replens.engine.pipeline;

/** Thrown when a block can't be taken further towards one conv, naming where and why. */
public final class FusionBlockedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String branchId;
  private final String opId;

  /** Creates the exception for an op of a branch. */
  public FusionBlockedException(String branchId, String opId, String message) {
    super(message);
    this.branchId = branchId;
    this.opId = opId;
  }

  /** The branch that blocks fusion. */
  public String branchId() {
    return branchId;
  }

  /** The op that blocks fusion. */
  public String opId() {
    return opId;
  }
}
