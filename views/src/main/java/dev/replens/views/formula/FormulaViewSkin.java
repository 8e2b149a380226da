package dev.replens.views.formula;

import javafx.geometry.VPos;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.control.SkinBase;
import javafx.scene.shape.Line;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.text.Text;
import javafx.scene.text.TextBoundsType;
import javafx.scene.transform.Scale;

/**
 * The skin of {@link FormulaView}: the typeset formula as {@link Text} glyphs (style class {@code
 * glyph}) and {@link Line} rules (style class {@code rule}) in a group, baselines on whole pixels,
 * left-aligned and vertically centred.
 */
public class FormulaViewSkin extends SkinBase<FormulaView> {

  private final Group content = new Group();
  private FormulaLayout.Result result;

  public FormulaViewSkin(FormulaView view) {
    super(view);
    content.setManaged(false);
    getChildren().add(content);
    registerChangeListener(view.formulaProperty(), o -> rebuild());
    registerChangeListener(view.fontSizeProperty(), o -> rebuild());
    registerChangeListener(view.textFillProperty(), o -> recolor());
    rebuild();
  }

  private void rebuild() {
    FormulaView v = getSkinnable();
    result = FormulaLayout.layout(FormulaParser.parse(v.getFormula()), v.getFontSize());
    content.getChildren().clear();
    double ascent = Math.ceil(result.ascent());
    for (FormulaLayout.Glyph g : result.glyphs()) {
      Text t = new Text(g.x(), Math.round(g.baseline() + ascent), g.text());
      t.setFont(g.font());
      t.setTextOrigin(VPos.BASELINE);
      t.setBoundsType(TextBoundsType.LOGICAL);
      t.getStyleClass().add("glyph");
      content.getChildren().add(t);
    }
    for (FormulaLayout.Rule r : result.rules()) {
      double y1 = r.y1() + ascent;
      double y2 = r.y2() + ascent;
      if (r.y1() == r.y2()) {
        // Horizontal bars cover whole pixel rows, so they look crisp.
        double w = Math.max(1, Math.round(r.thickness()));
        y1 = Math.round(y1 - w / 2) + w / 2;
        y2 = y1;
      }
      Line l = new Line(r.x1(), y1, r.x2(), y2);
      l.setStrokeWidth(r.y1() == r.y2() ? Math.max(1, Math.round(r.thickness())) : r.thickness());
      l.setStrokeLineCap(r.y1() == r.y2() ? StrokeLineCap.BUTT : StrokeLineCap.ROUND);
      l.getStyleClass().add("rule");
      content.getChildren().add(l);
    }
    recolor();
    getSkinnable().requestLayout();
  }

  private void recolor() {
    for (Node n : content.getChildren()) {
      if (n instanceof Text t) {
        t.setFill(getSkinnable().getTextFill());
      } else if (n instanceof Line l) {
        l.setStroke(getSkinnable().getTextFill());
      }
    }
  }

  /** The typeset formula currently shown. */
  public FormulaLayout.Result result() {
    return result;
  }

  /** The glyph and rule nodes, for tests and tooling. */
  public Group content() {
    return content;
  }

  private double contentHeight() {
    return Math.ceil(result.ascent()) + Math.ceil(result.descent()) + 1;
  }

  /** The smallest a formula is drawn when its pane is narrower than the formula. */
  static final double MIN_SCALE = 0.6;

  private final Scale shrink = new Scale(1, 1, 0, 0);

  /**
   * Lays the formula out at its natural size, or shrunk (down to {@value #MIN_SCALE}) to the width
   * it is given, so that a narrow pane shows all of it rather than cutting its end.
   */
  @Override
  protected void layoutChildren(double x, double y, double w, double h) {
    double natural = Math.ceil(result.width()) + 1;
    double s = natural <= 0 ? 1 : Math.max(MIN_SCALE, Math.min(1, w / natural));
    shrink.setX(s);
    shrink.setY(s);
    if (!content.getTransforms().contains(shrink)) {
      content.getTransforms().add(shrink);
    }
    double top = y + Math.max(0, Math.floor((h - s * contentHeight()) / 2));
    content.setLayoutX(Math.round(x));
    content.setLayoutY(Math.round(top));
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + Math.ceil(result.width()) + 1 + right;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + contentHeight() + bottom;
  }

  @Override
  protected double computeMinWidth(
      double height, double top, double right, double bottom, double left) {
    return left + Math.ceil(MIN_SCALE * (Math.ceil(result.width()) + 1)) + right;
  }

  @Override
  protected double computeMinHeight(
      double width, double top, double right, double bottom, double left) {
    return computePrefHeight(width, top, right, bottom, left);
  }
}
