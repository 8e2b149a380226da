package dev.replens.app.reparam;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.WindowEvent;
import javafx.util.Duration;

/**
 * What the lab views share: the Run, Pause/Resume and Stop buttons wired to the lab, a progress
 * bar, a status line that shows the lab's messages, an export button, and a timer that drains the
 * lab's updates ten times a second until the window closes. Ids are the view's prefix followed by
 * {@code Pane}, {@code Run}, {@code Pause}, {@code Stop}, {@code Status}, {@code Progress} and
 * {@code Export}.
 *
 * @param <L> the lab (model) behind the view
 */
abstract class AbstractLabPane<L extends AbstractLab<?>> extends BorderPane {

  protected final L lab;
  protected final Button run = new Button("Run");
  protected final Button pause = new Button("Pause");
  protected final Button stop = new Button("Stop");
  protected final Label status;
  protected final ProgressBar progress = new ProgressBar(0);
  protected final Button export;
  private final Timeline pump;

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
          if (lab.stateProperty().get() == StepLoop.State.PAUSED) {
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

    pump = new Timeline(new KeyFrame(Duration.millis(100), e -> drain()));
    pump.setCycleCount(Timeline.INDEFINITE);
    pump.play();
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

  /** Shows what the lab recorded since the last call (FX thread, timer). */
  protected abstract void drain();

  /**
   * Sets the buttons and the progress bar for the loop's state; {@code started}: this view has
   * started a run, so that Run reads "Run again".
   */
  protected void showState(StepLoop.State s, boolean started) {
    boolean active = s.active();
    run.setText(active || started ? "Run again" : "Run");
    pause.setDisable(!active);
    pause.setText(s == StepLoop.State.PAUSED ? "Resume" : "Pause");
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

  /** The lab (model) behind the view. */
  public L lab() {
    return lab;
  }

  /** Stops the run and the redraw timer. */
  public void close() {
    pump.stop();
    lab.close();
  }
}
