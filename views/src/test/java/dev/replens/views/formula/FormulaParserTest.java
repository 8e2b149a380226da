package dev.replens.views.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.replens.engine.pipeline.TransformKind;
import dev.replens.views.formula.FormulaNode.Classed;
import dev.replens.views.formula.FormulaNode.Fraction;
import dev.replens.views.formula.FormulaNode.Radical;
import dev.replens.views.formula.FormulaNode.Row;
import dev.replens.views.formula.FormulaNode.Scripts;
import dev.replens.views.formula.FormulaNode.Space;
import dev.replens.views.formula.FormulaNode.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parse trees of the formula subset; no JavaFX needed. */
class FormulaParserTest {

  private static Symbol it(String s) {
    return Symbol.italic(s);
  }

  private static Symbol up(String s) {
    return Symbol.upright(s);
  }

  private static Symbol sym(String s, AtomKind k) {
    return Symbol.of(s, k);
  }

  @Test
  void fractionsTakeBracedOrSingleTokenArguments() {
    assertThat(FormulaParser.parse("\\frac{a}{b}"))
        .isEqualTo(Row.of(new Fraction(it("a"), it("b"))));
    assertThat(FormulaParser.parse("\\frac12")).isEqualTo(Row.of(new Fraction(up("1"), up("2"))));
    assertThat(FormulaParser.parse("\\frac{1}{k^{2}}"))
        .isEqualTo(Row.of(new Fraction(up("1"), new Scripts(it("k"), up("2"), null))));
  }

  @Test
  void scriptsAttachInEitherOrderToTheAtomBefore() {
    Row expected = Row.of(new Scripts(it("x"), up("2"), it("i")));
    assertThat(FormulaParser.parse("x_i^2")).isEqualTo(expected);
    assertThat(FormulaParser.parse("x^{2}_{i}")).isEqualTo(expected);
  }

  @Test
  void aSingleTokenScriptTakesOneCharacterNotAWholeNumber() {
    // As in TeX: x^12 is x to the 1, followed by 2.
    assertThat(FormulaParser.parse("x^12"))
        .isEqualTo(Row.of(new Scripts(it("x"), up("1"), null), up("2")));
  }

  @Test
  void scriptsNest() {
    assertThat(FormulaParser.parse("a^{b^{c}}"))
        .isEqualTo(Row.of(new Scripts(it("a"), new Scripts(it("b"), it("c"), null), null)));
  }

  @Test
  void mathrmSetsAWordUpright() {
    assertThat(FormulaParser.parse("\\mathrm{diag}(s)"))
        .isEqualTo(Row.of(up("diag"), sym("(", AtomKind.OPEN), it("s"), sym(")", AtomKind.CLOSE)));
    assertThat(FormulaParser.parse("\\mathrm{branch}_{b}(x)").items().get(0))
        .isEqualTo(new Scripts(up("branch"), null, it("b")));
  }

  @Test
  void sumIsALargeOperatorWithItsLimitsAsScripts() {
    Row r = FormulaParser.parse("\\sum_{t,h,w} W");
    assertThat(r.items()).hasSize(2);
    Scripts s = (Scripts) r.items().get(0);
    assertThat(s.base()).isEqualTo(new Symbol("∑", AtomKind.OP, false, true));
    assertThat(s.kind()).isEqualTo(AtomKind.OP);
    assertThat(s.sub())
        .isEqualTo(
            Row.of(it("t"), sym(",", AtomKind.PUNCT), it("h"), sym(",", AtomKind.PUNCT), it("w")));
  }

  @Test
  void mathrelTurnsPlusIntoARelation() {
    assertThat(FormulaParser.parse("t \\mathrel{+}= b"))
        .isEqualTo(
            Row.of(
                it("t"),
                new Classed(AtomKind.REL, sym("+", AtomKind.BIN)),
                sym("=", AtomKind.REL),
                it("b")));
  }

  @Test
  void greekLettersOperatorsAndArrowsBecomeUnicode() {
    assertThat(
            FormulaParser.parse("\\gamma \\odot \\beta \\cdot \\mu \\ast \\sigma \\to \\epsilon"))
        .isEqualTo(
            Row.of(
                it("γ"),
                sym("⊙", AtomKind.BIN),
                it("β"),
                sym("⋅", AtomKind.BIN),
                it("μ"),
                sym("∗", AtomKind.BIN),
                it("σ"),
                sym("→", AtomKind.REL),
                it("ϵ")));
  }

  @Test
  void spacesHaveTheirTexWidths() {
    assertThat(FormulaParser.parse("a \\quad b \\; c \\, d \\! e").items())
        .containsExactly(
            it("a"),
            new Space(1.0),
            it("b"),
            new Space(5 / 18.0),
            it("c"),
            new Space(3 / 18.0),
            it("d"),
            new Space(-3 / 18.0),
            it("e"));
  }

  @Test
  void bmodIsAnUprightBinaryOperatorAndSqrtARadical() {
    assertThat(FormulaParser.parse("o \\bmod \\sqrt{x}"))
        .isEqualTo(
            Row.of(it("o"), new Symbol("mod", AtomKind.BIN, false, false), new Radical(it("x"))));
  }

  @Test
  void numbersAreOneUprightAtomAndMinusIsAUnicodeMinus() {
    assertThat(FormulaParser.parse("12.5x-3"))
        .isEqualTo(Row.of(up("12.5"), it("x"), sym("−", AtomKind.BIN), up("3")));
  }

  @Test
  void aPrimeIsAnUprightPrimeAfterItsLetter() {
    assertThat(FormulaParser.parse("W'")).isEqualTo(Row.of(it("W"), up("′")));
  }

  @Test
  void bracketsAndSlicesKeepTheirClasses() {
    assertThat(FormulaParser.parse("W[:, o]").items())
        .containsExactly(
            it("W"),
            sym("[", AtomKind.OPEN),
            sym(":", AtomKind.REL),
            sym(",", AtomKind.PUNCT),
            it("o"),
            sym("]", AtomKind.CLOSE));
  }

  @Test
  void unknownCommandsRenderAsTheirNameAndAreReported() {
    assertThat(FormulaParser.parse("\\foo{x}")).isEqualTo(Row.of(up("foo"), Row.of(it("x"))));
    assertThat(FormulaParser.unknownCommands("\\foo + \\gamma + \\bar{x} + \\qux"))
        .containsExactly("foo", "qux");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\\frac{a",
        "}}x{",
        "x^",
        "\\",
        "_{",
        "",
        "^2",
        "\\sqrt",
        "\\frac",
        "{{{",
        "\\left( x \\right.",
        "a_b_c",
        "\\mathrm{",
        "$x$ & #"
      })
  void malformedInputNeverThrows(String latex) {
    assertThatCode(() -> FormulaParser.parse(latex)).doesNotThrowAnyException();
  }

  @Test
  void malformedInputStillGivesTheReadableParts() {
    assertThat(FormulaParser.parse("\\frac{a")).isEqualTo(Row.of(new Fraction(it("a"), Row.of())));
    assertThat(FormulaParser.parse("}x}")).isEqualTo(Row.of(it("x")));
    assertThat(FormulaParser.parse("^2")).isEqualTo(Row.of(new Scripts(Row.of(), up("2"), null)));
    assertThat(FormulaParser.parse("\\left( x \\right.").items())
        .containsExactly(sym("(", AtomKind.OPEN), it("x"));
    assertThat(FormulaParser.parse(null)).isEqualTo(Row.of());
  }

  @ParameterizedTest
  @EnumSource(TransformKind.class)
  void everyEngineFormulaUsesOnlyKnownCommands(TransformKind kind) {
    assertThat(FormulaParser.unknownCommands(kind.formula())).isEmpty();
    assertThat(FormulaParser.parse(kind.formula()).items()).isNotEmpty();
  }
}
