package dev.replens.app.layout;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * Audits a laid-out scene as a user would read it. Call on the JavaFX thread, after layout.
 *
 * <ul>
 *   <li>{@link #elidedText}: every showing {@link Labeled} whose text is wider than the room its
 *       control gives it (or, when it wraps, taller), measured with a {@link Text} in the control's
 *       own font; and every showing {@link TextField} whose text is wider than its field.
 *   <li>{@link #outside}: every node matched by a selector under {@code parent} whose bounds are
 *       not inside the bounds of {@code frame}, both in scene coordinates.
 * </ul>
 *
 * Each finding is one line that names the control by its id or style class, its text and the
 * widths, so that a failing assertion reads as a to-do list.
 */
public final class LayoutAudit {

  /** Measured text may exceed the room by this much (sub-pixel rounding of the skins). */
  private static final double SLACK = 0.5;

  private LayoutAudit() {}

  /** The elided texts under {@code root}, one line each; empty if none. */
  public static List<String> elidedText(Node root) {
    List<String> out = new ArrayList<>();
    walk(root, out);
    return out;
  }

  private static void walk(Node n, List<String> out) {
    if (!n.isVisible() || n.getOpacity() == 0) {
      return;
    }
    if (n.getStyleClass().contains("formula-view") && n instanceof Parent p) {
      checkFormula(p, out);
    } else if (n instanceof Labeled l) {
      check(l, out);
    } else if (n instanceof TextField f) {
      check(f, out);
    }
    if (n instanceof Parent p) {
      for (Node c : p.getChildrenUnmodifiable()) {
        walk(c, out);
      }
    }
  }

  private static void check(Labeled l, List<String> out) {
    String text = shownText(l);
    if (text.isEmpty()
        || l.getWidth() <= 0
        || l.getContentDisplay() == ContentDisplay.GRAPHIC_ONLY) {
      return;
    }
    Insets in = l.getInsets();
    Insets pad = l.getLabelPadding();
    double room = l.getWidth() - in.getLeft() - in.getRight() - pad.getLeft() - pad.getRight();
    double roomHeight =
        l.getHeight() - in.getTop() - in.getBottom() - pad.getTop() - pad.getBottom();
    Node g = l.getGraphic();
    if (g != null
        && g.isVisible()
        && (l.getContentDisplay() == ContentDisplay.LEFT
            || l.getContentDisplay() == ContentDisplay.RIGHT)) {
      room -= g.prefWidth(-1) + l.getGraphicTextGap();
    }
    if (l.isWrapText()) {
      Text t = measure(text, l.getFont());
      t.setWrappingWidth(Math.max(1, room));
      double h = t.getLayoutBounds().getHeight();
      // A word longer than the line is cut even when wrapping.
      double longest = longestWord(text, l.getFont());
      if (h > roomHeight + 1 || longest > room + SLACK) {
        out.add(
            String.format(
                java.util.Locale.ROOT,
                "%s “%s”: wrapped text needs %.0f×%.0f px, has %.0f×%.0f",
                name(l),
                abbreviate(text),
                Math.max(longest, Math.min(room, t.getLayoutBounds().getWidth())),
                h,
                room,
                roomHeight));
      }
      return;
    }
    double w = measure(text, l.getFont()).getLayoutBounds().getWidth();
    if (w > room + SLACK) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "%s “%s”: text needs %.1f px, has %.1f",
              name(l),
              abbreviate(text),
              w,
              room));
    }
  }

  private static void check(TextField f, List<String> out) {
    String text = f.getText() == null ? "" : f.getText();
    if (text.isEmpty() || f.getWidth() <= 0) {
      return;
    }
    double room = f.getWidth() - f.getInsets().getLeft() - f.getInsets().getRight();
    double w = measure(text, f.getFont()).getLayoutBounds().getWidth();
    if (w > room + SLACK) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "%s “%s”: field text needs %.1f px, has %.1f",
              name(f),
              abbreviate(text),
              w,
              room));
    }
  }

  /** A typeset formula ({@code formula-view}) drawn wider than its control is cut at the edge. */
  private static void checkFormula(Parent f, List<String> out) {
    if (f.getLayoutBounds().getWidth() <= 0 || f.getChildrenUnmodifiable().isEmpty()) {
      return;
    }
    // In scene coordinates, so that a formula scaled to fit (by itself or a parent) counts as
    // drawn at its scaled size.
    Node content = f.getChildrenUnmodifiable().get(0);
    Bounds b = content.localToScene(content.getBoundsInLocal());
    Bounds own = f.localToScene(f.getLayoutBounds());
    double right = own.getMaxX();
    // A scrolling ancestor may show less than the control's own width.
    for (Node p = f.getParent(); p != null; p = p.getParent()) {
      if (p instanceof javafx.scene.control.ScrollPane sp) {
        right = Math.min(right, sp.localToScene(sp.getLayoutBounds()).getMaxX());
      }
    }
    if (b.getMaxX() > right + SLACK) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "%s: formula needs %.1f px, has %.1f",
              name(f),
              b.getWidth(),
              right - b.getMinX()));
    }
  }

  /** The text as drawn: a menu's mnemonic underscore takes no room. */
  private static String shownText(Labeled l) {
    String t = l.getText() == null ? "" : l.getText();
    if (l.isMnemonicParsing()) {
      int i = t.indexOf('_');
      if (i >= 0 && i + 1 < t.length() && t.charAt(i + 1) != '_') {
        t = t.substring(0, i) + t.substring(i + 1);
      }
    }
    return t;
  }

  private static Text measure(String s, Font f) {
    Text t = new Text(s);
    t.setFont(f);
    return t;
  }

  private static double longestWord(String s, Font f) {
    double max = 0;
    for (String word : s.split("\\s+")) {
      max = Math.max(max, measure(word, f).getLayoutBounds().getWidth());
    }
    return max;
  }

  /**
   * The nodes matching {@code selector} under {@code parent} that lie (partly) outside {@code
   * frame}, one line each; empty if none.
   */
  public static List<String> outside(Node frame, Node parent, String selector) {
    return outside(frame, parent, selector, true);
  }

  /**
   * As {@link #outside(Node, Node, String)}, but only across: for panels whose content may scroll
   * vertically.
   */
  public static List<String> outsideAcross(Node frame, Node parent, String selector) {
    return outside(frame, parent, selector, false);
  }

  private static List<String> outside(Node frame, Node parent, String selector, boolean down) {
    List<String> out = new ArrayList<>();
    Bounds f = frame.localToScene(frame.getLayoutBounds());
    for (Node n : parent.lookupAll(selector)) {
      if (!n.isVisible()) {
        continue;
      }
      Bounds b = n.localToScene(n.getBoundsInLocal());
      if (b.getMinX() < f.getMinX() - SLACK
          || b.getMaxX() > f.getMaxX() + SLACK
          || down && (b.getMinY() < f.getMinY() - SLACK || b.getMaxY() > f.getMaxY() + SLACK)) {
        out.add(
            String.format(
                java.util.Locale.ROOT,
                "%s at [%.0f, %.0f – %.0f, %.0f] outside [%.0f, %.0f – %.0f, %.0f]",
                name(n),
                b.getMinX(),
                b.getMinY(),
                b.getMaxX(),
                b.getMaxY(),
                f.getMinX(),
                f.getMinY(),
                f.getMaxX(),
                f.getMaxY()));
      }
    }
    return out;
  }

  /** A node's name for a finding: id, else its style classes and class, and its parent's id. */
  static String name(Node n) {
    StringBuilder b = new StringBuilder();
    if (n.getId() != null) {
      b.append('#').append(n.getId());
    } else {
      b.append(n.getClass().getSimpleName());
      for (String c : n.getStyleClass()) {
        b.append('.').append(c);
      }
      Node p = n.getParent();
      while (p != null && p.getId() == null) {
        p = p.getParent();
      }
      if (p != null) {
        b.append(" in #").append(p.getId());
      }
    }
    return b.toString();
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', '⏎');
    return one.length() > 60 ? one.substring(0, 57) + "…" : one;
  }
}
