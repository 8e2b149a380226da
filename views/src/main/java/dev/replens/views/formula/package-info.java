/**
 * Typeset formulas: {@link dev.replens.views.formula.FormulaParser} (LaTeX subset → {@link
 * dev.replens.views.formula.FormulaNode} tree), {@link dev.replens.views.formula.FormulaLayout}
 * (tree → positioned glyphs and rules, TeX-style) and the {@link
 * dev.replens.views.formula.FormulaView} control.
 */
package dev.replens.views.formula;
