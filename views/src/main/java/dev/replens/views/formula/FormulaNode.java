package dev.replens.views.formula;

import java.util.List;

/**
 * The parse tree of a formula in the LaTeX subset of {@link FormulaParser}. Values; a {@link Row}
 * is a horizontal list of atoms, every other node one atom.
 */
public sealed interface FormulaNode
    permits FormulaNode.Row,
        FormulaNode.Symbol,
        FormulaNode.Fraction,
        FormulaNode.Scripts,
        FormulaNode.Radical,
        FormulaNode.Space,
        FormulaNode.Classed {

  /** The atom class this node takes part in spacing as. */
  AtomKind kind();

  /** A horizontal list; as an item of another row (a {@code {…}} group) it is an ordinary atom. */
  record Row(List<FormulaNode> items) implements FormulaNode {
    public Row {
      items = List.copyOf(items);
    }

    public static Row of(FormulaNode... items) {
      return new Row(List.of(items));
    }

    @Override
    public AtomKind kind() {
      return AtomKind.ORD;
    }
  }

  /**
   * Text set in one font: a variable, a number, an operator name or symbol.
   *
   * @param text the characters shown (Unicode: {@code γ}, {@code ⊙}, {@code −})
   * @param kind the atom class
   * @param italic math italic (variables) rather than upright (numbers, operators, names)
   * @param large a large operator ({@code ∑}), drawn bigger and with limits under and over it
   */
  record Symbol(String text, AtomKind kind, boolean italic, boolean large) implements FormulaNode {
    public static Symbol italic(String text) {
      return new Symbol(text, AtomKind.ORD, true, false);
    }

    public static Symbol upright(String text) {
      return new Symbol(text, AtomKind.ORD, false, false);
    }

    public static Symbol of(String text, AtomKind kind) {
      return new Symbol(text, kind, false, false);
    }
  }

  /** {@code \frac{numerator}{denominator}}. */
  record Fraction(FormulaNode numerator, FormulaNode denominator) implements FormulaNode {
    @Override
    public AtomKind kind() {
      return AtomKind.ORD;
    }
  }

  /** A base with a superscript and/or a subscript (either may be null). */
  record Scripts(FormulaNode base, FormulaNode sup, FormulaNode sub) implements FormulaNode {
    @Override
    public AtomKind kind() {
      return base.kind();
    }
  }

  /** {@code \sqrt{body}}. */
  record Radical(FormulaNode body) implements FormulaNode {
    @Override
    public AtomKind kind() {
      return AtomKind.ORD;
    }
  }

  /**
   * Explicit space ({@code \quad}, {@code \;}, {@code \,}, {@code \!}), in em; transparent to
   * spacing.
   */
  record Space(double em) implements FormulaNode {
    @Override
    public AtomKind kind() {
      return AtomKind.ORD;
    }
  }

  /** A group that takes part in spacing as another class: {@code \mathrel{+}}, {@code \mathbin}. */
  record Classed(AtomKind kind, FormulaNode body) implements FormulaNode {}
}
