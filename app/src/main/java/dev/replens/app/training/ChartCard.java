package dev.replens.app.training;

import dev.replens.app.Dialogs;
import dev.replens.app.Messages;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * A titled panel around one chart (or the kernel heatmap) with its export: PNG and CSV buttons in
 * the header and the same two commands in a context menu. Style class {@code chart-card}; children
 * {@code .card-header} (with {@code .card-title}) and the content.
 */
final class ChartCard extends VBox {

  /** What a card exports; the card asks for the file. */
  interface Exporter {
    /** The file name to suggest, without extension. */
    String fileName();

    void png(Path file) throws IOException;

    void csv(Path file) throws IOException;
  }

  private final Exporter exporter;

  ChartCard(String id, String title, Node content, Exporter exporter, List<Node> extras) {
    this.exporter = exporter;
    setId(id);
    getStyleClass().add("chart-card");
    Label heading = new Label(title);
    heading.getStyleClass().add("card-title");
    heading.setMinWidth(Region.USE_PREF_SIZE);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Button png = new Button("PNG…");
    png.setId(id + "Png");
    png.setTooltip(new Tooltip("Save this chart as a PNG image"));
    png.setOnAction(e -> askPng());
    Button csv = new Button("CSV…");
    csv.setId(id + "Csv");
    csv.setTooltip(new Tooltip("Save the numbers behind this chart as CSV"));
    csv.setOnAction(e -> askCsv());
    for (Button b : List.of(png, csv)) {
      b.getStyleClass().add("card-button");
      b.setFocusTraversable(false);
    }
    HBox header = new HBox(heading);
    header.getChildren().addAll(extras);
    header.getChildren().addAll(spacer, png, csv);
    header.setAlignment(Pos.CENTER_LEFT);
    header.getStyleClass().add("card-header");
    MenuItem pngItem = new MenuItem("Export as PNG…");
    pngItem.setOnAction(e -> askPng());
    MenuItem csvItem = new MenuItem("Export data as CSV…");
    csvItem.setOnAction(e -> askCsv());
    ContextMenu menu = new ContextMenu(pngItem, csvItem);
    // A filter, so that the chart viewer's own menu (export at screen size) doesn't open as well.
    content.addEventFilter(
        ContextMenuEvent.CONTEXT_MENU_REQUESTED,
        e -> {
          menu.show(content, e.getScreenX(), e.getScreenY());
          e.consume();
        });
    VBox.setVgrow(content, Priority.ALWAYS);
    getChildren().addAll(header, content);
  }

  /** Writes the PNG to {@code file}. */
  void exportPng(Path file) throws IOException {
    exporter.png(file);
  }

  /** Writes the CSV to {@code file}. */
  void exportCsv(Path file) throws IOException {
    exporter.csv(file);
  }

  private void askPng() {
    Path f = choose("Export as PNG", "PNG images", "*.png", ".png");
    if (f != null) {
      write(() -> exportPng(f), f);
    }
  }

  private void askCsv() {
    Path f = choose("Export the data as CSV", "CSV files", "*.csv", ".csv");
    if (f != null) {
      write(() -> exportCsv(f), f);
    }
  }

  private interface Write {
    void run() throws IOException;
  }

  private void write(Write w, Path f) {
    try {
      w.run();
    } catch (IOException | RuntimeException e) {
      Dialogs.error(getScene().getWindow(), "The file can't be written", f + ": " + Messages.of(e));
    }
  }

  private Path choose(String title, String kind, String pattern, String ext) {
    FileChooser fc = new FileChooser();
    fc.setTitle(title);
    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind, pattern));
    fc.setInitialFileName(exporter.fileName() + ext);
    File f = fc.showSaveDialog(getScene().getWindow());
    if (f == null) {
      return null;
    }
    Path p = f.toPath();
    return p.getFileName().toString().endsWith(ext) ? p : p.resolveSibling(p.getFileName() + ext);
  }
}
