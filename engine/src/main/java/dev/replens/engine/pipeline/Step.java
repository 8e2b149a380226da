package dev.replens.engine.pipeline;

/**
 * One step of the fusion pipeline: the transform applied, where, and the block it produced.
 *
 * @param stage the stage the step belongs to
 * @param transform which transform
 * @param title a title naming the place, e.g. "Fold BN 'bn' into conv 'conv' of rbr_dense"
 * @param explanation one plain sentence
 * @param branchId the branch the step touched, or null for the whole block
 * @param opId the op the step produced or changed, or null
 * @param state the block after the step
 */
public record Step(
    StageKind stage,
    TransformKind transform,
    String title,
    String explanation,
    String branchId,
    String opId,
    BlockState state) {

  /** The formula of the step's transform. */
  public String formula() {
    return transform.formula();
  }
}
