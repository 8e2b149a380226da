package dev.replens.app.lessons;

import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * A two-column table of live numbers: labels wrap, values never shrink below their text (a number
 * cut to "0.…" would be worse than no number).
 */
final class NumberGrid extends GridPane {

  private int rows;

  NumberGrid() {
    getStyleClass().add("lesson-numbers");
    setHgap(14);
    setVgap(6);
    ColumnConstraints label = new ColumnConstraints();
    label.setHgrow(Priority.ALWAYS);
    label.setMinWidth(120);
    ColumnConstraints value = new ColumnConstraints();
    value.setMinWidth(Region.USE_PREF_SIZE);
    value.setHalignment(HPos.RIGHT);
    getColumnConstraints().addAll(label, value);
  }

  /** Removes every row. */
  void clear() {
    getChildren().clear();
    rows = 0;
  }

  /** Adds a row and returns the value's label, for ids and style classes. */
  Label add(String label, String value) {
    Label l = new Label(label);
    l.getStyleClass().add("lesson-number-label");
    l.setWrapText(true);
    l.setMaxWidth(Double.MAX_VALUE);
    Label v = new Label(value);
    v.getStyleClass().add("lesson-number-value");
    v.setMinWidth(Region.USE_PREF_SIZE);
    addRow(rows++, l, v);
    return v;
  }

  /** Adds a note under the last row, across both columns, and returns it. */
  Label addNote(String text) {
    Label n = new Label(text);
    n.getStyleClass().add("lesson-number-note");
    n.setWrapText(true);
    n.setMaxWidth(Double.MAX_VALUE);
    add(n, 0, rows++, 2, 1);
    return n;
  }

  /** The number of rows. */
  int rows() {
    return rows;
  }
}
