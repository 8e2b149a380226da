package dev.replens.app;

import dev.replens.app.files.RecentFiles;
import dev.replens.app.files.RecoveryStore;
import dev.replens.app.files.UserState;
import dev.replens.app.files.UserStateStore;
import dev.replens.app.files.WindowMemory;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.samples.SampleCatalog;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RepLens desktop application. It opens on the design that was open when it last closed (or the
 * RepVGG sample), with the window laid out as it was; if the last session ended without closing
 * cleanly, it offers to restore the unsaved design first.
 */
public final class RepLensApp extends Application {

  private static final Logger LOG = LoggerFactory.getLogger(RepLensApp.class);

  /** The sample shown at start-up. */
  public static final String START_SAMPLE = "repvgg";

  private MainWindow window;

  private final CompletableFuture<MainWindow> ready = new CompletableFuture<>();

  /**
   * Shows the window at once with a placeholder while the engine (ND4J and its native libraries)
   * loads on a thread of its own, then builds the explorer in the same window. The window never
   * waits for the engine; the engine's first use on the JavaFX thread finds it loaded.
   */
  @Override
  public void start(Stage stage) {
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> unexpected(e));
    stage.setTitle("RepLens");
    stage.setScene(StartupScene.create());
    stage.show();
    FirstFrameProbe.watchIfAsked(FirstFrameProbe.Frame.FIRST);
    Thread loader =
        new Thread(
            () -> {
              EngineWarmUp.run();
              Platform.runLater(
                  () -> {
                    try {
                      open(stage);
                      ready.complete(window);
                    } catch (Exception e) {
                      ready.completeExceptionally(e);
                      unexpected(e);
                    }
                  });
            },
            "replens-engine-start");
    loader.setDaemon(true);
    loader.start();
  }

  /** Builds the explorer on the stage: restores a recovery copy, or the last design, and layout. */
  private void open(Stage stage) throws Exception {
    RecoveryStore recovery = RecoveryStore.standard();
    DesignDocument initial = SampleCatalog.load(START_SAMPLE);
    Optional<RecoveryStore.Recovered> left = recovery.load();
    boolean restore = false;
    if (left.isPresent()) {
      RecoveryStore.Recovered r = left.get();
      String when =
          DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
              .withZone(ZoneId.systemDefault())
              .format(r.savedAt());
      String name =
          r.design().name().isEmpty() ? "an untitled design" : "“" + r.design().name() + "”";
      restore =
          Dialogs.confirm(
              null,
              "RepLens did not close properly",
              "Your unsaved changes to "
                  + name
                  + (r.originalFile() == null ? "" : " (" + r.originalFile() + ")")
                  + " from "
                  + when
                  + " were kept. Restore them?",
              "Restore",
              "Discard");
      if (restore) {
        initial = r.design();
      } else {
        recovery.clear();
      }
    }
    window = new MainWindow(stage, initial, RecentFiles.standard(), recovery);
    UserStateStore stateStore = UserStateStore.standard();
    UserState state = stateStore.load();
    if (restore) {
      window.session().markSaved(left.get().originalFile());
      window.markRestored(left.get().originalFile());
    } else {
      Optional<Path> last = WindowMemory.lastDesign(state);
      if (last.isPresent()) {
        window.openFile(last.get());
      } else {
        SampleCatalog.find(START_SAMPLE).ifPresent(window::openSample);
      }
    }
    WindowMemory memory = new WindowMemory(window, stateStore);
    memory.apply(state);
    memory.attach();
    // -Dreplens.workspace=<tab id> (modelTab, trainingTab, repoptTab, dyrepTab) opens on that tab.
    String workspace = System.getProperty("replens.workspace");
    if (workspace != null && !workspace.isEmpty()) {
      window.showWorkspace(workspace);
    }
    // -Dreplens.openCheckpoint=<file>, or "sample", reads a checkpoint into the Model workspace.
    String checkpoint = System.getProperty("replens.openCheckpoint");
    if (checkpoint != null && !checkpoint.isBlank()) {
      if (checkpoint.equals("sample")) {
        window.showWorkspace(dev.replens.app.model.ModelWorkspace.TAB_ID);
        window.model().openSample();
      } else {
        window.openCheckpoint(Path.of(checkpoint));
      }
    }
    // -Dreplens.window=1280x720 sets the window's size over the remembered one.
    String size = System.getProperty("replens.window", "");
    if (size.matches("\\d+x\\d+")) {
      String[] wh = size.split("x");
      stage.setWidth(Integer.parseInt(wh[0]));
      stage.setHeight(Integer.parseInt(wh[1]));
    }
    // -Dreplens.autorun=true starts the shown workspace's run, as its Run or Start button would.
    if (Boolean.getBoolean("replens.autorun")) {
      Platform.runLater(this::runShownWorkspace);
    }
    FirstFrameProbe.watchIfAsked(FirstFrameProbe.Frame.EXPLORER);
    Platform.runLater(window.graph()::fitToView);
  }

  private void runShownWorkspace() {
    var tab = window.workspaces().getSelectionModel().getSelectedItem();
    if (tab == null || tab.getContent() == null) {
      return;
    }
    for (String id : new String[] {"#labStart", "#repoptRun", "#dyrepRun"}) {
      if (tab.getContent().lookup(id) instanceof javafx.scene.control.Button b) {
        b.fire();
        return;
      }
    }
  }

  /** Never dies with a stack trace: logs it, keeps a recovery copy, and tells the user. */
  private void unexpected(Throwable e) {
    LOG.error("unexpected error", e);
    Runnable show =
        () -> {
          if (window != null) {
            window.saveRecoveryNow();
          }
          Dialogs.error(
              window == null ? null : window.stage(),
              "Something went wrong",
              Messages.of(e)
                  + "\n\nRepLens keeps running, and a recovery copy of your design was written.");
        };
    if (Platform.isFxApplicationThread()) {
      show.run();
    } else {
      Platform.runLater(show);
    }
  }

  /**
   * Completes with the main window once the engine has loaded and the explorer is built; {@link
   * #start} returns before that, showing a placeholder.
   */
  public CompletableFuture<MainWindow> whenReady() {
    return ready;
  }

  public static void main(String[] args) {
    dev.replens.engine.train.NativeThreads.configure();
    launch(RepLensApp.class, args);
  }
}
