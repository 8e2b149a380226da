package dev.replens.views.network;

import javafx.css.PseudoClass;

/** How a block of a network stands, as the network views color it. */
public enum BlockStatus {
  /** Converts, and the fused form agrees within round-off. */
  OK("ok", "converts within round-off"),
  /** Converts, with something the user should know (e.g. BN never trained, INT8 sensitive). */
  WARNING("warning", "converts, with a warning"),
  /** Can't convert, or the fused form disagrees beyond round-off. */
  ERROR("error", "has an error"),
  /** Already in deploy form: nothing to convert. */
  DEPLOY_FORM("deploy-form", "already in deploy form"),
  /** Not a re-parameterizable block; its keys pass through unchanged. */
  PASS_THROUGH("pass-through", "passes through unchanged");

  private final PseudoClass pseudoClass;
  private final String description;

  BlockStatus(String pseudoClass, String description) {
    this.pseudoClass = PseudoClass.getPseudoClass(pseudoClass);
    this.description = description;
  }

  /** The pseudo-class the views set for this status, e.g. {@code :deploy-form}. */
  public PseudoClass pseudoClass() {
    return pseudoClass;
  }

  /** The status in words, e.g. "already in deploy form". */
  public String description() {
    return description;
  }

  /** Whether the user should look at a block of this status. */
  public boolean isProblem() {
    return this == WARNING || this == ERROR;
  }
}
