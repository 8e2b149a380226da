package dev.replens.views.formula;

import dev.replens.views.formula.FormulaFonts.Metrics;
import dev.replens.views.formula.FormulaNode.Classed;
import dev.replens.views.formula.FormulaNode.Fraction;
import dev.replens.views.formula.FormulaNode.Radical;
import dev.replens.views.formula.FormulaNode.Row;
import dev.replens.views.formula.FormulaNode.Scripts;
import dev.replens.views.formula.FormulaNode.Space;
import dev.replens.views.formula.FormulaNode.Symbol;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.text.Font;

/**
 * Typesets a formula tree into positioned glyphs and rules, following TeX's math layout in
 * simplified form (Knuth, "The TeXbook", appendix G): display style at the top, scripts at 72% and
 * 56% size; inter-atom spaces from the atom classes (thin 3/18 em, medium 4/18, thick 5/18, the
 * medium and thick ones dropped inside scripts); binary operators that have no left operand become
 * ordinary (a unary minus); superscripts raised and subscripts lowered by the rule-18 shifts, with
 * a gap kept between them; fractions centred on the math axis with a rule; {@code \sum} in display
 * style bigger with its limits over and under it; radicals with a drawn sign and bar.
 *
 * <p>Coordinates are pixels, x to the right, y downwards, with the formula's baseline at y = 0.
 * Needs the JavaFX toolkit (glyph measurement); call from the JavaFX thread.
 */
public final class FormulaLayout {

  /** A run of text at a baseline position. */
  public record Glyph(String text, Font font, double x, double baseline) {}

  /** A straight stroke (fraction bars, the radical sign and its bar). */
  public record Rule(double x1, double y1, double x2, double y2, double thickness) {}

  /**
   * A typeset formula.
   *
   * @param width total width
   * @param ascent extent above the baseline
   * @param descent extent below the baseline
   */
  public record Result(
      double width, double ascent, double descent, List<Glyph> glyphs, List<Rule> rules) {
    public Result {
      glyphs = List.copyOf(glyphs);
      rules = List.copyOf(rules);
    }

    public double height() {
      return ascent + descent;
    }
  }

  /** TeX's four styles; cramping is not modelled. */
  enum Style {
    DISPLAY(1.0),
    TEXT(1.0),
    SCRIPT(0.72),
    SCRIPTSCRIPT(0.56);

    final double scale;

    Style(double scale) {
      this.scale = scale;
    }

    Style script() {
      return this == DISPLAY || this == TEXT ? SCRIPT : SCRIPTSCRIPT;
    }

    Style fraction() {
      return this == DISPLAY ? TEXT : this == TEXT ? SCRIPT : SCRIPTSCRIPT;
    }

    boolean small() {
      return this == SCRIPT || this == SCRIPTSCRIPT;
    }
  }

  // Spacing codes: 0 none, 1 thin, 2 medium (not in scripts), 3 thick (not in scripts), 4 thin
  // (not in scripts). Rows and columns: ORD OP BIN REL OPEN CLOSE PUNCT.
  private static final int[][] SPACING = {
    {0, 1, 2, 3, 0, 0, 0},
    {1, 1, 0, 3, 0, 0, 0},
    {2, 2, 0, 0, 2, 0, 0},
    {3, 3, 0, 0, 3, 0, 0},
    {0, 0, 0, 0, 0, 0, 0},
    {0, 1, 2, 3, 0, 0, 0},
    {4, 4, 0, 4, 4, 4, 4}
  };

  private final FormulaFonts fonts;
  private final double size;

  private FormulaLayout(FormulaFonts fonts, double size) {
    this.fonts = fonts;
    this.size = size;
  }

  /** Typesets a formula at a font size in pixels. */
  public static Result layout(FormulaNode root, double fontSize) {
    FormulaLayout l = new FormulaLayout(FormulaFonts.get(), fontSize);
    Box b = l.box(root, Style.DISPLAY);
    return new Result(b.width, b.ascent, b.descent, b.glyphs, b.rules);
  }

  /** Parses and typesets LaTeX. */
  public static Result layout(String latex, double fontSize) {
    return layout(FormulaParser.parse(latex), fontSize);
  }

  /** A laid-out atom: its extent around its own baseline and what it draws. */
  private static final class Box {
    double width;
    double ascent;
    double descent;
    double italicRight;
    AtomKind kind = AtomKind.ORD;
    boolean singleChar;
    final List<Glyph> glyphs = new ArrayList<>();
    final List<Rule> rules = new ArrayList<>();

    void place(Box b, double dx, double dy) {
      for (Glyph g : b.glyphs) {
        glyphs.add(new Glyph(g.text(), g.font(), g.x() + dx, g.baseline() + dy));
      }
      for (Rule r : b.rules) {
        rules.add(new Rule(r.x1() + dx, r.y1() + dy, r.x2() + dx, r.y2() + dy, r.thickness()));
      }
      ascent = Math.max(ascent, b.ascent - dy);
      descent = Math.max(descent, b.descent + dy);
    }
  }

  private double em(Style s) {
    return size * s.scale;
  }

  private double rule(Style s) {
    return Math.max(1.0, 0.05 * em(s));
  }

  private double xHeight(Style s) {
    double h = fonts.measure("x", fonts.fontFor("x", true, em(s))).ascent();
    return h > 0 ? h : 0.45 * em(s);
  }

  /** Height of the math axis (the centre of a minus sign) above the baseline. */
  private double axis(Style s) {
    Metrics m = fonts.measure("−", fonts.fontFor("−", false, em(s)));
    double a = (m.ascent() - m.descent()) / 2;
    return a > 0 ? a : 0.25 * em(s);
  }

  private Box box(FormulaNode n, Style s) {
    if (n instanceof Row r) {
      return row(r.items(), s);
    }
    if (n instanceof Symbol sym) {
      return symbol(sym, s);
    }
    if (n instanceof Fraction f) {
      return fraction(f, s);
    }
    if (n instanceof Scripts sc) {
      return scripts(sc, s);
    }
    if (n instanceof Radical r) {
      return radical(r, s);
    }
    if (n instanceof Space sp) {
      Box b = new Box();
      b.width = sp.em() * em(s);
      return b;
    }
    if (n instanceof Classed c) {
      Box b = box(c.body(), s);
      b.kind = c.kind();
      b.singleChar = false;
      return b;
    }
    throw new IllegalStateException("unknown formula node " + n);
  }

  private Box row(List<FormulaNode> items, Style s) {
    List<Box> boxes = new ArrayList<>();
    List<AtomKind> kinds = new ArrayList<>();
    for (FormulaNode item : items) {
      Box b = box(item, s);
      boxes.add(b);
      kinds.add(item instanceof Space ? null : b.kind);
    }
    // TeX rules 5 and 6: a binary operator needs operands on both sides.
    int prev = -1;
    for (int i = 0; i < kinds.size(); i++) {
      AtomKind k = kinds.get(i);
      if (k == null) {
        continue;
      }
      AtomKind p = prev < 0 ? null : kinds.get(prev);
      if (k == AtomKind.BIN
          && (p == null
              || p == AtomKind.BIN
              || p == AtomKind.OP
              || p == AtomKind.REL
              || p == AtomKind.OPEN
              || p == AtomKind.PUNCT)) {
        kinds.set(i, AtomKind.ORD);
      } else if ((k == AtomKind.REL || k == AtomKind.CLOSE || k == AtomKind.PUNCT)
          && p == AtomKind.BIN) {
        kinds.set(prev, AtomKind.ORD);
      }
      prev = i;
    }
    if (prev >= 0 && kinds.get(prev) == AtomKind.BIN) {
      kinds.set(prev, AtomKind.ORD);
    }

    Box out = new Box();
    double x = 0;
    AtomKind last = null;
    double mu = em(s) / 18;
    for (int i = 0; i < boxes.size(); i++) {
      Box b = boxes.get(i);
      AtomKind k = kinds.get(i);
      if (k != null && last != null) {
        x += space(last, k, s) * mu;
      }
      out.place(b, x, 0);
      x += b.width;
      if (k != null) {
        last = k;
      }
    }
    out.width = x;
    if (!boxes.isEmpty()) {
      out.italicRight = boxes.get(boxes.size() - 1).italicRight;
    }
    return out;
  }

  private static int space(AtomKind left, AtomKind right, Style s) {
    int code = SPACING[left.ordinal()][right.ordinal()];
    switch (code) {
      case 1:
        return 3;
      case 2:
        return s.small() ? 0 : 4;
      case 3:
        return s.small() ? 0 : 5;
      case 4:
        return s.small() ? 0 : 3;
      default:
        return 0;
    }
  }

  private Box symbol(Symbol sym, Style s) {
    Box b = new Box();
    b.kind = sym.kind();
    b.singleChar = sym.text().codePointCount(0, sym.text().length()) == 1;
    if (sym.text().isEmpty()) {
      return b;
    }
    if (sym.large()) {
      double glyphSize = em(s) * (s == Style.DISPLAY ? 1.5 : 1.15);
      Font f = fonts.fontFor(sym.text(), false, glyphSize);
      Metrics m = fonts.measure(sym.text(), f);
      // Centre the ink on the math axis.
      double dy = (m.ascent() - m.descent()) / 2 - axis(s);
      b.glyphs.add(new Glyph(sym.text(), f, 0, dy));
      b.width = m.advance();
      b.ascent = m.ascent() - dy;
      b.descent = m.descent() + dy;
      return b;
    }
    Font f = fonts.fontFor(sym.text(), sym.italic(), em(s));
    Metrics m = fonts.measure(sym.text(), f);
    b.glyphs.add(new Glyph(sym.text(), f, 0, 0));
    b.width = m.advance();
    b.ascent = m.ascent();
    b.descent = m.descent();
    b.italicRight = sym.italic() ? Math.max(0, m.inkRight() - m.advance()) : 0;
    return b;
  }

  private Box scripts(Scripts n, Style s) {
    Box base = box(n.base(), s);
    Style ss = s.script();
    Box sup = n.sup() == null ? null : box(n.sup(), ss);
    Box sub = n.sub() == null ? null : box(n.sub(), ss);
    double em = em(s);
    if (n.base() instanceof Symbol sym && sym.large() && s == Style.DISPLAY) {
      return limits(base, sup, sub, em);
    }
    double emS = em(ss);
    double xh = xHeight(s);
    double t = rule(s);
    boolean charBase = base.singleChar;
    double u = charBase ? 0 : base.ascent - 0.386 * emS;
    double v = charBase ? 0 : base.descent + 0.05 * emS;
    double supMin = (s == Style.DISPLAY ? 0.413 : 0.363) * em;
    if (sub == null) {
      u = Math.max(u, Math.max(supMin, sup.descent + xh / 4));
    } else if (sup == null) {
      v = Math.max(v, Math.max(0.15 * em, sub.ascent - 0.8 * xh));
    } else {
      u = Math.max(u, Math.max(supMin, sup.descent + xh / 4));
      v = Math.max(v, 0.247 * em);
      double gap = (u - sup.descent) - (sub.ascent - v);
      if (gap < 4 * t) {
        v += 4 * t - gap;
        double psi = 0.8 * xh - (u - sup.descent);
        if (psi > 0) {
          u += psi;
          v -= psi;
        }
      }
    }
    Box out = new Box();
    out.kind = base.kind;
    out.place(base, 0, 0);
    double right = base.width;
    if (sup != null) {
      out.place(sup, base.width + base.italicRight, -u);
      right = Math.max(right, base.width + base.italicRight + sup.width);
    }
    if (sub != null) {
      out.place(sub, base.width, v);
      right = Math.max(right, base.width + sub.width);
    }
    out.width = right + 0.05 * em;
    return out;
  }

  private Box limits(Box op, Box sup, Box sub, double em) {
    double w =
        Math.max(op.width, Math.max(sup == null ? 0 : sup.width, sub == null ? 0 : sub.width));
    Box out = new Box();
    out.kind = AtomKind.OP;
    out.place(op, (w - op.width) / 2, 0);
    if (sup != null) {
      double baseline = -(op.ascent + Math.max(0.111 * em, 0.2 * em - sup.descent) + sup.descent);
      out.place(sup, (w - sup.width) / 2, baseline);
    }
    if (sub != null) {
      double baseline = op.descent + Math.max(0.167 * em, 0.6 * em - sub.ascent) + sub.ascent;
      out.place(sub, (w - sub.width) / 2, baseline);
    }
    out.width = w;
    return out;
  }

  private Box fraction(Fraction f, Style s) {
    Style fs = s.fraction();
    Box num = box(f.numerator(), fs);
    Box den = box(f.denominator(), fs);
    double em = em(s);
    double t = rule(s);
    double a = axis(s);
    boolean display = s == Style.DISPLAY;
    double u = (display ? 0.677 : 0.394) * em;
    double v = (display ? 0.686 : 0.345) * em;
    double phi = display ? 3 * t : t;
    double clearNum = (u - num.descent) - (a + t / 2);
    if (clearNum < phi) {
      u += phi - clearNum;
    }
    double clearDen = (a - t / 2) - (den.ascent - v);
    if (clearDen < phi) {
      v += phi - clearDen;
    }
    double ext = 0.08 * em;
    double margin = 0.06 * em;
    double inner = Math.max(num.width, den.width) + 2 * ext;
    Box out = new Box();
    out.place(num, margin + (inner - num.width) / 2, -u);
    out.place(den, margin + (inner - den.width) / 2, v);
    out.rules.add(new Rule(margin, -a, margin + inner, -a, t));
    out.ascent = Math.max(out.ascent, a + t / 2);
    out.width = inner + 2 * margin;
    return out;
  }

  private Box radical(Radical r, Style s) {
    Box body = box(r.body(), s);
    double em = em(s);
    double t = rule(s);
    double phi = t + 0.2 * xHeight(s);
    double top = body.ascent + phi + t / 2;
    double bottom = Math.max(body.descent, 0.05 * em) + 0.04 * em;
    double h = top + bottom;
    double xa = 0.02 * em;
    double xb = 0.13 * em;
    double xc = 0.31 * em;
    double xd = 0.58 * em;
    double bodyX = xd + 0.06 * em;
    double xe = bodyX + body.width + 0.06 * em;
    double ya = bottom - 0.42 * h;
    double yb = bottom - 0.50 * h;
    Box out = new Box();
    out.rules.add(new Rule(xa, ya, xb, yb, t));
    out.rules.add(new Rule(xb, yb, xc, bottom, 1.8 * t));
    out.rules.add(new Rule(xc, bottom, xd, -top, t));
    out.rules.add(new Rule(xd, -top, xe, -top, t));
    out.place(body, bodyX, 0);
    out.ascent = Math.max(out.ascent, top + t / 2);
    out.descent = Math.max(out.descent, bottom + t / 2);
    out.width = xe + 0.04 * em;
    return out;
  }
}
