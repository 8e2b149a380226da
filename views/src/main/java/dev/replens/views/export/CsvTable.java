package dev.replens.views.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A small CSV table (RFC 4180 quoting, {@code \n} line ends, numbers in Java's shortest exact form)
 * for exporting chart data.
 */
public final class CsvTable {

  private final StringBuilder text = new StringBuilder();
  private final int columns;

  /** A table with a header row. */
  public CsvTable(List<String> header) {
    if (header.isEmpty()) {
      throw new IllegalArgumentException("a CSV table needs at least one column");
    }
    columns = header.size();
    appendRow(header.toArray());
  }

  /** Appends a row of {@link String}s and {@link Number}s; must have one value per column. */
  public CsvTable row(Object... values) {
    if (values.length != columns) {
      throw new IllegalArgumentException(
          "a row of " + values.length + " values in a table of " + columns + " columns");
    }
    appendRow(values);
    return this;
  }

  private void appendRow(Object[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(cell(values[i]));
    }
    text.append('\n');
  }

  static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return d.isNaN() ? "NaN" : d.toString();
    }
    if (v instanceof Number) {
      return v.toString();
    }
    String s = v.toString();
    if (s.indexOf(',') >= 0
        || s.indexOf('"') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /** The table as text. */
  @Override
  public String toString() {
    return text.toString();
  }

  /** Writes the table to a file, atomically, as UTF-8. */
  public void write(Path file) throws IOException {
    AtomicFiles.writeString(file, text.toString());
  }
}
