package dev.replens.app.reparam;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.run.RunState;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.heatmap.KernelHeatmap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.plot.XYPlot;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The RepOptimizer workspace: set the CSLA scales by hand or by hyper-search, pick the optimizer,
 * and train the CSLA network and its single-conv RepOpt twin side by side. Two charts follow the
 * run step by step (the largest kernel difference on a log scale, and both losses overlaid); a
 * heatmap shows the gradient multiplier {@code M}; two switches break the equivalence on purpose.
 * The previous run's difference curve stays on the chart for comparison.
 */
public final class RepOptPane extends AbstractLabPane<RepOptLab> {

  static final String DIFFERENCE = "this run";
  static final String PREVIOUS = "previous run";
  static final String CSLA = "CSLA (three branches)";
  static final String REPOPT = "RepOpt (one conv)";

  private final Spinner<Double> sKxK = Controls.doubles("repoptSc", -3, 3, 1.0, 0.05);
  private final Spinner<Double> s1x1 = Controls.doubles("repoptS1", -3, 3, 0.5, 0.05);
  private final Spinner<Double> sId = Controls.doubles("repoptSid", -3, 3, 1.0, 0.05);
  private final Spinner<Integer> searchSteps = Controls.ints("repoptSearchSteps", 5, 500, 40, 5);
  private final ChoiceBox<String> optimizer = new ChoiceBox<>();
  private final ChoiceBox<String> dtype = new ChoiceBox<>();
  private final Spinner<Integer> steps = Controls.ints("repoptSteps", 5, 1000, 100, 10);
  private final CheckBox clip = new CheckBox("Clip gradients (global norm 0.2)");
  private final CheckBox mismatch = new CheckBox("Mismatched multiplier (centre terms left out)");
  private final Button search = new Button("Hyper-search");
  private final Button handSet = new Button("Use hand-set scales");
  private final Label scalesInfo = Controls.note("repoptScalesInfo", "");
  private final Label why = Controls.note("repoptWhy", "");
  private final LiveChart differenceChart =
      new LiveChart("Largest |W′(CSLA) − W′(RepOpt)| per step", "step", "max |ΔW′| (log)");
  private final LiveChart lossChart = new LiveChart("Training loss", "step", "cross-entropy");
  private final KernelHeatmap heatmap = new KernelHeatmap();
  private final Label heatmapCaption = Controls.note("repoptMultiplierCaption", "");
  private final List<double[]> current = new ArrayList<>();
  private List<double[]> previous = List.of();
  private String currentLabel = DIFFERENCE;
  private RepOptLab.Settings running;
  private double worst;
  private double zeroAt = zeroFloor(DataType.DOUBLE);

  public RepOptPane(BlockSpec csla) {
    this(new RepOptLab(csla));
  }

  RepOptPane(RepOptLab lab) {
    super(lab, "repopt", "Press Run to train both models.", "Export charts…");

    optimizer.getItems().addAll("SGD, momentum 0.9", "AdamW");
    optimizer.setTooltip(
        new javafx.scene.control.Tooltip(
            "SGD: momentum 0.9, weight decay 1e-4. AdamW: weight decay 1e-2."));
    optimizer.getSelectionModel().select(0);
    optimizer.setId("repoptOptimizer");
    dtype.getItems().addAll("float32", "float64");
    // float64 by default: with ReLU blocks, float32 round-off alone parts the two runs after some
    // tens of steps (a ReLU input within round-off of 0 switches in one model only), which would
    // hide the lesson; float32 stays one click away, with that explanation.
    dtype.getSelectionModel().select(1);
    dtype.setId("repoptDtype");
    clip.setId("repoptClip");
    clip.setWrapText(true);
    mismatch.setWrapText(true);
    mismatch.setId("repoptMismatch");
    search.setId("repoptSearch");
    handSet.setId("repoptHandSet");
    differenceChart.setId("repoptDifferenceChart");
    lossChart.setId("repoptLossChart");
    heatmap.setId("repoptMultiplier");

    Controls.logScale(differenceChart);
    differenceChart.setNote(zeroNote(DataType.DOUBLE));
    differenceChart.addSeries(DIFFERENCE);
    lossChart.addSeries(CSLA);
    lossChart.addSeries(REPOPT);
    // The two loss curves coincide: draw CSLA wide and RepOpt dashed on top, so both stay visible.
    if (lossChart.getChart().getPlot() instanceof XYPlot p) {
      p.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
      p.getRenderer().setSeriesStroke(0, new java.awt.BasicStroke(4f));
      p.getRenderer()
          .setSeriesStroke(
              1,
              new java.awt.BasicStroke(
                  1.5f,
                  java.awt.BasicStroke.CAP_BUTT,
                  java.awt.BasicStroke.JOIN_ROUND,
                  1f,
                  new float[] {6f, 4f},
                  0f));
    }

    setLeft(controls());
    SplitPane charts = new SplitPane(differenceChart, lossChart);
    charts.setOrientation(javafx.geometry.Orientation.VERTICAL);
    setCenter(charts);
    setRight(multiplierPanel());

    search.setOnAction(e -> search());
    export.setOnAction(e -> exportCharts());
    handSet.setOnAction(e -> lab.clearSearch());
    lab.setOnUpdates(this::show);
    lab.stateProperty().addListener((o, a, b) -> stateChanged(b));
    lab.searchedProperty().addListener((o, a, b) -> showScales());
    lab.multiplierProperty().addListener((o, a, b) -> showMultiplier(b, running));
    // Before a run, M follows the controls (computed off the FX thread: it may load ND4J).
    lab.searchedProperty().addListener((o, a, b) -> previewMultiplier());
    sKxK.valueProperty().addListener((o, a, b) -> previewMultiplier());
    s1x1.valueProperty().addListener((o, a, b) -> previewMultiplier());
    sId.valueProperty().addListener((o, a, b) -> previewMultiplier());
    mismatch.selectedProperty().addListener((o, a, b) -> previewMultiplier());
    optimizer
        .getSelectionModel()
        .selectedIndexProperty()
        .addListener((o, a, b) -> previewMultiplier());
    // A switch takes effect at once: the run restarts and the old curve stays for comparison.
    clip.selectedProperty().addListener((o, a, b) -> restartIfActive());
    mismatch.selectedProperty().addListener((o, a, b) -> restartIfActive());
    optimizer.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> explain());
    clip.selectedProperty().addListener((o, a, b) -> explain());
    mismatch.selectedProperty().addListener((o, a, b) -> explain());
    stateChanged(RunState.IDLE);
    showScales();
    explain();
    previewMultiplier();
  }

  private javafx.scene.Node controls() {
    Label title = new Label("RepOptimizer");
    title.getStyleClass().add("lab-title");
    Label intro =
        Controls.note(
            "repoptIntro",
            "Train a CSLA block (3x3·s_c + 1x1·s_1 + identity·s_id, then BN) and one plain 3x3"
                + " conv whose gradients are multiplied by M, from the same start on the same"
                + " batches. If the multiplier is right, the conv is the CSLA block's kernel at"
                + " every step.");
    VBox scales =
        Controls.section(
            "Scales",
            Controls.form("s_c (3x3)", sKxK, "s_1 (1x1)", s1x1, "s_id (identity)", sId),
            new HBox(6, search, new Label("for"), searchSteps, new Label("steps")),
            scalesInfo,
            handSet);
    VBox training =
        Controls.section(
            "Training", Controls.form("optimizer", optimizer, "precision", dtype, "steps", steps));
    VBox breaks = Controls.section("What breaks it", clip, mismatch);
    HBox buttons = new HBox(6, run, pause, stop);
    VBox box = new VBox(12, title, intro, scales, training, breaks, why);
    // Run and the run's state stay in sight below the settings, which scroll on a short window.
    VBox pinned = new VBox(8, buttons, progress, status, export);
    return controlsColumn(box, pinned, 310);
  }

  private VBox multiplierPanel() {
    Label t = new Label("Gradient multiplier M (block0)");
    t.getStyleClass().add("lab-section-title");
    heatmap.setPrefSize(340, 340);
    VBox.setVgrow(heatmap, Priority.ALWAYS);
    VBox box = new VBox(6, t, heatmap, heatmapCaption);
    box.setPadding(new Insets(12));
    box.setPrefWidth(370);
    box.setMinWidth(370);
    box.getStyleClass().add("lab-side");
    return box;
  }

  RepOptLab.Settings settings() {
    OptimizerConfig.Kind kind =
        optimizer.getSelectionModel().getSelectedIndex() == 1
            ? OptimizerConfig.Kind.ADAMW
            : OptimizerConfig.Kind.SGD;
    DataType dt =
        dtype.getSelectionModel().getSelectedIndex() == 1 ? DataType.DOUBLE : DataType.FLOAT;
    return new RepOptLab.Settings(
        sKxK.getValue(),
        s1x1.getValue(),
        sId.getValue(),
        lab.searchedProperty().get(),
        kind,
        dt,
        steps.getValue(),
        clip.isSelected(),
        0.2,
        mismatch.isSelected());
  }

  @Override
  public void start() {
    if (!current.isEmpty()) {
      previous = new ArrayList<>(current);
    }
    String previousLabel = PREVIOUS + " (" + currentLabel + ")";
    current.clear();
    running = settings();
    currentLabel = label(running);
    worst = 0;
    zeroAt = zeroFloor(running.dtype());
    differenceChart.setNote(zeroNote(running.dtype()));
    differenceChart.removeAllSeries();
    differenceChart.addSeries(DIFFERENCE + " (" + currentLabel + ")");
    if (!previous.isEmpty()) {
      differenceChart.addSeries(previousLabel);
      double[] xs = previous.stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = previous.stream().mapToDouble(p -> p[1]).toArray();
      differenceChart.appendAll(previousLabel, xs, ys);
    }
    lossChart.clear();
    // Indeterminate while both training graphs are built (a second or two), then steps done.
    progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
    lab.start(running);
  }

  /**
   * Where an exact 0 (the two kernels equal to the last bit) is drawn on the log axis: one decade
   * below the decade of the precision's machine epsilon, clearly under round-off.
   */
  static double zeroFloor(DataType dt) {
    return Math.pow(10, Math.floor(Math.log10(epsilon(dt))) - 1);
  }

  private static double epsilon(DataType dt) {
    return dt == DataType.FLOAT ? Math.ulp(1f) : Math.ulp(1.0);
  }

  private static String zeroNote(DataType dt) {
    return String.format(
        Locale.ROOT,
        "%s round-off: ε = %s. An exact 0 is drawn at %s.",
        dt == DataType.FLOAT ? "float32" : "float64",
        Controls.sci(epsilon(dt)),
        Controls.sci(zeroFloor(dt)));
  }

  private static String label(RepOptLab.Settings s) {
    StringBuilder b =
        new StringBuilder(s.kind() == OptimizerConfig.Kind.SGD ? "SGD" : "AdamW")
            .append(", ")
            .append(s.dtype() == DataType.DOUBLE ? "float64" : "float32");
    if (s.clip()) {
      b.append(", clipped");
    }
    if (s.mismatch()) {
      b.append(", mismatched M");
    }
    if (s.searched() != null) {
      b.append(", searched scales");
    }
    return b.toString();
  }

  private void restartIfActive() {
    if (running != null) {
      start();
    }
  }

  private void search() {
    status.setText("Hyper-search: training the CSLA network with learnable scales...");
    progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
    lab.search(settings(), searchSteps.getValue(), forms -> {});
  }

  /** Plots the points of one snapshot (FX thread). */
  private void show(List<RepOptLab.Point> pts) {
    if (pts.isEmpty() || running == null) {
      return;
    }
    String series = differenceChart.seriesNames().get(0);
    LiveChart.Batch d = differenceChart.batch();
    LiveChart.Batch l = lossChart.batch();
    RepOptLab.Point last = null;
    for (RepOptLab.Point p : pts) {
      double y = Math.max(p.maxDifference(), zeroAt);
      current.add(new double[] {p.step(), y});
      d.add(series, p.step(), y);
      if (!Double.isNaN(p.cslaLoss())) {
        l.add(CSLA, p.step(), p.cslaLoss()).add(REPOPT, p.step(), p.repoptLoss());
      }
      worst = Math.max(worst, p.maxDifference());
      last = p;
    }
    d.commit();
    l.commit();
    progress.setProgress(last.totalSteps() == 0 ? 0 : (double) last.step() / last.totalSteps());
    export.setDisable(false);
    double tol = running.dtype() == DataType.FLOAT ? 1e-4 : 1e-10;
    status.setText(
        String.format(
            Locale.ROOT,
            "Step %d of %d: max |ΔW′| %s now, %s at most. %s",
            last.step(),
            last.totalSteps(),
            Controls.sci(last.maxDifference()),
            Controls.sci(worst),
            worst <= tol
                ? "The two kernels coincide (tolerance " + Controls.sci(tol) + ")."
                : "The two kernels have parted (tolerance "
                    + Controls.sci(tol)
                    + ")."
                    + (running.clip() || running.mismatch() ? "" : " See why below.")));
    status.pseudoClassStateChanged(PARTED, worst > tol);
    explain();
  }

  private static final javafx.css.PseudoClass PARTED =
      javafx.css.PseudoClass.getPseudoClass("parted");

  private void stateChanged(RunState s) {
    showState(s, running != null);
    search.setDisable(s.active());
  }

  private void showScales() {
    List<RepOptForm> f = lab.searchedProperty().get();
    boolean searched = f != null;
    sKxK.setDisable(searched);
    s1x1.setDisable(searched);
    sId.setDisable(searched);
    handSet.setVisible(searched);
    handSet.setManaged(searched);
    if (!searched) {
      scalesInfo.setText(
          "Hand-set: the same scale on every channel. Hyper-search trains the CSLA block with"
              + " learnable scales for a few steps, then freezes them per channel.");
      return;
    }
    RepOptForm b0 = f.get(0);
    scalesInfo.setText(
        "Searched, per channel (block0): s_c "
            + range(b0.scaleKxK())
            + (b0.scale1x1() == null ? "" : ", s_1 " + range(b0.scale1x1()))
            + (b0.scaleIdentity() == null ? "" : ", s_id " + range(b0.scaleIdentity()))
            + ".");
  }

  private static String range(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return String.format(Locale.ROOT, "%.2f–%.2f", lo, hi);
  }

  private void previewMultiplier() {
    if (lab.stateProperty().get().active()) {
      return;
    }
    RepOptLab.Settings s = settings();
    lab.previewMultiplier(s)
        .thenAccept(
            m ->
                javafx.application.Platform.runLater(
                    () -> {
                      if (!lab.stateProperty().get().active() && s.equals(settings())) {
                        showMultiplier(m, s);
                      }
                    }));
  }

  private void showMultiplier(KernelSnapshot m, RepOptLab.Settings shownFor) {
    heatmap.setKernel(m);
    heatmap.setTitle("M (out × in, 3×3 taps)");
    boolean sgd = shownFor == null || shownFor.kind() == OptimizerConfig.Kind.SGD;
    heatmapCaption.setText(
        (sgd
                ? "SGD: M = s_c² on every tap, + s_1² at the centre tap, + 1 at the centre where"
                    + " out = in."
                : "AdamW: M = |s_c| on every tap, + |s_1| at the centre, + 1 at the centre where"
                    + " out = in.")
            + (shownFor != null && shownFor.mismatch()
                ? " Mismatched: only the s_c term, as if there were no 1x1 or identity branch."
                : " The bright centre taps are where the 1x1 and identity branches live."));
  }

  private void explain() {
    boolean sgd = optimizer.getSelectionModel().getSelectedIndex() != 1;
    String text;
    if (mismatch.isSelected()) {
      text =
          "Why it breaks: M leaves out the centre-tap terms, so the single conv learns as if the"
              + " 1x1 and identity branches weren't there, and its kernel drifts away from the"
              + " CSLA block's.";
    } else if (clip.isSelected()) {
      text =
          "Why it breaks: each model is clipped by its own gradient norm, and the CSLA norm"
              + " ‖(s_c·g, s_1·g_centre, g_diag)‖ is not the RepOpt norm ‖g‖, so the two take"
              + " differently scaled steps.";
    } else if (sgd) {
      text =
          "Why it holds: each CSLA branch's gradient is its scale times the kernel gradient g,"
              + " so one SGD step on all branches moves their sum by lr·(M⊙g + λ·W′); momentum"
              + " is linear, so the RepOpt conv with multiplier M takes exactly that step.";
    } else {
      text =
          "Why it holds: Adam's step doesn't change when its gradient is multiplied by a"
              + " constant, so each branch moves by its own Adam step and the summed kernel by"
              + " |s| times it — M on the gradient and once more on the step.";
    }
    if (running != null
        && running.dtype() == DataType.FLOAT
        && !running.clip()
        && !running.mismatch()
        && worst > 1e-4) {
      text +=
          " Here float32 round-off parted them: a ReLU input within round-off of 0 switches its"
              + " gradient in one model only. Try float64.";
    }
    why.setText(text);
  }

  private void exportCharts() {
    String said =
        ChartExport.ask(
            this,
            "repopt-trajectory",
            java.util.Map.of("difference", differenceChart, "loss", lossChart),
            java.util.Map.of());
    if (said != null) {
      status.setText(said);
    }
  }

  /** The difference chart. */
  public LiveChart differenceChart() {
    return differenceChart;
  }

  /** The loss chart. */
  public LiveChart lossChart() {
    return lossChart;
  }
}
