package dev.replens.app;

import dev.replens.app.files.RecentFiles;
import dev.replens.app.files.RecoveryStore;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.samples.SampleCatalog;
import java.io.IOException;
import java.nio.file.Path;
import javafx.stage.Stage;

/**
 * The main window as the UI tests open it: on a bundled sample, with its files kept in a temp home.
 */
public final class TestWindows {

  private TestWindows() {}

  /**
   * A main window on the sample {@code sampleId}, whose recent-files list and recovery copy live
   * under {@code home}, so that tests never touch the user's own.
   */
  public static MainWindow open(Stage stage, String sampleId, Path home)
      throws IOException, DesignFormatException {
    return new MainWindow(
        stage,
        SampleCatalog.load(sampleId),
        new RecentFiles(home.resolve("recent.json")),
        new RecoveryStore(home.resolve("recovery")));
  }
}
