package dev.replens.app.crash;

import dev.replens.app.MainWindow;
import dev.replens.app.RepLensApp;
import dev.replens.app.design.AddBranchCommand;
import dev.replens.app.design.DeleteBranchCommand;
import dev.replens.app.design.DesignSession;
import dev.replens.app.design.EditBlockCommand;
import dev.replens.app.design.MoveNodeCommand;
import dev.replens.app.design.ReplaceOpCommand;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The real app in a child JVM, driven for {@link CrashRecoveryTest}. The app's files live under
 * {@code -Dreplens.home}.
 *
 * <ul>
 *   <li>{@code edit OUT}: starts RepLens as {@link RepLensApp#start} does, makes five edits through
 *       the window's commands, writes the edited design's JSON to {@code OUT}, prints {@code
 *       EDITED} and waits to be killed.
 *   <li>{@code restore OUT}: starts RepLens, answers the restore offer with "Restore", writes the
 *       offer's text to {@code OUT.offer}, the window's title to {@code OUT.title} and the design's
 *       JSON to {@code OUT}, prints {@code RESTORED} and exits.
 * </ul>
 */
public final class RecoveryChild {

  private RecoveryChild() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path out = Path.of(args[1]);
    CompletableFuture<Void> started = new CompletableFuture<>();
    Platform.startup(() -> started.complete(null));
    started.get(60, TimeUnit.SECONDS);
    Platform.setImplicitExit(false);
    if (mode.equals("restore")) {
      answerTheOffer(out);
    }
    CompletableFuture<MainWindow> window = new CompletableFuture<>();
    Platform.runLater(
        () -> {
          try {
            RepLensApp app = new RepLensApp();
            app.start(new Stage());
            app.whenReady()
                .whenComplete(
                    (w, e) -> {
                      if (e != null) {
                        window.completeExceptionally(e);
                      } else {
                        window.complete(w);
                      }
                    });
          } catch (Throwable e) {
            window.completeExceptionally(e);
          }
        });
    MainWindow w = window.get(120, TimeUnit.SECONDS);
    if (mode.equals("edit")) {
      String json = onFx(() -> edit(w.session()));
      Files.writeString(out, json, StandardCharsets.UTF_8);
      System.out.println("EDITED");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE); // the test kills this JVM
    } else {
      String json = onFx(() -> DesignIO.toJson(w.session().document()));
      String title = onFx(() -> w.stage().getTitle());
      Files.writeString(Path.of(out + ".title"), title, StandardCharsets.UTF_8);
      Files.writeString(out, json, StandardCharsets.UTF_8);
      System.out.println("RESTORED");
      System.out.flush();
      System.exit(0);
    }
  }

  /** Five edits of the RepVGG sample the app opens on, each an undoable command. */
  private static String edit(DesignSession s) {
    s.execute(new DeleteBranchCommand(s, "rbr_1x1"));
    s.execute(new ReplaceOpCommand(s, "rbr_dense", "bn", new BatchNorm("bn", 1e-3), "BN eps"));
    s.execute(new EditBlockCommand(s, s.spec().withActivation(Activation.NONE), "activation"));
    s.execute(new MoveNodeCommand(s, "rbr_dense/conv", 12.5, -7.25));
    s.execute(
        new AddBranchCommand(
            s, 1, Branch.of("extra", Conv.square("conv", s.spec().outChannels(), 1, 1))));
    return DesignIO.toJson(s.document());
  }

  /**
   * Watches for the restore offer and answers it "Restore", writing its header and text to {@code
   * OUT.offer} first. The offer is a modal dialog shown while the app starts.
   */
  private static void answerTheOffer(Path out) {
    Thread t =
        new Thread(
            () -> {
              while (true) {
                CompletableFuture<Boolean> answered = new CompletableFuture<>();
                Platform.runLater(() -> answered.complete(clickRestore(out)));
                try {
                  if (answered.get(10, TimeUnit.SECONDS)) {
                    return;
                  }
                  Thread.sleep(50);
                } catch (Exception e) {
                  return;
                }
              }
            },
            "answer-restore-offer");
    t.setDaemon(true);
    t.start();
  }

  private static boolean clickRestore(Path out) {
    for (Window w : Window.getWindows()) {
      if (w.getScene() != null && w.getScene().getRoot() instanceof DialogPane pane) {
        for (ButtonType type : pane.getButtonTypes()) {
          if (type.getText().equals("Restore")) {
            try {
              Files.writeString(
                  Path.of(out + ".offer"),
                  pane.getHeaderText() + "\n" + pane.getContentText(),
                  StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            ((Button) pane.lookupButton(type)).fire();
            return true;
          }
        }
      }
    }
    return false;
  }

  private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    Platform.runLater(
        () -> {
          try {
            f.complete(c.call());
          } catch (Throwable e) {
            f.completeExceptionally(e);
          }
        });
    return f.get(60, TimeUnit.SECONDS);
  }
}
