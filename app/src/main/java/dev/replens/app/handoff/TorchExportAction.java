package dev.replens.app.handoff;

import dev.replens.app.Dialogs;
import dev.replens.app.Messages;
import dev.replens.app.design.DesignSession;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.torch.TorchExportException;
import dev.replens.engine.torch.TorchModuleWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * File → Export as PyTorch Module…: writes the current design as a Python file and, beside it, the
 * weights it is shown with as {@code <name>.safetensors}, which the module's {@code
 * load_replens_weights} reads.
 */
public final class TorchExportAction {

  private TorchExportAction() {}

  /** Asks for the file and writes both; problems go to a dialog, success to {@code status}. */
  public static void run(Window owner, DesignSession session, Consumer<String> status) {
    FileChooser fc = new FileChooser();
    fc.setTitle("Export as PyTorch module");
    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Python files (*.py)", "*.py"));
    fc.setInitialFileName(fileStem(session) + ".py");
    Path file = session.file();
    if (file != null && file.toAbsolutePath().getParent() != null) {
      fc.setInitialDirectory(file.toAbsolutePath().getParent().toFile());
    }
    File chosen = fc.showSaveDialog(owner);
    if (chosen == null) {
      return;
    }
    Path py = chosen.toPath();
    String name = py.getFileName().toString();
    Path weights =
        py.resolveSibling(
            (name.endsWith(".py") ? name.substring(0, name.length() - 3) : name) + ".safetensors");
    try {
      export(session, py, weights);
      status.accept("Exported the PyTorch module to " + py + " and its weights to " + weights);
    } catch (TorchExportException e) {
      Dialogs.error(owner, "The design can't be exported as a PyTorch module", e.getMessage());
    } catch (IOException | WeightFileException e) {
      Dialogs.error(owner, "The PyTorch module can't be written", Messages.of(e));
    }
  }

  /** Writes the module and the session's weights. */
  public static void export(DesignSession session, Path py, Path weights)
      throws TorchExportException, IOException, WeightFileException {
    TorchModuleWriter.write(py, session.document(), null);
    DesignWeights.write(weights, session.weights().restrictTo(session.spec()));
  }

  private static String fileStem(DesignSession session) {
    String n = session.document().name().strip().toLowerCase(java.util.Locale.ROOT);
    String stem = n.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    return stem.isEmpty() ? "block" : stem;
  }
}
