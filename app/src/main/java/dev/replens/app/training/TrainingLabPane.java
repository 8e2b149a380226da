package dev.replens.app.training;

import dev.replens.app.Dialogs;
import dev.replens.app.Messages;
import dev.replens.app.design.DesignSession;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.engine.train.DeployReport;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.run.RunProgress;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.export.CsvTable;
import dev.replens.views.export.PngExport;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javafx.animation.AnimationTimer;
import javafx.beans.Observable;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.WindowEvent;

/**
 * The "Training lab" workspace: trains the Explorer's current block in a small classifier and
 * watches it live: loss and accuracy, branch similarity, gradient directions, cost and the fused
 * kernel of one block, with start, pause, single step, stop, reset, mode comparison and
 * fuse-and-verify.
 *
 * <p>The FX thread only draws: training runs on the lab's trainer thread and reports through the
 * {@link TrainingLab}'s snapshots. A frame timer takes everything delivered on every frame and adds
 * it to the charts' pending batches; each frame then redraws charts with new points in turn, within
 * a budget of {@link #FRAME_BUDGET_NANOS 8 ms}, each chart at most {@link #CHART_INTERVAL_NANOS 15
 * times a second}: a chart redraws once per batch of points, never once per point.
 */
public final class TrainingLabPane extends BorderPane {

  /** The id of the lab's workspace tab. */
  public static final String TAB_ID = "trainingTab";

  /** The shortest time between two redraws of one chart: at most 15 a second. */
  static final long CHART_INTERVAL_NANOS = 66_000_000L;

  /** The time a frame may spend redrawing charts before the rest wait for the next frame. */
  static final long FRAME_BUDGET_NANOS = 8_000_000L;

  /** The size of an exported chart PNG, in pixels. */
  static final int EXPORT_WIDTH = 1200;

  static final int EXPORT_HEIGHT = 800;

  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private static final KeyCombination START = KeyCombination.keyCombination("F5");
  private static final KeyCombination PAUSE = KeyCombination.keyCombination("F6");
  private static final KeyCombination STEP = KeyCombination.keyCombination("F10");
  private static final KeyCombination STOP = KeyCombination.keyCombination("Shift+F5");
  private static final KeyCombination RESET = KeyCombination.keyCombination("Ctrl+R");

  private final DesignSession session;
  private final TrainingLab lab = new TrainingLab();
  private final LabCharts charts;
  private final SetupPane setup;

  private final Button startButton = button("labStart", "Start", "Start training (F5)");
  private final Button pauseButton = button("labPause", "Pause", "Pause after this step (F6)");
  private final Button stepButton = button("labStep", "Step", "Take one step, then pause (F10)");
  private final Button stopButton =
      button("labStop", "Stop", "Stop after this step; the weights are kept (Shift+F5)");
  private final Button resetButton =
      button("labReset", "Reset", "Discard the runs and the charts, back to step 0 (Ctrl+R)");
  private final ProgressBar progress = new ProgressBar(0);
  private final Label progressText = new Label();
  private final Label stateChip = new Label();
  private final Label sequence = new Label();
  private final Label failure = new Label();
  private final ChoiceBox<Integer> blockChoice = new ChoiceBox<>();
  private final Button clearButton =
      button("labClear", "Clear charts", "Remove the finished runs from the charts");
  private final Button verifyButton =
      button(
          "labVerify",
          "Fuse & verify",
          "Fuse every layer into one conv and compare both forms on the validation images");
  private final Label verifyResult = new Label();
  private final Label verifyVerdict = new Label();
  private final List<ChartCard> cards = new ArrayList<>();
  private final AnimationTimer frames;
  private final java.util.Map<String, DesignDocument> samples = new java.util.HashMap<>();
  private long chartUpdates;
  private long longestFrameNanos;
  private long longestFrameCpuNanos;
  private boolean framesRunning;

  /** The lab as a workspace tab with id {@value #TAB_ID}. */
  public static Tab tab(DesignSession session) {
    Tab t = new Tab("Training lab", new TrainingLabPane(session));
    t.setId(TAB_ID);
    return t;
  }

  /** A lab training the design of {@code session}. */
  public TrainingLabPane(DesignSession session) {
    this.session = session;
    this.charts = new LabCharts(lab.runs());
    this.setup = new SetupPane(lab);
    setId("trainingLab");
    getStyleClass().add("training-lab");
    getStylesheets().add(TrainingLabPane.class.getResource("training-lab.css").toExternalForm());

    ScrollPane left = new ScrollPane(setup);
    left.setFitToWidth(true);
    left.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    left.getStyleClass().add("lab-setup-scroll");
    left.setPrefWidth(320);
    left.setMinWidth(280);
    setLeft(left);

    VBox top = new VBox(controlBar(), failureBanner());
    setTop(top);
    setCenter(cardGrid());
    setBottom(verifyBar());

    frames =
        new AnimationTimer() {
          @Override
          public void handle(long now) {
            frame(now);
          }
        };
    lab.setOnProblem((header, message) -> Dialogs.error(window(), header, message));
    lab.phaseProperty().addListener((o, a, b) -> phaseChanged());
    lab.statusProperty().addListener((o, a, b) -> showProgress());
    lab.verifyingProperty().addListener((o, a, b) -> updateControls());
    lab.verificationProperty().addListener((o, a, b) -> showVerification());
    lab.failureProperty().addListener((o, a, b) -> showFailure());
    lab.sequenceProperty().addListener((o, a, b) -> sequence.setText(b));
    lab.runProperty().addListener((o, a, b) -> showDesign());
    lab.runs().addListener((Observable o) -> updateControls());
    session.documentProperty().addListener((o, a, b) -> showDesign());
    setup.designBox().valueProperty().addListener((o, a, b) -> showDesign());
    setup.compareButton().setOnAction(e -> start(setup.compareModes()));
    setup.compareReadyProperty().addListener((o, a, b) -> updateControls());
    sceneProperty().addListener((o, a, b) -> attach(a, b));
    showDesign();
    showProgress();
    showFailure();
    showVerification();
    phaseChanged();
  }

  // ---------------------------------------------------------------- layout

  private Node controlBar() {
    startButton.setOnAction(e -> startOrResume());
    startButton.getStyleClass().add("primary");
    pauseButton.setOnAction(e -> pauseOrResume());
    stepButton.setOnAction(e -> step());
    stopButton.setOnAction(e -> lab.stop());
    resetButton.setOnAction(e -> lab.reset());
    clearButton.setOnAction(e -> lab.clearCharts());
    progress.setId("labProgress");
    progress.setPrefWidth(180);
    progressText.setId("labProgressText");
    progressText.getStyleClass().add("progress-text");
    progressText.setMinWidth(Region.USE_PREF_SIZE);
    stateChip.setId("labState");
    stateChip.getStyleClass().add("state-chip");
    stateChip.setMinWidth(Region.USE_PREF_SIZE);
    sequence.setId("labSequence");
    sequence.getStyleClass().add("progress-text");
    blockChoice.setId("labBlock");
    blockChoice.setTooltip(
        new Tooltip("The block whose branches and fused kernel the lower charts show"));
    blockChoice
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                charts.blockProperty().set(b - 1);
              }
            });
    charts.blocksProperty().addListener((o, a, b) -> updateBlockChoice(b.intValue()));
    updateBlockChoice(0);
    Label blockLabel = new Label("Block");
    blockLabel.setLabelFor(blockChoice);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox bar =
        new HBox(
            6,
            startButton,
            pauseButton,
            stepButton,
            stopButton,
            resetButton,
            new Separator(javafx.geometry.Orientation.VERTICAL),
            stateChip,
            progress,
            progressText,
            sequence,
            spacer,
            blockLabel,
            blockChoice,
            clearButton);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.getStyleClass().add("lab-controls");
    return bar;
  }

  private Node failureBanner() {
    failure.setId("labFailure");
    failure.getStyleClass().add("lab-failure");
    failure.setWrapText(true);
    failure.setMaxWidth(Double.MAX_VALUE);
    return failure;
  }

  private Node cardGrid() {
    noData(charts.loss, "Press Start (F5) to train the block");
    noData(charts.accuracy, "Training and validation accuracy appear here");
    String every = "Branch metrics are measured every few steps (More settings)";
    noData(charts.similarity, every);
    noData(charts.toTotal, every);
    noData(charts.pairs, every);
    noData(charts.norms, every);
    noData(charts.stepTime, "Milliseconds per step of the current mode");
    noData(charts.memory, "Process memory and the step's arrays");

    ChartCard loss = chartCard("labLossCard", "Loss", charts.loss, "loss", List.of());
    ChartCard accuracy =
        chartCard("labAccuracyCard", "Accuracy", charts.accuracy, "accuracy", List.of());
    ChartCard similarity =
        chartCard(
            "labSimilarityCard",
            "Branch similarity",
            withCaption(
                charts.similarity,
                "Cosine of each pair of branches' equivalent K×K kernels: per-branch BN or scales"
                    + " keep branches diverse; without them they collapse (OREPA)."),
            "branch-similarity",
            List.of());

    LiveChart[] gradCharts = {charts.toTotal, charts.pairs, charts.norms};
    String[] gradNames = {"vs. total", "between branches", "norms (log)"};
    String[] gradFiles = {"gradient-cosine-to-total", "gradient-cosine-pairs", "gradient-norms"};
    String[] gradCaptions = {
      "Cosine of each branch's gradient, mapped into the fused kernel, with the total fused-kernel"
          + " gradient.",
      "Cosine between two branches' gradients mapped into the fused kernel.",
      "Size of each branch's gradient mapped into the fused kernel (log scale)."
    };
    int[] shownGrad = {0};
    ChartCard gradients =
        switchingCard(
            "labGradientCard",
            "Gradient directions",
            gradCharts,
            gradNames,
            gradFiles,
            gradCaptions,
            shownGrad);

    LiveChart[] costCharts = {charts.stepTime, charts.memory};
    int[] shownCost = {0};
    Label costSummary = new Label();
    costSummary.setId("labCostSummary");
    costSummary.getStyleClass().add("card-caption");
    costSummary.setWrapText(true);
    costSummary.setMinHeight(Region.USE_PREF_SIZE);
    costSummary.textProperty().bind(charts.costSummaryProperty());
    ChartCard cost =
        switchingCard(
            "labCostCard",
            "Cost",
            costCharts,
            new String[] {"time per step", "memory"},
            new String[] {"step-time", "memory"},
            new String[] {null, null},
            shownCost);
    ((VBox) cost.getChildren().get(1)).getChildren().add(costSummary);

    Label kernelHint = new Label();
    kernelHint.setId("labKernelCaption");
    kernelHint
        .textProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () -> {
                  String c = charts.kernelCaptionProperty().get();
                  return c.isEmpty()
                      ? "The selected block's fused kernel as it trains: out × in channels of K×K"
                          + " taps."
                      : c + ": out × in channels of K×K taps, bias at the right.";
                },
                charts.kernelCaptionProperty()));
    kernelHint.getStyleClass().add("card-caption");
    kernelHint.setWrapText(true);
    kernelHint.setMinHeight(Region.USE_PREF_SIZE);
    VBox kernelBox = new VBox(2, charts.kernel, kernelHint);
    VBox.setVgrow(charts.kernel, Priority.ALWAYS);
    charts.kernel.setMinSize(0, 0);
    ChartCard kernel =
        new ChartCard(
            "labKernelCard",
            "Kernel evolution",
            kernelBox,
            new ChartCard.Exporter() {
              @Override
              public String fileName() {
                return "fused-kernel";
              }

              @Override
              public void png(Path file) throws IOException {
                PngExport.save(charts.kernel, file, 2);
              }

              @Override
              public void csv(Path file) throws IOException {
                kernelCsv(charts.kernel.getKernel()).write(file);
              }
            },
            List.of());
    cards.addAll(List.of(loss, accuracy, kernel, similarity, gradients, cost));

    GridPane grid = new GridPane();
    grid.getStyleClass().add("lab-cards");
    for (int c = 0; c < 3; c++) {
      ColumnConstraints cc = new ColumnConstraints();
      cc.setPercentWidth(100.0 / 3);
      cc.setHgrow(Priority.ALWAYS);
      grid.getColumnConstraints().add(cc);
    }
    for (int r = 0; r < 2; r++) {
      RowConstraints rc = new RowConstraints();
      rc.setPercentHeight(50);
      rc.setVgrow(Priority.ALWAYS);
      grid.getRowConstraints().add(rc);
    }
    grid.add(loss, 0, 0);
    grid.add(accuracy, 1, 0);
    grid.add(kernel, 2, 0);
    grid.add(similarity, 0, 1);
    grid.add(gradients, 1, 1);
    grid.add(cost, 2, 1);
    for (ChartCard card : cards) {
      card.setMinSize(0, 0);
      card.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
    }
    return grid;
  }

  private ChartCard chartCard(
      String id, String title, Node content, String file, List<Node> extras) {
    LiveChart chart = content instanceof LiveChart lc ? lc : findChart(content);
    return new ChartCard(id, title, content, chartExporter(() -> chart, file), extras);
  }

  private static LiveChart findChart(Node n) {
    if (n instanceof LiveChart c) {
      return c;
    }
    if (n instanceof Parent p) {
      for (Node child : p.getChildrenUnmodifiable()) {
        LiveChart c = findChart(child);
        if (c != null) {
          return c;
        }
      }
    }
    return null;
  }

  /** A card that shows one of several charts, chosen with toggle buttons above the chart. */
  private ChartCard switchingCard(
      String id,
      String title,
      LiveChart[] shown,
      String[] names,
      String[] files,
      String[] captions,
      int[] selected) {
    StackPane stack = new StackPane();
    ToggleGroup group = new ToggleGroup();
    HBox toggles = new HBox();
    toggles.getStyleClass().add("chart-switch");
    Label caption = new Label();
    caption.getStyleClass().add("card-caption");
    caption.setWrapText(true);
    caption.setMinHeight(Region.USE_PREF_SIZE);
    for (int i = 0; i < shown.length; i++) {
      LiveChart c = shown[i];
      c.setMinSize(0, 0);
      c.setVisible(i == 0);
      stack.getChildren().add(c);
      ToggleButton t = new ToggleButton(names[i]);
      t.setId(id + "-" + files[i]);
      t.setToggleGroup(group);
      t.setFocusTraversable(false);
      int index = i;
      t.selectedProperty()
          .addListener(
              (o, a, b) -> {
                if (b) {
                  selected[0] = index;
                  for (int k = 0; k < shown.length; k++) {
                    shown[k].setVisible(k == index);
                  }
                  charts.flushChart(shown[index]);
                  caption.setText(captions[index] == null ? "" : captions[index]);
                  caption.setVisible(captions[index] != null);
                  caption.setManaged(captions[index] != null);
                }
              });
      toggles.getChildren().add(t);
    }
    // Keep one chart shown: a click on the selected toggle doesn't clear the choice.
    group
        .selectedToggleProperty()
        .addListener(
            (o, a, b) -> {
              if (b == null && a != null) {
                a.setSelected(true);
              }
            });
    ((ToggleButton) toggles.getChildren().get(0)).setSelected(true);
    VBox.setVgrow(stack, Priority.ALWAYS);
    stack.setMinSize(0, 0);
    VBox content = new VBox(4, toggles, stack, caption);
    ChartCard.Exporter visible = chartExporter(() -> shown[selected[0]], null);
    return new ChartCard(
        id,
        title,
        content,
        new ChartCard.Exporter() {
          @Override
          public String fileName() {
            return files[selected[0]];
          }

          @Override
          public void png(Path file) throws IOException {
            visible.png(file);
          }

          @Override
          public void csv(Path file) throws IOException {
            visible.csv(file);
          }
        },
        List.of());
  }

  private static Node withCaption(LiveChart chart, String text) {
    Label caption = new Label(text);
    caption.getStyleClass().add("card-caption");
    caption.setWrapText(true);
    caption.setMinHeight(Region.USE_PREF_SIZE);
    caption.setTooltip(new Tooltip(text));
    chart.setMinSize(0, 0);
    VBox box = new VBox(2, chart, caption);
    VBox.setVgrow(chart, Priority.ALWAYS);
    return box;
  }

  private static ChartCard.Exporter chartExporter(Supplier<LiveChart> chart, String file) {
    return new ChartCard.Exporter() {
      @Override
      public String fileName() {
        return file;
      }

      @Override
      public void png(Path f) throws IOException {
        LiveChart c = chart.get();
        // On screen the card's header carries the title; the image gets it drawn in.
        c.getChart().setTitle(String.valueOf(c.getUserData()));
        try {
          c.exportPng(f, EXPORT_WIDTH, EXPORT_HEIGHT);
        } finally {
          c.getChart().setTitle((String) null);
        }
      }

      @Override
      public void csv(Path f) throws IOException {
        chart.get().exportCsv(f);
      }
    };
  }

  private static void noData(LiveChart chart, String message) {
    chart.getChart().getPlot().setNoDataMessage(message);
    chart.getChart().getPlot().setNoDataMessageFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
    chart.getChart().getPlot().setNoDataMessagePaint(new java.awt.Color(0x8a8a8a));
    chart.setMinSize(0, 0);
  }

  /** The fused kernel as CSV: one row per tap and per bias value. */
  static CsvTable kernelCsv(KernelSnapshot k) {
    CsvTable t = new CsvTable(List.of("kind", "out", "in", "y", "x", "value"));
    if (k == null) {
      return t;
    }
    for (int o = 0; o < k.out(); o++) {
      for (int i = 0; i < k.inPerGroup(); i++) {
        for (int y = 0; y < k.kh(); y++) {
          for (int x = 0; x < k.kw(); x++) {
            t.row(
                "weight",
                o,
                (o / (k.out() / k.groups())) * k.inPerGroup() + i,
                y,
                x,
                k.at(o, i, y, x));
          }
        }
      }
    }
    for (int o = 0; o < k.out(); o++) {
      t.row("bias", o, "", "", "", k.bias()[o]);
    }
    return t;
  }

  private Node verifyBar() {
    verifyButton.setOnAction(e -> lab.verify());
    verifyResult.setId("labVerifyResult");
    verifyResult.getStyleClass().add("verify-result");
    verifyResult.setWrapText(true);
    verifyResult.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(verifyResult, Priority.ALWAYS);
    verifyVerdict.setId("labVerifyVerdict");
    verifyVerdict.getStyleClass().add("verify-verdict");
    verifyVerdict.setMinWidth(Region.USE_PREF_SIZE);
    Label keys = new Label("F5 start/resume · F6 pause · F10 step · Shift+F5 stop · Ctrl+R reset");
    keys.getStyleClass().add("shortcut-hint");
    keys.setMinWidth(Region.USE_PREF_SIZE);
    HBox bar = new HBox(10, verifyButton, verifyVerdict, verifyResult, keys);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.getStyleClass().add("lab-verify");
    return bar;
  }

  // ---------------------------------------------------------------- actions

  private void startOrResume() {
    if (lab.phase() == TrainingLab.Phase.PAUSED) {
      lab.resume();
    } else {
      start(null);
    }
  }

  private void start(List<TrainMode> modes) {
    if (lab.phase().active()) {
      return;
    }
    LabSetup s = readSetup();
    DesignDocument d = designToTrain(true);
    if (s != null && d != null) {
      lab.start(
          s, d.block(), designName(d), modes == null ? List.of(s.mode()) : modes, setup.overlay());
    }
  }

  private void pauseOrResume() {
    if (lab.phase() == TrainingLab.Phase.PAUSED) {
      lab.resume();
    } else {
      lab.pause();
    }
  }

  private void step() {
    if (lab.phase() == TrainingLab.Phase.PAUSED) {
      lab.step(null, null, null);
      return;
    }
    LabSetup s = readSetup();
    DesignDocument d = designToTrain(true);
    if (s != null && d != null) {
      lab.step(s, d.block(), designName(d));
    }
  }

  private LabSetup readSetup() {
    try {
      return setup.read();
    } catch (IllegalArgumentException e) {
      Dialogs.error(window(), "Check the setup", e.getMessage());
      return null;
    }
  }

  private static String designName(DesignDocument d) {
    return d.name().isBlank() ? "Untitled design" : d.name();
  }

  /**
   * The design chosen in the setup: the Explorer's, or a sample (loaded once). A sample that can't
   * be read is reported when {@code report}, and the Explorer's design is shown instead.
   */
  private DesignDocument designToTrain(boolean report) {
    SetupPane.DesignChoice c = setup.designBox().getValue();
    if (c == null || c.sample() == null) {
      return session.document();
    }
    DesignDocument d = samples.get(c.sample().id());
    if (d == null) {
      try {
        d = SampleCatalog.load(c.sample());
        samples.put(c.sample().id(), d);
      } catch (IOException | DesignFormatException | RuntimeException e) {
        if (report) {
          Dialogs.error(
              window(), "The sample can't be read", c.sample().name() + ": " + Messages.of(e));
        }
        return report ? null : session.document();
      }
    }
    return d;
  }

  // ---------------------------------------------------------------- frames

  private void frame(long now) {
    long t0 = System.nanoTime();
    long cpu0 = CPU.getCurrentThreadCpuTime();
    List<LabEvent> events = lab.drain();
    charts.append(events);
    if (charts.flush(FRAME_BUDGET_NANOS, CHART_INTERVAL_NANOS) > 0) {
      chartUpdates++;
    }
    longestFrameNanos = Math.max(longestFrameNanos, System.nanoTime() - t0);
    longestFrameCpuNanos = Math.max(longestFrameCpuNanos, CPU.getCurrentThreadCpuTime() - cpu0);
    if (!lab.phase().active() && !charts.hasPending()) {
      frames.stop();
      framesRunning = false;
    }
  }

  private void phaseChanged() {
    if (lab.phase().active() && !framesRunning) {
      framesRunning = true;
      frames.start();
    }
    TrainingLab.Phase p = lab.phase();
    stateChip.setText(p.label());
    for (TrainingLab.Phase q : TrainingLab.Phase.values()) {
      stateChip.pseudoClassStateChanged(PseudoClass.getPseudoClass(q.label()), q == p);
    }
    setup.setLocked(p.active());
    showProgress();
    updateControls();
    showDesign();
  }

  private void updateControls() {
    TrainingLab.Phase p = lab.phase();
    startButton.setDisable(p.active());
    // The call to action is Start only while nothing runs; during a run it is plain.
    if (p.active()) {
      startButton.getStyleClass().remove("primary");
    } else if (!startButton.getStyleClass().contains("primary")) {
      startButton.getStyleClass().add("primary");
    }
    pauseButton.setText(p == TrainingLab.Phase.PAUSED ? "Resume" : "Pause");
    pauseButton.setDisable(p != TrainingLab.Phase.RUNNING && p != TrainingLab.Phase.PAUSED);
    stepButton.setDisable(p == TrainingLab.Phase.RUNNING || p == TrainingLab.Phase.PREPARING);
    stopButton.setDisable(!p.active());
    resetButton.setDisable(p == TrainingLab.Phase.IDLE && lab.runs().isEmpty());
    clearButton.setDisable(p.active() || lab.runs().isEmpty());
    setup.compareButton().setDisable(p.active() || !setup.compareReadyProperty().get());
    verifyButton.setDisable(!lab.canVerify());
    if (lab.verifyingProperty().get()) {
      verifyVerdict.setText("verifying…");
      setVerdict(null);
    }
  }

  private void showProgress() {
    TrainingLab.Phase p = lab.phase();
    RunProgress s = lab.statusProperty().get();
    if (p == TrainingLab.Phase.PREPARING) {
      progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
      progressText.setText("preparing: data, network and training graph…");
      return;
    }
    if (s == null) {
      progress.setProgress(0);
      progressText.setText(p == TrainingLab.Phase.IDLE ? "ready" : "");
      return;
    }
    progress.setProgress(s.progress());
    StringBuilder b =
        new StringBuilder(String.format(Locale.ROOT, "step %d / %d", s.step(), s.totalSteps()));
    if (s.stepsPerSecond() > 0 && p == TrainingLab.Phase.RUNNING) {
      b.append(String.format(Locale.ROOT, " · %.1f steps/s", s.stepsPerSecond()));
      if (s.eta() != null) {
        b.append(" · ETA ").append(clock(s.eta()));
      }
    }
    progressText.setText(b.toString());
    updateControls();
  }

  private static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private void showFailure() {
    String f = lab.failureProperty().get();
    failure.setText(f == null ? "" : f);
    failure.setVisible(f != null);
    failure.setManaged(f != null);
  }

  private void showDesign() {
    TrainingLab.RunInfo r = lab.phase().active() ? lab.runProperty().get() : null;
    setup.showDesign(
        designToTrain(false), r == null ? null : r.blockName(), r == null ? null : r.net().block());
  }

  private void updateBlockChoice(int blocks) {
    Integer keep = blockChoice.getValue();
    List<Integer> items = new ArrayList<>();
    for (int i = 1; i <= Math.max(1, blocks); i++) {
      items.add(i);
    }
    if (!blockChoice.getItems().equals(items)) {
      blockChoice.getItems().setAll(items);
    }
    blockChoice.setValue(keep != null && keep <= items.size() ? keep : 1);
    blockChoice.setDisable(blocks <= 1);
  }

  private void showVerification() {
    TrainingLab.Verification v = lab.verificationProperty().get();
    if (v == null) {
      verifyResult.setText(
          lab.verifyingProperty().get()
              ? "Fusing every layer and evaluating both forms…"
              : "Converts the trained network to one conv per layer and compares both forms on the"
                  + " validation images (when paused or ended).");
      if (!lab.verifyingProperty().get()) {
        verifyVerdict.setText("");
      }
      setVerdict(null);
      updateControls();
      return;
    }
    if (v.report() == null) {
      verifyVerdict.setText("✖ not verified");
      verifyResult.setText("Fuse & verify failed: " + v.error());
      setVerdict(false);
      updateControls();
      return;
    }
    DeployReport r = v.report();
    verifyResult.setText(
        String.format(
                Locale.ROOT,
                "%s, weights of step %d%s, %d validation images (%s): training form %.2f%% · fused"
                    + " %.2f%% · max logit |Δ| %.2e, %s",
                v.run().label(),
                v.step(),
                lab.phase() == TrainingLab.Phase.FAILED ? " (the last good ones)" : "",
                r.images(),
                r.precision(),
                100 * r.trainingFormAccuracy(),
                100 * r.deployAccuracy(),
                r.maxLogitDiff(),
                r.verdict().text())
            + (!r.verdict().withinRoundOff() && lab.phase() == TrainingLab.Phase.FAILED
                ? ". The kept weights come from a diverging run. Lower the learning rate and train"
                    + " again."
                : ""));
    verifyVerdict.setText(
        r.passes()
            ? "✔ identical predictions, logits within round-off"
            : r.identicalPredictions()
                ? "✖ logits differ: "
                    + Verdict.times(r.verdict().ratio()).replace('-', '−')
                    + " the round-off bound"
                : "✖ " + r.differingPredictions() + " predictions differ");
    setVerdict(r.passes());
    updateControls();
  }

  private void setVerdict(Boolean pass) {
    verifyVerdict.pseudoClassStateChanged(
        PseudoClass.getPseudoClass("pass"), Boolean.TRUE.equals(pass));
    verifyVerdict.pseudoClassStateChanged(
        PseudoClass.getPseudoClass("fail"), Boolean.FALSE.equals(pass));
  }

  // ---------------------------------------------------------------- window

  private void attach(Scene old, Scene scene) {
    if (old != null) {
      for (KeyCombination k : List.of(START, PAUSE, STEP, STOP, RESET)) {
        old.getAccelerators().remove(k);
      }
    }
    if (scene == null) {
      return;
    }
    scene.getAccelerators().put(START, whenShown(this::startOrResume));
    scene.getAccelerators().put(PAUSE, whenShown(lab::pause));
    scene.getAccelerators().put(STEP, whenShown(this::step));
    scene.getAccelerators().put(STOP, whenShown(lab::stop));
    scene.getAccelerators().put(RESET, whenShown(lab::reset));
    if (scene.getWindow() != null) {
      closeWith(scene.getWindow());
    }
    scene.windowProperty().addListener((o, a, w) -> closeWith(w));
  }

  private void closeWith(javafx.stage.Window w) {
    if (w != null) {
      w.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> lab.close());
    }
  }

  /** Runs {@code r} only while the lab's tab is the one shown. */
  private Runnable whenShown(Runnable r) {
    return () -> {
      for (Node n = this; n != null; n = n.getParent()) {
        if (!n.isVisible()) {
          return;
        }
      }
      r.run();
    };
  }

  private javafx.stage.Window window() {
    return getScene() == null ? null : getScene().getWindow();
  }

  private static Button button(String id, String text, String tip) {
    Button b = new Button(text);
    b.setId(id);
    b.setTooltip(new Tooltip(tip));
    b.setMinWidth(Region.USE_PREF_SIZE);
    return b;
  }

  // ---------------------------------------------------------------- for tests and tools

  /** The lab's model. */
  public TrainingLab lab() {
    return lab;
  }

  /** The setup panel's values. */
  public LabSetup setup() {
    return setup.read();
  }

  /** Fills the setup panel. */
  public void applySetup(LabSetup s) {
    setup.apply(s);
  }

  /** Checks exactly these modes for a comparison. */
  public void setCompareModes(List<TrainMode> modes) {
    setup.setCompareModes(modes);
  }

  /** The loss chart. */
  public LiveChart lossChart() {
    return charts.loss;
  }

  /** The accuracy chart. */
  public LiveChart accuracyChart() {
    return charts.accuracy;
  }

  /** The branch-similarity chart. */
  public LiveChart similarityChart() {
    return charts.similarity;
  }

  /** Every chart: loss, accuracy, similarity, gradient to total, pairs, norms, time, memory. */
  public List<LiveChart> allCharts() {
    return charts.charts();
  }

  /**
   * Whether the charts show everything the lab has reported: no run is under way and the frame loop
   * has drawn the last points (a chart redrawn moments ago waits its turn). FX thread.
   */
  boolean chartsSettled() {
    return !lab.phase().active() && !framesRunning;
  }

  /** The fused-kernel heatmap. */
  public dev.replens.views.heatmap.KernelHeatmap kernelHeatmap() {
    return charts.kernel;
  }

  /** Writes the PNG of the card with this id ({@code labLossCard}, ...). */
  public void exportPng(String cardId, Path file) throws IOException {
    card(cardId).exportPng(file);
  }

  /** Writes the CSV of the card with this id. */
  public void exportCsv(String cardId, Path file) throws IOException {
    card(cardId).exportCsv(file);
  }

  private ChartCard card(String id) {
    return cards.stream()
        .filter(c -> id.equals(c.getId()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no card " + id));
  }

  /**
   * The longest one frame spent taking reports and redrawing charts, in ms of wall-clock time (on a
   * busy machine this includes time the thread waited for a core).
   */
  public double longestFrameMillis() {
    return longestFrameNanos / 1e6;
  }

  /** The most CPU time one frame spent taking reports and redrawing charts, in ms. */
  public double longestFrameCpuMillis() {
    return longestFrameCpuNanos / 1e6;
  }

  /** How many frames appended points to the charts so far. */
  public long chartUpdates() {
    return chartUpdates;
  }
}
