package dev.replens.engine.pipeline;

/** The four forms a block passes through on its way to one conv. */
public enum StageKind {
  /** The block as designed and trained: branches with BN inside. */
  TRAINING(
      "Training form", "The block as designed: parallel branches, each ending in BN or a scale."),
  /** BN inside branches becomes a channel-wise scale; every constant moves after the sum. */
  LINEARIZED(
      "Linearized",
      "Each branch BN becomes a channel-wise scale γ/σ, and its shift β − μγ/σ moves after the"
          + " sum, where one affine (or BN) applies it."),
  /** Each chain collapses into one KxK kernel, then the branches are summed. */
  SQUEEZED(
      "Squeezed",
      "Each branch's chain collapses into one KxK kernel, and the kernels are summed into one"
          + " conv: W = Σ s_b ⊙ W_b."),
  /** The post-sum affine folds into the conv: one conv with a bias. */
  FUSED("Fused", "The ops after the sum fold into the conv: one KxK conv with a bias.");

  private final String title;
  private final String summary;

  StageKind(String title, String summary) {
    this.title = title;
    this.summary = summary;
  }

  /** The stage's name. */
  public String title() {
    return title;
  }

  /** One plain sentence on what the stage does. */
  public String summary() {
    return summary;
  }
}
