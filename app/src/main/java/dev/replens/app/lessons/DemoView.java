package dev.replens.app.lessons;

import dev.replens.engine.lesson.Demo;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.scene.Node;
import org.jfree.chart.JFreeChart;

/** A live demo shown in the lesson panel: a view that computes its numbers with the engine. */
interface DemoView {

  /** The demo it shows. */
  Demo demo();

  /** The view. */
  Node node();

  /** The settings the learner can change ({@code mu}, {@code sigma}), for task checks. */
  ReadOnlyObjectProperty<Map<String, Double>> parametersProperty();

  /** The numbers shown now, label → value, for reports and tests. */
  Map<String, Double> figures();

  /** The demo's charts, caption → chart, in the order shown, for reports. */
  default Map<String, JFreeChart> charts() {
    return Map.of();
  }

  /** Stops background work; the view is no longer shown. */
  void dispose();
}
