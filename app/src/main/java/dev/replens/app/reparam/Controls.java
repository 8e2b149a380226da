package dev.replens.app.reparam;

import dev.replens.views.chart.LiveChart;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** Small builders shared by the two lab views. */
final class Controls {

  private Controls() {}

  /** A titled group of controls. */
  static VBox section(String title, Node... content) {
    Label t = new Label(title);
    t.getStyleClass().add("lab-section-title");
    VBox box = new VBox(6, t);
    box.getChildren().addAll(content);
    box.getStyleClass().add("lab-section");
    return box;
  }

  /** A label-control grid, two columns. */
  static GridPane form(Object... labelsAndControls) {
    GridPane g = new GridPane();
    g.setHgap(8);
    g.setVgap(4);
    g.setPadding(new Insets(0));
    for (int i = 0; i < labelsAndControls.length; i += 2) {
      Label l = new Label((String) labelsAndControls[i]);
      l.getStyleClass().add("lab-field-label");
      l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
      g.add(l, 0, i / 2);
      g.add((Node) labelsAndControls[i + 1], 1, i / 2);
    }
    return g;
  }

  /** An editable spinner of doubles. */
  static Spinner<Double> doubles(String id, double min, double max, double value, double step) {
    SpinnerValueFactory.DoubleSpinnerValueFactory f =
        new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, value, step);
    // The default converter shows two decimals, so 0.005 would read as 0.01.
    java.text.DecimalFormat fmt =
        new java.text.DecimalFormat(
            "0.######", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
    f.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(Double v) {
            return v == null ? "" : fmt.format(v);
          }

          @Override
          public Double fromString(String text) {
            try {
              return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
              return f.getValue();
            }
          }
        });
    Spinner<Double> s = new Spinner<>(f);
    s.setEditable(true);
    s.setPrefWidth(96);
    s.setId(id);
    return s;
  }

  /** An editable spinner of integers. */
  static Spinner<Integer> ints(String id, int min, int max, int value, int step) {
    Spinner<Integer> s =
        new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value, step));
    s.setEditable(true);
    s.setPrefWidth(96);
    s.setId(id);
    return s;
  }

  /** A wrapping explanatory text. */
  static Label note(String id, String text) {
    Label l = new Label(text);
    l.setWrapText(true);
    l.setId(id);
    l.getStyleClass().add("lab-note");
    l.setMaxWidth(Double.MAX_VALUE);
    return l;
  }

  /** Puts {@code chart} on a log scale that ranges down to the data, round-off included. */
  static void logScale(LiveChart chart) {
    chart.setLogY(true);
  }

  /** Formats a small positive number for a status line, e.g. {@code 2.4e-07}. */
  static String sci(double v) {
    return String.format(java.util.Locale.ROOT, "%.1e", v);
  }
}
