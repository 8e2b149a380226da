package dev.replens.views.formula;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.geometry.Bounds;
import javafx.scene.text.Font;
import javafx.scene.text.FontPosture;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextBoundsType;

/**
 * The fonts a formula is set in, picked once from what is installed: a serif text face with an
 * italic for letters, digits and brackets (TeX-like faces first: Latin Modern, STIX, Palatino
 * clones), and a math face for operators and arrows, which text faces often lack. Also measures
 * glyphs: advance width and ink extent, cached. Needs the JavaFX toolkit.
 */
public final class FormulaFonts {

  private static final List<String> TEXT_CANDIDATES =
      List.of(
          "Latin Modern Roman",
          "CMU Serif",
          "STIX Two Text",
          "TeX Gyre Pagella",
          "P052",
          "Palatino Linotype",
          "Palatino",
          "Cambria",
          "DejaVu Serif",
          "Serif");
  private static final List<String> SYMBOL_CANDIDATES =
      List.of(
          "Latin Modern Math",
          "STIX Two Math",
          "TeX Gyre Pagella Math",
          "DejaVu Math TeX Gyre",
          "Cambria Math",
          "DejaVu Sans",
          "System");

  /** Glyph metrics in pixels. */
  record Metrics(double advance, double ascent, double descent, double inkRight) {}

  private static volatile FormulaFonts shared;

  private final String textFamily;
  private final String symbolFamily;
  private final Map<String, Metrics> cache = new HashMap<>();

  private FormulaFonts(String textFamily, String symbolFamily) {
    this.textFamily = textFamily;
    this.symbolFamily = symbolFamily;
  }

  /** The fonts of this machine. */
  public static FormulaFonts get() {
    FormulaFonts f = shared;
    if (f == null) {
      Set<String> installed = Set.copyOf(Font.getFamilies());
      f = new FormulaFonts(pick(TEXT_CANDIDATES, installed), pick(SYMBOL_CANDIDATES, installed));
      shared = f;
    }
    return f;
  }

  private static String pick(List<String> candidates, Set<String> installed) {
    for (String c : candidates) {
      if (installed.contains(c)) {
        return c;
      }
    }
    return candidates.get(candidates.size() - 1);
  }

  /** The family of letters and digits. */
  public String textFamily() {
    return textFamily;
  }

  /** The family of operators, arrows and large operators. */
  public String symbolFamily() {
    return symbolFamily;
  }

  /** The font for a symbol's text at a size. */
  Font fontFor(String text, boolean italic, double size) {
    if (usesSymbolFont(text)) {
      return Font.font(symbolFamily, FontWeight.NORMAL, FontPosture.REGULAR, size);
    }
    return Font.font(
        textFamily, FontWeight.NORMAL, italic ? FontPosture.ITALIC : FontPosture.REGULAR, size);
  }

  /**
   * Operators and arrows come from the math face; letters (Latin and Greek), digits, brackets and
   * punctuation from the text face.
   */
  static boolean usesSymbolFont(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean textual =
          Character.isLetterOrDigit(c)
              || "()[]{},.;:!?'/|′%#&$_<>".indexOf(c) >= 0
              || Character.UnicodeBlock.of(c) == Character.UnicodeBlock.GREEK;
      if (!textual) {
        return true;
      }
    }
    return false;
  }

  /** Measures text in a font: advance, ink ascent/descent above/below the baseline, ink right. */
  Metrics measure(String text, Font font) {
    String key = font.getName() + '\u0000' + font.getSize() + '\u0000' + text;
    Metrics m = cache.get(key);
    if (m == null) {
      Text t = new Text(text);
      t.setFont(font);
      double advance = t.getLayoutBounds().getWidth();
      t.setBoundsType(TextBoundsType.VISUAL);
      Bounds ink = t.getLayoutBounds();
      boolean noInk = ink.isEmpty() || ink.getHeight() <= 0;
      m =
          new Metrics(
              advance,
              noInk ? 0 : Math.max(0, -ink.getMinY()),
              noInk ? 0 : Math.max(0, ink.getMaxY()),
              noInk ? advance : ink.getMaxX());
      if (cache.size() > 4096) {
        cache.clear();
      }
      cache.put(key, m);
    }
    return m;
  }
}
