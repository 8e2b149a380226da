package dev.replens.views.formula;

import dev.replens.views.formula.FormulaNode.Classed;
import dev.replens.views.formula.FormulaNode.Fraction;
import dev.replens.views.formula.FormulaNode.Radical;
import dev.replens.views.formula.FormulaNode.Row;
import dev.replens.views.formula.FormulaNode.Scripts;
import dev.replens.views.formula.FormulaNode.Space;
import dev.replens.views.formula.FormulaNode.Symbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent parser for the LaTeX subset of the engine's formulas ({@code
 * TransformKind.formula()}): groups {@code {…}}; {@code ^} and {@code _} with a group or one token;
 * {@code \frac}, {@code \sqrt}, {@code \mathrm} (and {@code \text}, {@code \operatorname}), {@code
 * \mathrel} / {@code \mathbin} / {@code \mathop} / {@code \mathord}; {@code \sum}, {@code \prod};
 * Greek letters; {@code \cdot \odot \ast \times \pm \bmod}; {@code \to} and other arrows and
 * relations; spaces {@code \quad \qquad \; \: \, \!}; brackets and punctuation.
 *
 * <p>It never throws: an unknown command is shown as its name in upright type, a missing {@code }}
 * closes at the end, a stray {@code }} is dropped, {@code \left}/{@code \right} are ignored (the
 * delimiter after them stays).
 *
 * <p>Grammar: {@code row := (atom | ('^'|'_') argument)*}; {@code atom := '{' row '}' | command |
 * number | letter | char}; {@code argument := '{' row '}' | command | one char}.
 */
public final class FormulaParser {

  private static final Map<String, Symbol> SYMBOLS = new HashMap<>();
  private static final Map<String, Double> SPACES = new HashMap<>();

  static {
    String[][] lowerGreek = {
      {"alpha", "α"},
      {"beta", "β"},
      {"gamma", "γ"},
      {"delta", "δ"},
      {"epsilon", "ϵ"},
      {"varepsilon", "ε"},
      {"zeta", "ζ"},
      {"eta", "η"},
      {"theta", "θ"},
      {"vartheta", "ϑ"},
      {"iota", "ι"},
      {"kappa", "κ"},
      {"lambda", "λ"},
      {"mu", "μ"},
      {"nu", "ν"},
      {"xi", "ξ"},
      {"pi", "π"},
      {"rho", "ρ"},
      {"sigma", "σ"},
      {"tau", "τ"},
      {"upsilon", "υ"},
      {"phi", "ϕ"},
      {"varphi", "φ"},
      {"chi", "χ"},
      {"psi", "ψ"},
      {"omega", "ω"}
    };
    for (String[] g : lowerGreek) {
      SYMBOLS.put(g[0], Symbol.italic(g[1]));
    }
    String[][] upperGreek = {
      {"Gamma", "Γ"},
      {"Delta", "Δ"},
      {"Theta", "Θ"},
      {"Lambda", "Λ"},
      {"Xi", "Ξ"},
      {"Pi", "Π"},
      {"Sigma", "Σ"},
      {"Upsilon", "Υ"},
      {"Phi", "Φ"},
      {"Psi", "Ψ"},
      {"Omega", "Ω"}
    };
    for (String[] g : upperGreek) {
      SYMBOLS.put(g[0], Symbol.upright(g[1]));
    }
    put(AtomKind.BIN, "cdot", "⋅", "odot", "⊙", "ast", "∗", "times", "×", "pm", "±", "mp", "∓");
    put(AtomKind.BIN, "oplus", "⊕", "otimes", "⊗", "circ", "∘", "bullet", "∙", "div", "÷");
    put(AtomKind.BIN, "cup", "∪", "cap", "∩", "wedge", "∧", "vee", "∨", "setminus", "∖");
    put(AtomKind.REL, "to", "→", "rightarrow", "→", "leftarrow", "←", "gets", "←", "mapsto", "↦");
    put(AtomKind.REL, "Rightarrow", "⇒", "approx", "≈", "sim", "∼", "simeq", "≃", "equiv", "≡");
    put(AtomKind.REL, "neq", "≠", "ne", "≠", "leq", "≤", "le", "≤", "geq", "≥", "ge", "≥");
    put(AtomKind.REL, "in", "∈", "subset", "⊂", "propto", "∝", "coloneqq", "≔", "ll", "≪");
    put(AtomKind.REL, "gg", "≫", "mid", "∣");
    put(AtomKind.ORD, "infty", "∞", "partial", "∂", "nabla", "∇", "prime", "′", "ldots", "…");
    put(AtomKind.ORD, "cdots", "⋯", "dots", "…", "ell", "ℓ", "emptyset", "∅", "forall", "∀");
    put(AtomKind.ORD, "exists", "∃", "|", "‖", "%", "%", "#", "#", "&", "&", "$", "$", "_", "_");
    put(AtomKind.OPEN, "{", "{", "lbrace", "{", "langle", "⟨", "lfloor", "⌊", "lceil", "⌈");
    put(AtomKind.OPEN, "lbrack", "[", "lvert", "|");
    put(AtomKind.CLOSE, "}", "}", "rbrace", "}", "rangle", "⟩", "rfloor", "⌋", "rceil", "⌉");
    put(AtomKind.CLOSE, "rbrack", "]", "rvert", "|");
    SYMBOLS.put("bmod", new Symbol("mod", AtomKind.BIN, false, false));
    SYMBOLS.put("sum", new Symbol("∑", AtomKind.OP, false, true));
    SYMBOLS.put("prod", new Symbol("∏", AtomKind.OP, false, true));
    SYMBOLS.put("int", new Symbol("∫", AtomKind.OP, false, true));
    for (String name :
        new String[] {"log", "ln", "exp", "max", "min", "sup", "inf", "lim", "det", "arg"}) {
      SYMBOLS.put(name, new Symbol(name, AtomKind.OP, false, false));
    }
    SPACES.put("quad", 1.0);
    SPACES.put("qquad", 2.0);
    SPACES.put(";", 5 / 18.0);
    SPACES.put(":", 4 / 18.0);
    SPACES.put(">", 4 / 18.0);
    SPACES.put(",", 3 / 18.0);
    SPACES.put("thinspace", 3 / 18.0);
    SPACES.put("!", -3 / 18.0);
    SPACES.put(" ", 1 / 3.0);
    SPACES.put("enspace", 0.5);
  }

  private static void put(AtomKind kind, String... nameGlyph) {
    for (int i = 0; i + 1 < nameGlyph.length; i += 2) {
      SYMBOLS.put(nameGlyph[i], Symbol.of(nameGlyph[i + 1], kind));
    }
  }

  private final String src;
  private final List<String> unknown = new ArrayList<>();
  private int pos;

  private FormulaParser(String src) {
    this.src = src == null ? "" : src;
  }

  /** Parses a formula; never throws. Null or blank input gives an empty row. */
  public static Row parse(String latex) {
    FormulaParser p = new FormulaParser(latex);
    return p.row(false, false);
  }

  /**
   * The commands of a formula that this parser doesn't know (shown as their names), in order of
   * appearance: a check for formula authors.
   */
  public static List<String> unknownCommands(String latex) {
    FormulaParser p = new FormulaParser(latex);
    p.row(false, false);
    return List.copyOf(p.unknown);
  }

  private Row row(boolean upright, boolean inGroup) {
    List<FormulaNode> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos >= src.length()) {
        break;
      }
      char c = src.charAt(pos);
      if (c == '}') {
        if (inGroup) {
          break;
        }
        pos++;
        continue;
      }
      if (c == '^' || c == '_') {
        pos++;
        attachScript(items, c == '^', argument(upright));
        continue;
      }
      FormulaNode atom = atom(upright);
      if (atom == null) {
        continue;
      }
      if (upright
          && mergeable(atom)
          && !items.isEmpty()
          && mergeable(items.get(items.size() - 1))) {
        Symbol last = (Symbol) items.remove(items.size() - 1);
        atom = Symbol.upright(last.text() + ((Symbol) atom).text());
      }
      items.add(atom);
    }
    return new Row(items);
  }

  /** Upright letters and digits set together as one word ({@code \mathrm{diag}}). */
  private static boolean mergeable(FormulaNode n) {
    return n instanceof Symbol s
        && s.kind() == AtomKind.ORD
        && !s.italic()
        && !s.large()
        && !s.text().isEmpty()
        && s.text().chars().allMatch(Character::isLetterOrDigit);
  }

  private static void attachScript(List<FormulaNode> items, boolean sup, FormulaNode script) {
    FormulaNode last = items.isEmpty() ? null : items.get(items.size() - 1);
    if (last instanceof Scripts s && (sup ? s.sup() == null : s.sub() == null)) {
      items.set(
          items.size() - 1,
          sup ? new Scripts(s.base(), script, s.sub()) : new Scripts(s.base(), s.sup(), script));
      return;
    }
    if (last == null || last instanceof Scripts || last instanceof Space) {
      // A script with nothing (or a full script) before it gets an empty base, as in TeX.
      items.add(sup ? new Scripts(Row.of(), script, null) : new Scripts(Row.of(), null, script));
      return;
    }
    items.set(
        items.size() - 1, sup ? new Scripts(last, script, null) : new Scripts(last, null, script));
  }

  private FormulaNode argument(boolean upright) {
    skipSpace();
    if (pos >= src.length()) {
      return Row.of();
    }
    char c = src.charAt(pos);
    if (c == '{') {
      pos++;
      Row r = row(upright, true);
      closeGroup();
      return unwrap(r);
    }
    if (c == '\\') {
      FormulaNode n = command(upright);
      return n == null ? Row.of() : n;
    }
    if (c == '}') {
      return Row.of();
    }
    pos++;
    return character(c, upright);
  }

  private static FormulaNode unwrap(Row r) {
    return r.items().size() == 1 ? r.items().get(0) : r;
  }

  private void closeGroup() {
    if (pos < src.length() && src.charAt(pos) == '}') {
      pos++;
    }
  }

  private FormulaNode atom(boolean upright) {
    char c = src.charAt(pos);
    if (c == '{') {
      pos++;
      Row r = row(upright, true);
      closeGroup();
      return r;
    }
    if (c == '\\') {
      return command(upright);
    }
    if (Character.isDigit(c)) {
      int start = pos;
      while (pos < src.length()
          && (Character.isDigit(src.charAt(pos))
              || (src.charAt(pos) == '.'
                  && pos + 1 < src.length()
                  && Character.isDigit(src.charAt(pos + 1))))) {
        pos++;
      }
      return Symbol.upright(src.substring(start, pos));
    }
    pos++;
    return character(c, upright);
  }

  private static FormulaNode character(char c, boolean upright) {
    if (Character.isLetter(c)) {
      return upright ? Symbol.upright(String.valueOf(c)) : Symbol.italic(String.valueOf(c));
    }
    if (Character.isDigit(c)) {
      return Symbol.upright(String.valueOf(c));
    }
    switch (c) {
      case '+':
        return Symbol.of("+", AtomKind.BIN);
      case '-':
        return Symbol.of("−", AtomKind.BIN);
      case '*':
        return Symbol.of("∗", AtomKind.BIN);
      case '=':
      case '<':
      case '>':
      case ':':
        return Symbol.of(String.valueOf(c), AtomKind.REL);
      case ',':
      case ';':
        return Symbol.of(String.valueOf(c), AtomKind.PUNCT);
      case '(':
      case '[':
        return Symbol.of(String.valueOf(c), AtomKind.OPEN);
      case ')':
      case ']':
      case '!':
      case '?':
        return Symbol.of(String.valueOf(c), AtomKind.CLOSE);
      case '\'':
        return Symbol.upright("′");
      case '~':
        return new Space(1 / 3.0);
      case '&':
      case '$':
      case '#':
        return null;
      default:
        return Symbol.upright(String.valueOf(c));
    }
  }

  private FormulaNode command(boolean upright) {
    pos++; // the backslash
    if (pos >= src.length()) {
      return null;
    }
    int start = pos;
    while (pos < src.length() && Character.isLetter(src.charAt(pos))) {
      pos++;
    }
    String name;
    if (pos == start) {
      name = String.valueOf(src.charAt(pos));
      pos++;
    } else {
      name = src.substring(start, pos);
    }
    Double space = SPACES.get(name);
    if (space != null) {
      return new Space(space);
    }
    switch (name) {
      case "frac":
      case "dfrac":
      case "tfrac":
        {
          FormulaNode num = argument(upright);
          FormulaNode den = argument(upright);
          return new Fraction(num, den);
        }
      case "sqrt":
        skipOptional();
        return new Radical(argument(upright));
      case "mathrm":
      case "text":
      case "textrm":
      case "mathsf":
      case "mathbf":
      case "mathtt":
      case "mathcal":
      case "operatorname":
        return argument(true);
      case "mathit":
        return argument(false);
      case "mathrel":
        return new Classed(AtomKind.REL, argument(upright));
      case "mathbin":
        return new Classed(AtomKind.BIN, argument(upright));
      case "mathop":
        return new Classed(AtomKind.OP, argument(upright));
      case "mathord":
        return new Classed(AtomKind.ORD, argument(upright));
      case "mathpunct":
        return new Classed(AtomKind.PUNCT, argument(upright));
      case "mathopen":
        return new Classed(AtomKind.OPEN, argument(upright));
      case "mathclose":
        return new Classed(AtomKind.CLOSE, argument(upright));
      case "hat":
      case "bar":
      case "tilde":
      case "vec":
      case "dot":
      case "overline":
      case "underline":
      case "boldsymbol":
        // Accents are not drawn; the accented atom still is.
        return argument(upright);
      case "left":
      case "right":
      case "bigl":
      case "bigr":
      case "Bigl":
      case "Bigr":
      case "big":
      case "Big":
        skipSpace();
        if (pos < src.length() && src.charAt(pos) == '.') {
          pos++;
        }
        return null;
      case "\\":
        return null;
      default:
        Symbol s = SYMBOLS.get(name);
        if (s == null) {
          unknown.add(name);
          return Symbol.upright(name);
        }
        return s;
    }
  }

  private void skipOptional() {
    skipSpace();
    if (pos < src.length() && src.charAt(pos) == '[') {
      int close = src.indexOf(']', pos);
      pos = close < 0 ? src.length() : close + 1;
    }
  }

  private void skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }
}
