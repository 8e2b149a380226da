package dev.replens.views.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.views.FxSnapshots;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.scene.shape.Line;
import javafx.scene.text.Text;
import javafx.scene.text.TextBoundsType;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Layout of typeset formulas, asserted on the bounds of their glyph and rule nodes, and pixels. */
@ExtendWith(ApplicationExtension.class)
class FormulaViewTest {

  private FormulaView view;

  @Start
  void start(Stage stage) {
    view = new FormulaView();
    StackPane root = new StackPane(view);
    root.setStyle("-fx-background-color: white;");
    stage.setScene(new Scene(root, 700, 200));
    stage.show();
  }

  private void show(FxRobot robot, String latex) {
    robot.interact(() -> view.setFormula(latex));
    WaitForAsyncUtils.waitForFxEvents();
  }

  private List<Node> nodes() {
    return ((FormulaViewSkin) view.getSkin()).content().getChildren();
  }

  private Text glyph(String text) {
    return nodes().stream()
        .filter(n -> n instanceof Text t && t.getText().equals(text))
        .map(Text.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no glyph '" + text + "' in " + nodes()));
  }

  /** Scene bounds of what a node draws: a glyph's ink (not its line height), a rule's stroke. */
  private static Bounds ink(Node n) {
    if (n instanceof Text t) {
      Text copy = new Text(t.getX(), t.getY(), t.getText());
      copy.setFont(t.getFont());
      copy.setTextOrigin(t.getTextOrigin());
      copy.setBoundsType(TextBoundsType.VISUAL);
      return t.localToScene(copy.getBoundsInLocal());
    }
    return n.localToScene(n.getBoundsInLocal());
  }

  /** The baseline of a glyph in scene coordinates. */
  private static double baseline(Text t) {
    return t.localToScene(0, t.getY()).getY();
  }

  @Test
  void aFractionStacksNumeratorOverBarOverDenominator(FxRobot robot) {
    show(robot, "\\frac{a}{b}");
    Text a = glyph("a");
    Text b = glyph("b");
    Line bar = (Line) nodes().stream().filter(n -> n instanceof Line).findFirst().orElseThrow();
    double barY = bar.localToScene(0, bar.getStartY()).getY();
    assertThat(ink(a).getMaxY()).isLessThanOrEqualTo(barY);
    assertThat(ink(b).getMinY()).isGreaterThanOrEqualTo(barY);
    // Both are centred over the bar.
    double barMid = bar.localToScene((bar.getStartX() + bar.getEndX()) / 2, 0).getX();
    assertThat(ink(a).getCenterX()).isCloseTo(barMid, within(2.0));
    assertThat(ink(b).getCenterX()).isCloseTo(barMid, within(2.0));
  }

  @Test
  void aSubscriptSitsLowerAndSmallerAfterItsBase(FxRobot robot) {
    show(robot, "x_{i}");
    Text x = glyph("x");
    Text i = glyph("i");
    assertThat(baseline(i)).isGreaterThan(baseline(x) + 2);
    assertThat(i.getFont().getSize()).isLessThan(x.getFont().getSize() * 0.8);
    assertThat(ink(i).getMinX()).isGreaterThanOrEqualTo(ink(x).getMaxX() - 1);
  }

  @Test
  void aSuperscriptIsRaisedAndBothScriptsKeepApart(FxRobot robot) {
    show(robot, "k^{2}_{h}");
    Text k = glyph("k");
    Text two = glyph("2");
    Text h = glyph("h");
    assertThat(baseline(two)).isLessThan(baseline(k) - 4);
    assertThat(ink(two).getMaxY()).isLessThan(ink(h).getMinY());
  }

  @Test
  void sumLimitsAreCentredBelowTheSign(FxRobot robot) {
    show(robot, "\\sum_{b} x");
    Text sum = glyph("∑");
    Text b = glyph("b");
    assertThat(ink(b).getMinY()).isGreaterThan(ink(sum).getMaxY() - 1);
    assertThat(ink(b).getCenterX()).isCloseTo(ink(sum).getCenterX(), within(2.0));
    assertThat(sum.getFont().getSize()).isGreaterThan(view.getFontSize() * 1.2);
  }

  @Test
  void variablesAreItalicNumbersAndNamesUpright(FxRobot robot) {
    show(robot, "x + 2\\mathrm{diag}");
    assertThat(glyph("x").getFont().getStyle()).containsIgnoringCase("italic");
    assertThat(glyph("2").getFont().getStyle()).doesNotContainIgnoringCase("italic");
    assertThat(glyph("diag").getFont().getStyle()).doesNotContainIgnoringCase("italic");
  }

  @Test
  void aBinaryMinusHasSpaceAroundItAUnaryMinusHasNone(FxRobot robot) {
    show(robot, "a - b");
    double binary = ink(glyph("b")).getMinX() - ink(glyph("−")).getMaxX();
    show(robot, "- b");
    double unary = ink(glyph("b")).getMinX() - ink(glyph("−")).getMaxX();
    // The medium space is 4/18 em = 4 px at 18 px.
    assertThat(binary - unary).isCloseTo(4.0, within(1.0));
  }

  @Test
  void theRadicalsBarCoversItsBody(FxRobot robot) {
    show(robot, "\\sqrt{x}");
    Text x = glyph("x");
    Line bar =
        nodes().stream()
            .filter(n -> n instanceof Line l && l.getStartY() == l.getEndY())
            .map(Line.class::cast)
            .findFirst()
            .orElseThrow();
    Bounds barB = ink(bar);
    assertThat(barB.getMaxY()).isLessThanOrEqualTo(ink(x).getMinY());
    assertThat(barB.getMinX()).isLessThanOrEqualTo(ink(x).getMinX());
    assertThat(barB.getMaxX()).isGreaterThanOrEqualTo(ink(x).getMaxX());
  }

  @Test
  void anUnknownCommandShowsItsName(FxRobot robot) {
    show(robot, "\\foo + 1");
    assertThat(glyph("foo").getFont().getStyle()).doesNotContainIgnoringCase("italic");
  }

  @Test
  void theFontSizeScalesTheFormula(FxRobot robot) {
    show(robot, "W' = W \\cdot \\frac{\\gamma}{\\sigma}");
    double small = view.prefWidth(-1);
    robot.interact(() -> view.setFontSize(36));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(view.prefWidth(-1)).isCloseTo(2 * small, within(0.15 * small));
  }

  @Test
  void cssSetsTheFontSize(FxRobot robot) {
    robot.interact(() -> view.setStyle("-rl-font-size: 30px;"));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(view.getFontSize()).isEqualTo(30.0);
  }

  @Test
  void theRenderedFormulaHasInkAndChangesWithTheFormula(FxRobot robot) {
    show(robot, "\\mathrm{BN}(u) = \\frac{\\gamma}{\\sigma} \\odot u");
    WritableImage first = FxSnapshots.snapshot(robot, view);
    int ink = FxSnapshots.darkPixels(first, 0.5);
    assertThat(ink).isGreaterThan(150);
    show(robot, "W' = s \\odot W");
    WritableImage second = FxSnapshots.snapshot(robot, view);
    assertThat(FxSnapshots.differ(first, second)).isTrue();
  }

  @Test
  void atOneAndAHalfScaleTheInkGrowsWithTheArea(FxRobot robot) {
    show(robot, "W[o,i] = \\sum_{t} W_{2}[o,t] \\ast W_{1}[t,i]");
    AtomicReference<Integer> at1 = new AtomicReference<>();
    at1.set(FxSnapshots.darkPixels(FxSnapshots.snapshot(robot, view, 1), 0.5));
    int at15 = FxSnapshots.darkPixels(FxSnapshots.snapshot(robot, view, 1.5), 0.5);
    // Strokes grow with the scale in both directions: about 1.5² as many dark pixels.
    assertThat((double) at15 / at1.get()).isBetween(1.6, 3.0);
  }

  @Test
  void anEmptyFormulaIsEmpty(FxRobot robot) {
    show(robot, "");
    assertThat(view.getPseudoClassStates().toString()).contains("empty");
    assertThat(nodes()).isEmpty();
    show(robot, "x");
    assertThat(view.getPseudoClassStates().toString()).doesNotContain("empty");
  }
}
