package dev.replens.views.graph;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import java.util.Objects;
import java.util.Set;

/**
 * An element of a block graph, addressed the way the engine addresses ops ({@code
 * <branchId>.<opId>} weight keys, {@link Problem} locations). It is what {@link BlockGraphView}
 * selects, highlights and keeps node offsets for.
 *
 * <table>
 *   <caption>What the two fields address</caption>
 *   <tr><th>branchId</th><th>opId</th><th>element</th></tr>
 *   <tr><td>a branch id</td><td>an op id</td><td>an op in a branch (lane)</td></tr>
 *   <tr><td>a branch id</td><td>null</td><td>the whole branch (lane)</td></tr>
 *   <tr><td>{@value BlockSpec#POST}</td><td>an op id</td><td>an op after the sum</td></tr>
 *   <tr><td>{@value BlockSpec#POST}</td><td>null</td><td>the post ops as a whole</td></tr>
 *   <tr><td>null</td><td>{@code input}, {@code sum}, {@code activation}, {@code
 *       output}</td><td>one of the block's fixed nodes</td></tr>
 *   <tr><td>null</td><td>null</td><td>the block itself</td></tr>
 * </table>
 *
 * @param branchId the branch, {@value BlockSpec#POST}, or null for the block
 * @param opId the op or fixed node, or null for the whole branch or block
 */
public record GraphElement(String branchId, String opId) {

  private static final Set<String> FIXED = Set.of("input", "sum", "activation", "output");

  /** The block input node. */
  public static final GraphElement INPUT = new GraphElement(null, "input");

  /** The Σ node where the branches are summed. */
  public static final GraphElement SUM = new GraphElement(null, "sum");

  /** The block activation node (drawn only when the block has an activation). */
  public static final GraphElement ACTIVATION = new GraphElement(null, "activation");

  /** The block output node. */
  public static final GraphElement OUTPUT = new GraphElement(null, "output");

  /** The block as a whole (its geometry). */
  public static final GraphElement BLOCK = new GraphElement(null, null);

  public GraphElement {
    if (branchId == null && opId != null && !FIXED.contains(opId)) {
      throw new IllegalArgumentException(
          "a block-level element is one of " + FIXED + ", not '" + opId + "'");
    }
  }

  /** The op {@code opId} of branch {@code branchId}. */
  public static GraphElement op(String branchId, String opId) {
    return new GraphElement(
        Objects.requireNonNull(branchId, "branchId"), Objects.requireNonNull(opId, "opId"));
  }

  /** The whole branch {@code branchId}. */
  public static GraphElement branch(String branchId) {
    return new GraphElement(Objects.requireNonNull(branchId, "branchId"), null);
  }

  /** The post op {@code opId}. */
  public static GraphElement postOp(String opId) {
    return op(BlockSpec.POST, opId);
  }

  /** Where a validation problem is. */
  public static GraphElement of(Problem p) {
    return new GraphElement(p.branchId(), p.branchId() == null ? null : p.opId());
  }

  /** Whether this is an op in a branch or after the sum. */
  public boolean isOp() {
    return branchId != null && opId != null;
  }

  /** Whether this is an op after the sum. */
  public boolean isPostOp() {
    return BlockSpec.POST.equals(branchId) && opId != null;
  }

  /** Whether this is a whole branch (not the post ops). */
  public boolean isBranch() {
    return branchId != null && opId == null && !BlockSpec.POST.equals(branchId);
  }

  /** Whether this is one of the block's fixed nodes (input, Σ, activation, output). */
  public boolean isFixedNode() {
    return branchId == null && opId != null;
  }

  /** Whether this is the block itself. */
  public boolean isBlock() {
    return branchId == null && opId == null;
  }

  /** Whether the element is drawn as a node (an op or a fixed node). */
  public boolean isNode() {
    return opId != null;
  }

  @Override
  public String toString() {
    if (isBlock()) {
      return "block";
    }
    if (branchId == null) {
      return opId;
    }
    return opId == null ? branchId : branchId + "." + opId;
  }
}
