package dev.replens.app.lessons;

import dev.replens.engine.lesson.Demo;
import dev.replens.views.NumberText;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/**
 * What the lesson demo views share: a column laid out at the panel's width, the demo it shows, the
 * learner's settings, the result shown now, a status line and a table of numbers. A subclass adds
 * its own controls and charts, places {@link #status} and {@link #numbers} among them, publishes
 * each result with {@link #setResult} and says which numbers a result reports ({@link #figuresOf}).
 *
 * @param <D> the demo
 * @param <R> the result shown, immutable
 */
abstract class AbstractDemoView<D extends Demo, R> extends VBox implements DemoView {

  /** Progress, the settings just measured, or why the demo can't run. */
  protected final Label status = new Label();

  /** The live numbers. */
  protected final NumberGrid numbers = new NumberGrid();

  private final D demo;
  private final ReadOnlyObjectWrapper<Map<String, Double>> parameters =
      new ReadOnlyObjectWrapper<>(this, "parameters", Map.of());
  private final ReadOnlyObjectWrapper<R> result = new ReadOnlyObjectWrapper<>(this, "result");

  /** A demo view with the style classes {@code lesson-demo} and {@code styleClass}. */
  AbstractDemoView(D demo, String styleClass) {
    this.demo = demo;
    getStyleClass().addAll("lesson-demo", styleClass);
    setSpacing(8);
    // Laid out at the panel's width: a wide child is clipped rather than pushing the text out.
    setMinWidth(0);
    status.getStyleClass().add("lesson-notice");
    status.setWrapText(true);
  }

  @Override
  public D demo() {
    return demo;
  }

  @Override
  public Node node() {
    return this;
  }

  @Override
  public ReadOnlyObjectProperty<Map<String, Double>> parametersProperty() {
    return parameters.getReadOnlyProperty();
  }

  /** Publishes the settings the learner chose, for task checks. */
  protected void setParameters(Map<String, Double> p) {
    parameters.set(p);
  }

  @Override
  public Map<String, Double> figures() {
    R r = result.get();
    return r == null ? Map.of() : figuresOf(r);
  }

  /** The numbers of a result, label → value, in the order shown. */
  protected abstract Map<String, Double> figuresOf(R r);

  /** The result shown, for tests. */
  ReadOnlyObjectProperty<R> resultProperty() {
    return result.getReadOnlyProperty();
  }

  protected R result() {
    return result.get();
  }

  protected void setResult(R r) {
    result.set(r);
  }

  /**
   * Adds a row to the table and returns its value's label; {@code id} names the label if not null.
   */
  protected Label addNumber(String label, String value, String id) {
    Label v = numbers.add(label, value);
    if (id != null) {
      v.setId(id);
    }
    return v;
  }

  /**
   * Replaces the table with {@code figures}, to {@code digits} significant digits, the value of row
   * {@code i} named {@code idPrefix + i}.
   */
  protected void showFigures(Map<String, Double> figures, int digits, String idPrefix) {
    numbers.clear();
    int row = 0;
    for (Map.Entry<String, Double> e : figures.entrySet()) {
      addNumber(e.getKey(), NumberText.of(e.getValue(), digits), idPrefix + row++);
    }
  }
}
