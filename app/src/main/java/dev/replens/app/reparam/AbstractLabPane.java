package dev.replens.app.reparam;

import dev.replens.engine.train.run.RunState;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.WindowEvent;

/**
 * What the lab views share: the Run, Pause/Resume and Stop buttons wired to the lab, a progress
 * bar, a status line that shows the lab's messages, and an export button; the lab is closed when
 * the window is. A view takes the lab's updates through {@link ReparamLab#setOnUpdates}, on the FX
 * thread, at most ten times a second. Ids are the view's prefix followed by {@code Pane}, {@code
 * Run}, {@code Pause}, {@code Stop}, {@code Status}, {@code Progress} and {@code Export}.
 *
 * @param <L> the lab (model) behind the view
 */
abstract class AbstractLabPane<L extends ReparamLab<?, ?>> extends BorderPane {

  protected final L lab;
  protected final Button run = new Button("Run");
  protected final Button pause = new Button("Pause");
  protected final Button stop = new Button("Stop");
  protected final Label status;
  protected final ProgressBar progress = new ProgressBar(0);
  protected final Button export;

  /**
   * @param idPrefix the start of every id
   * @param idleStatus the status line before the first run
   * @param exportText the export button's text
   */
  AbstractLabPane(L lab, String idPrefix, String idleStatus, String exportText) {
    this.lab = lab;
    this.status = new Label(idleStatus);
    this.export = new Button(exportText);
    getStyleClass().add("lab-pane");
    getStylesheets().add(AbstractLabPane.class.getResource("reparam.css").toExternalForm());
    setId(idPrefix + "Pane");
    run.setId(idPrefix + "Run");
    pause.setId(idPrefix + "Pause");
    stop.setId(idPrefix + "Stop");
    status.setId(idPrefix + "Status");
    progress.setId(idPrefix + "Progress");
    progress.setMaxWidth(Double.MAX_VALUE);
    export.setId(idPrefix + "Export");
    export.setDisable(true);
    status.setWrapText(true);
    run.setDefaultButton(true);

    run.setOnAction(e -> start());
    pause.setOnAction(
        e -> {
          if (lab.stateProperty().get() == RunState.PAUSED) {
            lab.resume();
          } else {
            lab.pause();
          }
        });
    stop.setOnAction(e -> lab.stop());
    lab.messageProperty()
        .addListener(
            (o, a, b) -> {
              if (!b.isEmpty()) {
                status.setText(b);
              }
            });

    sceneProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                b.windowProperty()
                    .addListener(
                        (o2, w0, w) -> {
                          if (w != null) {
                            w.addEventHandler(WindowEvent.WINDOW_HIDDEN, ev -> close());
                          }
                        });
              }
            });
  }

  /** Starts a run with the current settings. */
  public abstract void start();

  /**
   * Sets the buttons and the progress bar for the loop's state; {@code started}: this view has
   * started a run, so that Run reads "Run again" once it has ended. While a run is active the
   * button restarts it and says so, and it is not the highlighted default.
   */
  protected void showState(RunState s, boolean started) {
    boolean active = s.active();
    run.setText(active ? "Restart" : started ? "Run again" : "Run");
    run.setDefaultButton(!active);
    pause.setDisable(!active);
    pause.setText(s == RunState.PAUSED ? "Resume" : "Pause");
    stop.setDisable(!active);
    if (!active && progress.isIndeterminate()) {
      progress.setProgress(0);
    }
  }

  /** The controls column {@code box}, {@code width} wide, in a scroll pane. */
  protected static ScrollPane controlsColumn(VBox box, double width) {
    box.setPadding(new Insets(12));
    box.setPrefWidth(width);
    box.getStyleClass().add("lab-controls");
    ScrollPane sp = new ScrollPane(box);
    sp.setFitToWidth(true);
    sp.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    sp.setPrefWidth(width + 20);
    return sp;
  }

  /**
   * The controls column {@code box}, {@code width} wide, scrolling above {@code pinned}, which
   * stays in view (the run buttons and the run's state).
   */
  protected static BorderPane controlsColumn(VBox box, VBox pinned, double width) {
    ScrollPane sp = controlsColumn(box, width);
    pinned.setPadding(new Insets(8, 12, 12, 12));
    pinned.getStyleClass().addAll("lab-controls", "lab-controls-pinned");
    pinned.setPrefWidth(width);
    BorderPane column = new BorderPane(sp);
    column.setBottom(pinned);
    column.setPrefWidth(width + 20);
    column.setMinWidth(width + 20);
    return column;
  }

  /** The lab (model) behind the view. */
  public L lab() {
    return lab;
  }

  /** Stops the run. */
  public void close() {
    lab.close();
  }
}
