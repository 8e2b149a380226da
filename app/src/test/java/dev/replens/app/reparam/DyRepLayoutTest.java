package dev.replens.app.reparam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.layout.LayoutAudit;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.train.run.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The DyRep workspace at 1280×720 through a run that grows and cuts branches (one plain block of 4
 * channels, an adjustment every 2 steps, 8 steps): after every structure change the whole block is
 * on the canvas at a readable zoom, and no text is elided, the event table included.
 */
@ExtendWith(ApplicationExtension.class)
class DyRepLayoutTest {

  /** The canvas's readable zoom floor (BlockGraphSkin.READABLE_ZOOM). */
  private static final double READABLE = 0.5;

  private final StackPane root = new StackPane();
  private DyRepPane dyrep;

  @Start
  void start(Stage stage) {
    stage.setScene(new Scene(root, 1280, 720));
    stage.show();
  }

  @AfterEach
  void stop(FxRobot robot) {
    robot.interact(
        () -> {
          if (dyrep != null) {
            dyrep.close();
          }
        });
  }

  @Test
  void aGrowingBlockStaysOnTheCanvasAtAReadableZoom(FxRobot robot) throws Exception {
    var plain = SampleCatalog.load("plain-conv-bn").block();
    List<String> findings = new ArrayList<>();
    List<Double> zooms = new ArrayList<>();
    robot.interact(
        () -> {
          dyrep = new DyRepPane(plain);
          dyrep.graph().setAnimated(false);
          root.getChildren().setAll(dyrep);
          root.applyCss();
          root.layout();
          dyrep.apply(new DyRepLab.Settings(2, 8, 1, 4, 0.05, 0.0001));
          dyrep
              .graph()
              .specProperty()
              .addListener(
                  (o, a, b) -> {
                    root.layout();
                    double z = dyrep.graph().getZoom();
                    zooms.add(z);
                    // Above the readable floor the whole block fits; at the floor the view
                    // starts at the input and the rest is a pan away.
                    String selector = z > READABLE + 1e-9 ? ".graph-node" : ".graph-input";
                    LayoutAudit.outside(
                            dyrep.graph().lookup(".graph-viewport"), dyrep.graph(), selector)
                        .forEach(f -> findings.add("after a structure change: " + f));
                  });
        });
    // While the run is active, Run restarts it and is not the highlighted default.
    List<String> runWhileActive = new ArrayList<>();
    robot.interact(
        () ->
            dyrep
                .lab()
                .stateProperty()
                .addListener(
                    (o, a, b) -> {
                      Button run = (Button) dyrep.lookup("#dyrepRun");
                      if (b == RunState.RUNNING) {
                        runWhileActive.add(
                            run.getText() + (run.isDefaultButton() ? " (default)" : ""));
                      }
                    }));
    robot.interact(() -> ((Button) dyrep.lookup("#dyrepRun")).fire());
    WaitForAsyncUtils.waitFor(
        120, TimeUnit.SECONDS, () -> dyrep.lab().stateProperty().get() == RunState.FINISHED);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(dyrep.events()).anyMatch(e -> e.kind() == DyRepEvent.Kind.GROWN);
    assertThat(runWhileActive).isNotEmpty().allSatisfy(t -> assertThat(t).isEqualTo("Restart"));
    Button run = (Button) dyrep.lookup("#dyrepRun");
    assertThat(run.getText()).isEqualTo("Run again");
    assertThat(run.isDefaultButton()).isTrue();
    robot.interact(
        () -> {
          root.applyCss();
          root.layout();
          LayoutAudit.elidedText(root).forEach(f -> findings.add("after the run: " + f));
        });
    // The event table shows the events the status line counts.
    String status = ((javafx.scene.control.Label) dyrep.lookup("#dyrepStatus")).getText();
    long grown = dyrep.events().stream().filter(e -> e.kind() == DyRepEvent.Kind.GROWN).count();
    assertThat(status).contains(grown + " grown");
    long rows =
        robot.lookup("#dyrepEvents .table-row-cell").queryAll().stream()
            .filter(n -> ((javafx.scene.control.TableRow<?>) n).getItem() != null)
            .filter(javafx.scene.Node::isVisible)
            .count();
    assertThat(rows).isBetween(1L, (long) dyrep.events().size());
    assertThat(findings).isEmpty();
    assertThat(zooms)
        .isNotEmpty()
        .allSatisfy(z -> assertThat(z).isGreaterThanOrEqualTo(READABLE - 1e-9));
  }
}
