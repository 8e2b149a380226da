package dev.replens.app;

import dev.replens.engine.io.family.Family;
import dev.replens.engine.io.family.Geometry;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/**
 * Asks how to read a weights file: as one of the official families' state dicts (with the block's
 * constructor arguments, which a state dict doesn't store) or as this design's own keys.
 */
final class ImportWeightsDialog extends Dialog<ImportWeightsDialog.Choice> {

  /** "This design's own keys", as opposed to an official family. */
  static final String OWN = "this design's own keys";

  /**
   * What the user chose.
   *
   * @param family the family, or empty for the design's own keys
   * @param geometry the block's constructor arguments (family imports)
   * @param bnEps the BN epsilon (family imports)
   * @param error why the entered values can't be used, or null
   */
  record Choice(Optional<Family> family, Geometry geometry, double bnEps, String error) {}

  ImportWeightsDialog(Window owner, Path file, BlockSpec current) {
    initOwner(owner);
    setTitle("Import weights");
    setHeaderText("Import " + file.getFileName());
    ComboBox<String> family = new ComboBox<>();
    family.getItems().add(OWN);
    for (Family f : Family.values()) {
      family.getItems().add(f.cliName() + " — " + f.moduleName());
    }
    family.getSelectionModel().select(1);
    family.setId("importFamily");
    Spinner<Integer> in = spinner(current.inChannels(), 1, 4096);
    Spinner<Integer> out = spinner(current.outChannels(), 1, 4096);
    Spinner<Integer> k = spinner(current.kernel(), 1, 15);
    Spinner<Integer> stride = spinner(current.stride(), 1, 8);
    Spinner<Integer> padding = spinner(current.padding(), 0, 8);
    Spinner<Integer> groups = spinner(current.groups(), 1, 4096);
    TextField eps = new TextField(String.format(Locale.ROOT, "%g", BatchNorm.DEFAULT_EPS));
    GridPane g = new GridPane();
    g.setHgap(8);
    g.setVgap(6);
    g.setPadding(new Insets(10));
    int r = 0;
    g.addRow(r++, new Label("Read as"), family);
    g.addRow(r++, new Label("In channels"), in);
    g.addRow(r++, new Label("Out channels"), out);
    g.addRow(r++, new Label("Kernel K"), k);
    g.addRow(r++, new Label("Stride"), stride);
    g.addRow(r++, new Label("Padding"), padding);
    g.addRow(r++, new Label("Groups"), groups);
    g.addRow(r++, new Label("BN eps"), eps);
    Label note =
        new Label(
            "A PyTorch state dict doesn't store the block's constructor arguments or BN eps: give them as the block was built.");
    note.setWrapText(true);
    note.setMaxWidth(380);
    g.add(note, 0, r, 2, 1);
    family
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              boolean own = OWN.equals(b);
              for (var n : new javafx.scene.Node[] {in, out, k, stride, padding, groups, eps}) {
                n.setDisable(own);
              }
            });
    getDialogPane().setContent(g);
    getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
    setResultConverter(
        bt -> {
          if (bt != ButtonType.OK) {
            return null;
          }
          String v = family.getValue();
          Optional<Family> f =
              OWN.equals(v)
                  ? Optional.empty()
                  : Optional.of(Family.fromName(v.substring(0, v.indexOf(' '))));
          double e;
          try {
            e = Double.parseDouble(eps.getText().trim());
          } catch (NumberFormatException bad) {
            return new Choice(
                f, null, 0, "BN eps must be a number such as 1e-5, not '" + eps.getText() + "'");
          }
          try {
            return new Choice(
                f,
                new Geometry(
                    in.getValue(),
                    out.getValue(),
                    k.getValue(),
                    stride.getValue(),
                    padding.getValue(),
                    groups.getValue()),
                e,
                null);
          } catch (IllegalArgumentException bad) {
            return new Choice(f, null, e, bad.getMessage());
          }
        });
  }

  private static Spinner<Integer> spinner(int value, int min, int max) {
    Spinner<Integer> s = new Spinner<>(min, max, value);
    s.setEditable(true);
    return s;
  }
}
