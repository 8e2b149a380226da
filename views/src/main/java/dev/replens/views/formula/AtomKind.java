package dev.replens.views.formula;

/**
 * TeX's classes of math atoms, which decide the space between neighbours (Knuth, "The TeXbook", ch.
 * 18, rules 16–20 and the spacing table on p. 170).
 */
public enum AtomKind {
  /** Ordinary: letters, digits, groups. */
  ORD,
  /** Large operator: {@code \sum}. */
  OP,
  /** Binary operator: {@code +}, {@code −}, {@code \cdot}, {@code \odot}, {@code \bmod}. */
  BIN,
  /** Relation: {@code =}, {@code \to}, {@code \mathrel{…}}. */
  REL,
  /** Opening bracket. */
  OPEN,
  /** Closing bracket. */
  CLOSE,
  /** Punctuation: {@code ,} and {@code ;}. */
  PUNCT
}
