package dev.replens.app.reparam;

import dev.replens.views.chart.LiveChart;
import dev.replens.views.export.CsvTable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.stage.FileChooser;

/** Saves a lab's charts as PNG and CSV files next to a name the user picks. */
final class ChartExport {

  private ChartExport() {}

  /**
   * Writes every chart as {@code <base>-<name>.png} (1200×700) and {@code <base>-<name>.csv}, and
   * every extra table as {@code <base>-<name>.csv}, in {@code dir}.
   *
   * @return the files written
   */
  static List<Path> save(
      Path dir, String base, Map<String, LiveChart> charts, Map<String, CsvTable> tables)
      throws IOException {
    List<Path> out = new ArrayList<>();
    for (Map.Entry<String, LiveChart> e : charts.entrySet()) {
      Path png = dir.resolve(base + "-" + e.getKey() + ".png");
      Path csv = dir.resolve(base + "-" + e.getKey() + ".csv");
      e.getValue().exportPng(png, 1200, 700);
      e.getValue().exportCsv(csv);
      out.add(png);
      out.add(csv);
    }
    for (Map.Entry<String, CsvTable> e : tables.entrySet()) {
      Path csv = dir.resolve(base + "-" + e.getKey() + ".csv");
      e.getValue().write(csv);
      out.add(csv);
    }
    return out;
  }

  /**
   * Asks where to save (a file name whose stem becomes the base), then saves.
   *
   * @return a sentence for the status line, or null if the user cancelled
   */
  static String ask(
      Node owner, String suggested, Map<String, LiveChart> charts, Map<String, CsvTable> tables) {
    FileChooser fc = new FileChooser();
    fc.setTitle("Export charts (PNG and CSV)");
    fc.setInitialFileName(suggested + ".png");
    File f = fc.showSaveDialog(owner.getScene() == null ? null : owner.getScene().getWindow());
    if (f == null) {
      return null;
    }
    String name = f.getName();
    String base =
        name.toLowerCase(java.util.Locale.ROOT).endsWith(".png")
            ? name.substring(0, name.length() - 4)
            : name;
    try {
      List<Path> written = save(f.toPath().toAbsolutePath().getParent(), base, charts, tables);
      return "Exported " + written.size() + " files to " + f.getParent() + " (" + base + "-*).";
    } catch (IOException e) {
      return "Could not export to " + f.getParent() + ": " + e.getMessage();
    }
  }
}
