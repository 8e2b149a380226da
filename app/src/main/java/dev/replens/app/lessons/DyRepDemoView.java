package dev.replens.app.lessons;

import dev.replens.app.run.FxRunner;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.DyRepStudy;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.train.dyrep.StructureFrame;
import dev.replens.engine.train.run.TrainingJob;
import dev.replens.views.NumberText;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.graph.BlockGraphView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;

/**
 * DyRep's demo: a plain network of the lesson's block trained with DyRep attached ({@link
 * DyRepStudy}), live: the list of grow and cut events as they happen and the graph of one layer's
 * block, which follows the newest structure; a slider replays the structure history.
 */
final class DyRepDemoView extends AbstractDemoView<Demo.DyRepGrowth, DyRepStudy.Result> {

  static final String LOSS = "training loss";

  private final BlockSpec design;
  private final ComboBox<String> layer = new ComboBox<>();
  private final Slider replay = new Slider(0, 0, 0);
  private final Label replayLabel = new Label();
  private final BlockGraphView graph = new BlockGraphView();
  private final VBox events = new VBox(4);
  private final LiveChart loss =
      LessonCharts.styled(LessonCharts.chart("step", "loss", LOSS), false, LessonCharts.BLUE);
  private final FxRunner<DyRepStudy.Result> worker =
      FxRunner.showingLatest("replens-lesson-dyrep", 4, this::show, f -> failed(f.message()));

  DyRepDemoView(Demo.DyRepGrowth demo, BlockSpec design) {
    super(demo, "dyrep-demo");
    this.design = design;
    loss.setId("lesson-dyrepLossChart");
    loss.setPrefHeight(200);
    layer.setId("lesson-dyrepLayer");
    replay.setId("lesson-dyrepReplay");
    graph.setId("lesson-dyrepGraph");
    events.setId("lesson-dyrepEvents");
    numbers.setId("lesson-dyrepNumbers");
    graph.setMinHeight(380);
    graph.setMinWidth(0);
    graph.setPrefHeight(480);
    replay.setMajorTickUnit(1);
    replay.setMinorTickCount(0);
    replay.setSnapToTicks(true);
    replay.setBlockIncrement(1);
    HBox.setHgrow(replay, Priority.ALWAYS);
    replayLabel.setMinWidth(170);
    replayLabel.getStyleClass().add("lesson-control-label");
    HBox replayRow = new HBox(10, layer, replayLabel, replay);
    replayRow.setAlignment(Pos.CENTER_LEFT);
    Label eventsTitle = new Label("What DyRep did");
    eventsTitle.getStyleClass().add("lesson-demo-heading");
    getChildren().addAll(status, replayRow, graph, eventsTitle, events, numbers, loss);
    layer.valueProperty().addListener((o, a, b) -> showFrame());
    replay.valueProperty().addListener((o, a, b) -> showFrame());
    run();
  }

  private void run() {
    DyRepStudy.Settings s = demo().settings();
    status.setText(
        "Training a two-layer network of plain 3x3 conv + BN blocks for "
            + s.steps()
            + " steps; DyRep looks at it every "
            + s.interval()
            + " steps…");
    worker.start(TrainingJob.once(p -> DyRepStudy.run(design, s, p)));
  }

  private void failed(String msg) {
    status.setText("This design can't be trained with DyRep: " + msg);
  }

  private void show(DyRepStudy.Result r) {
    DyRepStudy.Result before = result();
    boolean followNewest =
        before == null || (int) Math.round(replay.getValue()) >= before.frames().size() - 1;
    setResult(r);
    if (layer.getItems().isEmpty() && !r.frames().isEmpty()) {
      for (int i = 0; i < r.frames().get(0).blocks().size(); i++) {
        layer.getItems().add("block" + i);
      }
      layer.setValue(layer.getItems().get(0));
    }
    replay.setMax(Math.max(0, r.frames().size() - 1));
    if (followNewest) {
      replay.setValue(replay.getMax());
    }
    var b = loss.batch();
    loss.clear();
    for (int i = 0; i < r.losses().size(); i++) {
      b.add(LOSS, i + 1, r.losses().get(i));
    }
    b.commit();
    // Rebuilt only when something changed: a relayout per step would take the CPU from training.
    if (before == null || !before.events().equals(r.events())) {
      events.getChildren().clear();
      for (DyRepEvent e : r.events()) {
        Label l = new Label(describe(e));
        l.setWrapText(true);
        l.getStyleClass()
            .addAll("lesson-event", e.kind() == DyRepEvent.Kind.GROWN ? "grown" : "cut");
        l.setId("lesson-dyrepEvent-" + events.getChildren().size());
        events.getChildren().add(l);
      }
      if (r.events().isEmpty()) {
        events.getChildren().add(new Label("Nothing yet."));
      }
    }
    showFigures(figuresOf(r), 3, "lesson-dyrep-");
    status.setText(
        r.done()
            ? "Trained just now: "
                + r.losses().size()
                + " steps. Move the slider to replay the structure."
                + (r.note().isEmpty() ? "" : " " + r.note())
            : "Training… step " + r.losses().size() + " of " + r.settings().steps());
    showFrame();
  }

  static String describe(DyRepEvent e) {
    String what =
        e.kind() == DyRepEvent.Kind.GROWN
            ? "grew " + e.branches().size() + " branches: " + String.join(", ", e.branches())
            : "cut " + String.join(", ", e.branches());
    return String.format(
        Locale.ROOT,
        "after step %d, %s %s (its output moved by %s)",
        e.step(),
        e.layer(),
        what,
        NumberText.of(e.outputChange(), 2));
  }

  private void showFrame() {
    DyRepStudy.Result r = result();
    if (r == null || r.frames().isEmpty() || layer.getValue() == null) {
      return;
    }
    int f = (int) Math.round(Math.min(replay.getValue(), r.frames().size() - 1));
    StructureFrame frame = r.frames().get(f);
    int l = layer.getItems().indexOf(layer.getValue());
    BlockSpec spec = frame.blocks().get(l);
    if (!spec.equals(graph.getSpec())) {
      // The canvas refits itself when the new structure leaves the view, at a readable zoom.
      graph.setSpec(spec);
    }
    replayLabel.setText(
        frame.step() == 0
            ? "at the start"
            : String.format(Locale.ROOT, "after step %d", frame.step()));
    setParameters(Map.of("replayStep", (double) frame.step(), "layer", (double) l));
  }

  @Override
  protected Map<String, Double> figuresOf(DyRepStudy.Result r) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("steps trained", (double) r.losses().size());
    out.put(
        "branches grown",
        (double)
            r.events().stream()
                .filter(e -> e.kind() == DyRepEvent.Kind.GROWN)
                .mapToInt(e -> e.branches().size())
                .sum());
    out.put(
        "branches cut",
        (double)
            r.events().stream()
                .filter(e -> e.kind() == DyRepEvent.Kind.CUT)
                .mapToInt(e -> e.branches().size())
                .sum());
    List<Integer> counts = r.branchCounts();
    for (int i = 0; i < counts.size(); i++) {
      out.put("branches of block" + i + " now", (double) counts.get(i));
    }
    out.put("largest output change of a grow or cut", r.maxOutputChange());
    return out;
  }

  @Override
  public Map<String, JFreeChart> charts() {
    return Map.of("Training loss while DyRep changes the structure", loss.getChart());
  }

  ComboBox<String> layerBox() {
    return layer;
  }

  Slider replaySlider() {
    return replay;
  }

  BlockGraphView graph() {
    return graph;
  }

  @Override
  public void dispose() {
    worker.close();
  }
}
