package dev.replens.app.reparam;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.train.dyrep.SaliencySample;
import dev.replens.engine.train.dyrep.StructureFrame;
import dev.replens.engine.train.run.RunState;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.graph.BlockGraphView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The DyRep workspace: train plain conv + BN blocks while DyRep grows the most salient one into the
 * seven-branch block and folds weak branches back. The block graph shows a layer's structure live
 * (animated as branches come and go), a timeline replays the structure history, a chart follows
 * each layer's saliency, and an event log lists every change with the eval-mode output change it
 * caused. When the saliency cancels out to round-off size, a banner says so.
 */
public final class DyRepPane extends AbstractLabPane<DyRepLab> {

  private final Spinner<Integer> interval = Controls.ints("dyrepInterval", 1, 500, 10, 1);
  private final Spinner<Integer> steps = Controls.ints("dyrepSteps", 1, 5000, 120, 10);
  private final Spinner<Double> lr = Controls.doubles("dyrepLr", 0.001, 1, 0.05, 0.01);
  private final Spinner<Double> spread = Controls.doubles("dyrepSpread", 0, 0.5, 0.005, 0.005);
  private final Label warning = new Label();
  private final ChoiceBox<String> layer = new ChoiceBox<>();
  private final BlockGraphView graph = new BlockGraphView();
  private final Slider timeline = new Slider(0, 1, 0);
  private final ToggleButton live = new ToggleButton("Live");
  private final Label timelineLabel = new Label("structure at the start");
  private final LiveChart saliencyChart =
      new LiveChart("Saliency per layer", "step", "|Σ g⊙W| and Σ |g⊙W| (log)");
  private final TableView<DyRepEvent> log = new TableView<>();
  private final ObservableList<DyRepEvent> events = FXCollections.observableArrayList();
  private final List<StructureFrame> frames = new ArrayList<>();
  private final ReadOnlyObjectWrapper<BlockSpec> shown = new ReadOnlyObjectWrapper<>(this, "shown");
  private DyRepLab.Settings running;
  private int depth = DyRepLab.Settings.defaults().depth();
  private int width = DyRepLab.Settings.defaults().width();
  private int latestStep;
  private boolean moving;

  public DyRepPane(BlockSpec block) {
    super(new DyRepLab(block), "dyrep", "Press Run to train with DyRep.", "Export chart and log…");
    export.setOnAction(e -> exportAll());
    warning.setId("dyrepRoundOff");
    warning.getStyleClass().add("round-off-warning");
    warning.setWrapText(true);
    warning.setMaxWidth(Double.MAX_VALUE);
    // Without this the split pane below squeezes the note to one truncated line.
    warning.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    warning.setVisible(false);
    warning.setManaged(false);
    layer.setId("dyrepLayer");
    graph.setId("dyrepGraph");
    timeline.setId("dyrepTimeline");
    live.setId("dyrepLive");
    saliencyChart.setId("dyrepSaliencyChart");
    log.setId("dyrepEvents");
    Controls.logScale(saliencyChart);

    setLeft(controls());
    setCenter(center());
    setRight(eventLog());

    lab.setOnUpdates(this::show);
    lab.stateProperty().addListener((o, a, b) -> stateChanged(b));
    lab.roundOffProperty().addListener((o, a, b) -> showRoundOff(b));
    lab.startProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                frames.clear();
                frames.add(b);
                showStructure();
              }
            });
    layer.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> showStructure());
    timeline
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              if (!moving) {
                live.setSelected(false);
              }
              showStructure();
            });
    live.setSelected(true);
    live.selectedProperty()
        .addListener(
            (o, a, b) -> {
              if (b) {
                follow();
              }
            });
    stateChanged(RunState.IDLE);
    graph.setSpec(lab.network(settings()).layerBlock(0));
    layer.getItems().setAll(layers(settings().depth()));
    layer.getSelectionModel().select(0);
    timeline.setMax(steps.getValue());
  }

  private static List<String> layers(int depth) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      out.add(ModelState.blockLayer(i));
    }
    return out;
  }

  private ScrollPane controls() {
    Label title = new Label("DyRep");
    title.getStyleClass().add("lab-title");
    Label intro =
        Controls.note(
            "dyrepIntro",
            "Two plain 3x3 conv + BN blocks train on the shapes. Every T steps DyRep grows the"
                + " block with the largest saliency Σ g⊙W into seven branches (1x1, 1x1→3x3,"
                + " 1x1→avg, 3x3, 1x3, 3x1, identity) without changing what it computes, and"
                + " folds branches whose BN γ stays small back into the 3x3.");
    VBox training =
        Controls.section(
            "Run",
            Controls.form(
                "adjust every T steps",
                interval,
                "steps",
                steps,
                "learning rate",
                lr,
                "cut spread",
                spread),
            Controls.note(
                "dyrepSpreadNote",
                "A branch is cut when its γ ratio is below 0.1 and below the block's mean, once"
                    + " the ratios spread by more than this (DyRep uses 0.02 between adjustments"
                    + " epochs apart)."));
    HBox buttons = new HBox(6, run, pause, stop);
    VBox box = new VBox(12, title, intro, training, buttons, progress, status, export);
    return controlsColumn(box, 300);
  }

  private VBox center() {
    Label show = new Label("Layer");
    HBox top = new HBox(8, show, layer);
    top.setAlignment(Pos.CENTER_LEFT);
    top.setPadding(new Insets(6, 10, 6, 10));
    timeline.setMajorTickUnit(10);
    timeline.setShowTickMarks(true);
    timeline.setShowTickLabels(true);
    timeline.setBlockIncrement(1);
    HBox.setHgrow(timeline, Priority.ALWAYS);
    timelineLabel.setMinWidth(190);
    HBox playback = new HBox(10, new Label("Timeline"), timeline, timelineLabel, live);
    playback.setAlignment(Pos.CENTER_LEFT);
    playback.getStyleClass().add("playback");
    VBox graphBox = new VBox(top, graph, playback);
    VBox.setVgrow(graph, Priority.ALWAYS);
    SplitPane split = new SplitPane(graphBox, saliencyChart);
    split.setOrientation(Orientation.VERTICAL);
    split.setDividerPositions(0.66);
    VBox.setVgrow(split, Priority.ALWAYS);
    VBox center = new VBox(warning, split);
    // The graph and charts shrink to what is left beside the controls and the event log; they
    // must not push the event log out of the window.
    center.setMinWidth(0);
    return center;
  }

  private VBox eventLog() {
    TableColumn<DyRepEvent, Number> step = new TableColumn<>("step");
    step.setCellValueFactory(
        c -> new javafx.beans.property.SimpleIntegerProperty(c.getValue().step()));
    step.setMinWidth(44);
    TableColumn<DyRepEvent, String> where = new TableColumn<>("layer");
    where.setCellValueFactory(
        c -> new javafx.beans.property.SimpleStringProperty(c.getValue().layer()));
    where.setMinWidth(56);
    TableColumn<DyRepEvent, String> kind = new TableColumn<>("change");
    kind.setCellValueFactory(
        c -> new javafx.beans.property.SimpleStringProperty(c.getValue().kind().toString()));
    kind.setMinWidth(60);
    TableColumn<DyRepEvent, String> change = new TableColumn<>("Δ output");
    change.setCellValueFactory(
        c ->
            new javafx.beans.property.SimpleStringProperty(
                Controls.sci(c.getValue().outputChange())));
    change.setMinWidth(64);
    TableColumn<DyRepEvent, String> branches = new TableColumn<>("branches");
    branches.setCellValueFactory(
        c ->
            new javafx.beans.property.SimpleStringProperty(
                String.join(", ", c.getValue().branches()).replace("dbb_", "")));
    branches.setMinWidth(70);
    // The branch list wraps in its cell, so that every branch can be read. A table row sizes a
    // wrapping label as one line; a text wrapped at the column's width gives the row its height.
    branches.setCellFactory(
        c ->
            new javafx.scene.control.TableCell<>() {
              private final javafx.scene.text.Text text = new javafx.scene.text.Text();

              {
                text.getStyleClass().add("event-branches");
                text.wrappingWidthProperty().bind(c.widthProperty().subtract(10));
                setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
              }

              @Override
              protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                text.setText(empty || item == null ? "" : item);
                setGraphic(empty ? null : text);
              }
            });
    // The branch list rarely fits its column: the whole event is in the row's tooltip.
    log.setRowFactory(
        tv -> {
          javafx.scene.control.TableRow<DyRepEvent> row = new javafx.scene.control.TableRow<>();
          row.itemProperty()
              .addListener(
                  (o, a, e) ->
                      row.setTooltip(
                          e == null
                              ? null
                              : new javafx.scene.control.Tooltip(
                                  String.format(
                                      Locale.ROOT,
                                      "step %d: %s %s %s; eval-mode output change %.2e",
                                      e.step(),
                                      e.layer(),
                                      e.kind(),
                                      String.join(", ", e.branches()),
                                      e.outputChange()))));
          return row;
        });
    for (TableColumn<DyRepEvent, ?> c : List.of(step, where, kind, change, branches)) {
      c.setMinWidth(Math.max(c.getMinWidth(), headerWidth(c.getText())));
      // The short columns take what they need; the branch list takes the rest of the width.
      c.setPrefWidth(c == branches ? 120 : c.getMinWidth());
    }
    log.getColumns().add(step);
    log.getColumns().add(where);
    log.getColumns().add(kind);
    log.getColumns().add(change);
    log.getColumns().add(branches);
    log.setItems(events);
    log.setPlaceholder(new Label("No structure change yet."));
    log.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    log.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                layer.getSelectionModel().select(b.layer());
                moving = true;
                timeline.setValue(b.step());
                moving = false;
                live.setSelected(false);
                showStructure();
              }
            });
    Label t = new Label("Events");
    t.getStyleClass().add("lab-section-title");
    Label hint =
        Controls.note(
            "dyrepEventsHint",
            "Δ output: the largest change of the layer's eval-mode output on a probe input"
                + " when the structure changed. Select a row to see that moment.");
    VBox.setVgrow(log, Priority.ALWAYS);
    VBox box = new VBox(6, t, log, hint);
    box.setPadding(new Insets(12, 8, 12, 8));
    box.setPrefWidth(370);
    box.setMinWidth(Region.USE_PREF_SIZE);
    box.getStyleClass().add("lab-side");
    return box;
  }

  /** The width a column needs to show its header whole (text, padding and sort arrow room). */
  private static double headerWidth(String text) {
    javafx.scene.text.Text t = new javafx.scene.text.Text(text);
    t.setFont(javafx.scene.text.Font.getDefault());
    return Math.ceil(t.getLayoutBounds().getWidth()) + 24;
  }

  DyRepLab.Settings settings() {
    return new DyRepLab.Settings(
        interval.getValue(), steps.getValue(), depth, width, lr.getValue(), spread.getValue());
  }

  /**
   * Applies settings (for tests and the gallery; the network's depth and width have no control of
   * their own).
   */
  void apply(DyRepLab.Settings s) {
    depth = s.depth();
    width = s.width();
    interval.getValueFactory().setValue(s.interval());
    steps.getValueFactory().setValue(s.steps());
    lr.getValueFactory().setValue(s.learningRate());
    spread.getValueFactory().setValue(s.minSpread());
  }

  @Override
  public void start() {
    running = settings();
    events.clear();
    frames.clear();
    latestStep = 0;
    saliencyChart.removeAllSeries();
    for (String l : layers(running.depth())) {
      saliencyChart.addSeries(l + " |Σ g⊙W|");
    }
    for (String l : layers(running.depth())) {
      saliencyChart.addSeries(l + " Σ |g⊙W|");
    }
    layer.getItems().setAll(layers(running.depth()));
    layer.getSelectionModel().select(0);
    moving = true;
    timeline.setMax(running.steps());
    timeline.setMajorTickUnit(Math.max(1, running.interval()));
    timeline.setValue(0);
    moving = false;
    live.setSelected(true);
    showRoundOff(null);
    // Indeterminate while the training graph is built, then steps done.
    progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
    lab.start(running);
  }

  /** Shows what one snapshot's steps recorded (FX thread). */
  private void show(List<DyRepLab.Update> us) {
    if (us.isEmpty() || running == null) {
      return;
    }
    LiveChart.Batch b = saliencyChart.batch();
    DyRepLab.Update last = null;
    for (DyRepLab.Update u : us) {
      for (SaliencySample s : u.samples()) {
        b.add(s.layer() + " |Σ g⊙W|", s.step(), Math.max(Math.abs(s.saliency()), 1e-17));
        b.add(s.layer() + " Σ |g⊙W|", s.step(), Math.max(s.magnitude(), 1e-17));
      }
      events.addAll(u.events());
      if (u.frame() != null) {
        frames.add(u.frame());
      }
      last = u;
    }
    b.commit();
    latestStep = last.step();
    progress.setProgress(last.totalSteps() == 0 ? 0 : (double) last.step() / last.totalSteps());
    export.setDisable(false);
    long grown = events.stream().filter(e -> e.kind() == DyRepEvent.Kind.GROWN).count();
    long cut = events.stream().filter(e -> e.kind() == DyRepEvent.Kind.CUT).count();
    status.setText(
        String.format(
            Locale.ROOT,
            "Step %d of %d, loss %.3f. %d grown, %d cut%s.",
            last.step(),
            last.totalSteps(),
            last.loss(),
            grown,
            cut,
            events.isEmpty()
                ? ""
                : "; largest output change at a change "
                    + Controls.sci(
                        events.stream().mapToDouble(DyRepEvent::outputChange).max().orElse(0))));
    if (live.isSelected()) {
      follow();
    }
  }

  private void follow() {
    moving = true;
    timeline.setValue(latestStep);
    moving = false;
    showStructure();
  }

  /** Shows the chosen layer as it was at the timeline's step. */
  private void showStructure() {
    int i = Math.max(0, layer.getSelectionModel().getSelectedIndex());
    int at = (int) Math.round(timeline.getValue());
    StructureFrame f = null;
    for (StructureFrame fr : frames) {
      if (fr.step() <= at) {
        f = fr;
      }
    }
    if (f == null || i >= f.blocks().size()) {
      return;
    }
    timelineLabel.setText(
        f.step() == 0
            ? "structure at the start (step " + at + ")"
            : "structure since step " + f.step() + " (step " + at + ")");
    BlockSpec spec = f.blocks().get(i);
    if (!spec.equals(graph.getSpec())) {
      // The canvas refits itself when the new structure leaves the view, at a readable zoom.
      graph.setSpec(spec);
      shown.set(spec);
    }
  }

  private void showRoundOff(String note) {
    boolean show = note != null;
    warning.setText(show ? "⚠ Saliency at round-off size. " + note : "");
    warning.setVisible(show);
    warning.setManaged(show);
  }

  private void stateChanged(RunState s) {
    showState(s, running != null);
  }

  /** The event log as a table: step, layer, change, branches, measured output change. */
  dev.replens.views.export.CsvTable eventTable() {
    dev.replens.views.export.CsvTable t =
        new dev.replens.views.export.CsvTable(
            List.of("step", "layer", "change", "branches", "output_change"));
    for (DyRepEvent e : events) {
      t.row(
          e.step(),
          e.layer(),
          e.kind().toString(),
          String.join(" ", e.branches()),
          e.outputChange());
    }
    return t;
  }

  private void exportAll() {
    String said =
        ChartExport.ask(
            this,
            "dyrep",
            java.util.Map.of("saliency", saliencyChart),
            java.util.Map.of("events", eventTable()));
    if (said != null) {
      status.setText(said);
    }
  }

  /** The block graph. */
  public BlockGraphView graph() {
    return graph;
  }

  /** The event log's rows. */
  public ObservableList<DyRepEvent> events() {
    return events;
  }

  /** The timeline slider. */
  public Slider timeline() {
    return timeline;
  }
}
