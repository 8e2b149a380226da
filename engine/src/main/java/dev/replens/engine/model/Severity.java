package dev.replens.engine.model;

/** How bad a validation problem is. */
public enum Severity {
  /** The block can't be fused (or evaluated) as designed. */
  ERROR,
  /** The block fuses, but not exactly as a person may expect. */
  WARNING
}
