package dev.replens.app;

import java.util.Optional;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.stage.Window;

/** Message dialogs in the user's terms. */
public final class Dialogs {

  private Dialogs() {}

  /** An error the user can act on; the app keeps running. */
  public static void error(Window owner, String header, String message) {
    Alert a = new Alert(Alert.AlertType.ERROR);
    a.initOwner(owner);
    a.setTitle("RepLens");
    a.setHeaderText(header);
    Label l = new Label(message);
    l.setWrapText(true);
    l.setMaxWidth(560);
    a.getDialogPane().setContent(l);
    a.getDialogPane().setId("errorDialog");
    a.showAndWait();
  }

  /** An information message. */
  public static void info(Window owner, String header, String message) {
    Alert a = new Alert(Alert.AlertType.INFORMATION);
    a.initOwner(owner);
    a.setTitle("RepLens");
    a.setHeaderText(header);
    Label l = new Label(message);
    l.setWrapText(true);
    l.setMaxWidth(560);
    a.getDialogPane().setContent(l);
    a.showAndWait();
  }

  /** The answer to "save changes?". */
  public enum SaveChoice {
    SAVE,
    DISCARD,
    CANCEL
  }

  /** Asks whether to save unsaved changes first. */
  public static SaveChoice askSave(Window owner, String name) {
    ButtonType save = new ButtonType("Save", ButtonBar.ButtonData.YES);
    ButtonType discard = new ButtonType("Don't Save", ButtonBar.ButtonData.NO);
    Alert a =
        new Alert(
            Alert.AlertType.CONFIRMATION,
            "Your changes will be lost if you don't save them.",
            save,
            discard,
            ButtonType.CANCEL);
    a.initOwner(owner);
    a.setTitle("RepLens");
    a.setHeaderText("Save the changes to “" + name + "”?");
    a.getDialogPane().setId("saveDialog");
    Optional<ButtonType> r = a.showAndWait();
    if (r.isEmpty() || r.get() == ButtonType.CANCEL) {
      return SaveChoice.CANCEL;
    }
    return r.get() == save ? SaveChoice.SAVE : SaveChoice.DISCARD;
  }

  /** Asks a yes/no question; true for yes. */
  public static boolean confirm(
      Window owner, String header, String message, String yes, String no) {
    return confirm(owner, "confirmDialog", header, message, yes, no);
  }

  /**
   * Asks a yes/no question in a dialog whose pane has the id {@code id}; true for yes. Closing the
   * dialog answers no.
   */
  public static boolean confirm(
      Window owner, String id, String header, String message, String yes, String no) {
    ButtonType y = new ButtonType(yes, ButtonBar.ButtonData.YES);
    ButtonType n = new ButtonType(no, ButtonBar.ButtonData.NO);
    Alert a = new Alert(Alert.AlertType.CONFIRMATION, message, y, n);
    a.getDialogPane().setId(id);
    a.initOwner(owner);
    a.setTitle("RepLens");
    a.setHeaderText(header);
    return a.showAndWait().orElse(n) == y;
  }
}
