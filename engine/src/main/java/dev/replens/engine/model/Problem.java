package dev.replens.engine.model;

/**
 * A validation problem, located at a branch and op where it has one.
 *
 * @param severity error or warning
 * @param branchId the branch ({@value BlockSpec#POST} for post ops), or null for the block
 * @param opId the op, or null for the whole branch or block
 * @param message what is wrong and why, in the user's terms
 */
public record Problem(Severity severity, String branchId, String opId, String message) {

  /** Whether this is an error. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** Where the problem is, e.g. {@code branch 'rbr_1x1', op 'conv'} or {@code block}. */
  public String location() {
    if (branchId == null) {
      return "block";
    }
    String where = BlockSpec.POST.equals(branchId) ? "post ops" : "branch '" + branchId + "'";
    return opId == null ? where : where + ", op '" + opId + "'";
  }

  @Override
  public String toString() {
    return severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + location() + ": " + message;
  }
}
