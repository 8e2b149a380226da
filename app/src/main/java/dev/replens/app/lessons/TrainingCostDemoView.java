package dev.replens.app.lessons;

import dev.replens.app.run.FxRunner;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.TrainingCostStudy;
import dev.replens.engine.lesson.TrainingCostStudy.Run;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.MemoryUsage;
import dev.replens.engine.train.run.TrainingJob;
import dev.replens.views.NumberText;
import dev.replens.views.chart.LiveChart;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;

/**
 * OREPA's cost demo: the lesson's block trained offline and online for a few steps on the shapes
 * ({@link TrainingCostStudy}), live: milliseconds per step of both runs, the bytes of arrays a step
 * uses, and the branch similarity of the block with and without its scaling layers. The learner can
 * change the width and run again.
 */
final class TrainingCostDemoView
    extends AbstractDemoView<Demo.TrainingCost, TrainingCostStudy.Result> {

  static final String OFFLINE = "offline (multi-branch)";
  static final String ONLINE = "online (squeezed)";
  static final String SCALED = "with scaling layers";
  static final String UNSCALED = "without scaling layers";

  private final BlockSpec design;
  private final LiveChart time =
      LessonCharts.styled(
          LessonCharts.chart("step", "ms per step", OFFLINE, ONLINE),
          false,
          LessonCharts.RED,
          LessonCharts.BLUE);
  private final LiveChart similarity =
      LessonCharts.styled(
          LessonCharts.chart("step", "branch gradient similarity", SCALED, UNSCALED),
          false,
          LessonCharts.GREEN,
          LessonCharts.ORANGE);
  private final ComboBox<Integer> width = new ComboBox<>();
  private final Button again = new Button("Train again");
  private final FxRunner<TrainingCostStudy.Result> worker =
      FxRunner.showingLatest("replens-lesson-cost", 4, this::show, f -> failed(f.message()));

  TrainingCostDemoView(Demo.TrainingCost demo, BlockSpec design) {
    super(demo, "cost-demo");
    this.design = design;
    time.setId("lesson-costTimeChart");
    similarity.setId("lesson-costSimilarityChart");
    width.setId("lesson-costWidth");
    again.setId("lesson-costAgain");
    again.getStyleClass().add("lesson-small-button");
    numbers.setId("lesson-costNumbers");
    // Milliseconds from zero, so that the gap between the runs isn't magnified.
    ((NumberAxis) ((XYPlot) time.getChart().getPlot()).getRangeAxis())
        .setAutoRangeIncludesZero(true);
    width.setItems(FXCollections.observableArrayList(4, 8, 16, 24, 32));
    width.setValue(demo.width());
    Label widthLabel = new Label("channels per layer");
    widthLabel.getStyleClass().add("lesson-control-label");
    HBox controls = new HBox(10, widthLabel, width, again);
    controls.setAlignment(Pos.CENTER_LEFT);
    getChildren().addAll(controls, status, numbers, time, similarity);
    width.valueProperty().addListener((o, a, b) -> run());
    again.setOnAction(e -> run());
    run();
  }

  private void run() {
    int w = width.getValue() == null ? demo().width() : width.getValue();
    setParameters(Map.of("width", (double) w));
    TrainingCostStudy.Settings s = demo().settings().withWidth(w);
    time.clear();
    similarity.clear();
    numbers.clear();
    setResult(null);
    status.setText(
        String.format(
            Locale.ROOT,
            "Training a %d-channel network of this block for %d steps, offline, online, then"
                + " online without its scaling layers…",
            w,
            s.steps()));
    worker.start(TrainingJob.once(p -> TrainingCostStudy.run(design, s, p)));
  }

  private void failed(String msg) {
    status.setText("This block can't be trained here: " + msg);
  }

  private void show(TrainingCostStudy.Result r) {
    var t = time.batch();
    var sim = similarity.batch();
    time.clear();
    similarity.clear();
    for (TrainingCostStudy.Point p : r.points()) {
      if (p.step() > TrainingCostStudy.WARM_UP && p.run() != Run.ONLINE_UNSCALED) {
        t.add(p.run() == Run.OFFLINE ? OFFLINE : ONLINE, p.step(), p.millis());
      }
      if (Double.isFinite(p.similarity()) && p.run() != Run.OFFLINE) {
        sim.add(p.run() == Run.ONLINE ? SCALED : UNSCALED, p.step(), p.similarity());
      }
    }
    t.commit();
    sim.commit();
    numbers.clear();
    for (Map.Entry<String, Double> e : figures(r).entrySet()) {
      Label v = numbers.add(e.getKey(), format(e.getKey(), e.getValue()));
      v.setId("lesson-cost-" + numbers.rows());
    }
    status.setText(
        r.done()
            ? String.format(
                Locale.ROOT,
                "Measured just now: %d steps per run at batch %d, the first %d left out of the"
                    + " medians.",
                r.settings().steps(),
                r.settings().batchSize(),
                TrainingCostStudy.WARM_UP)
            : "Training… " + r.points().size() + " of " + 3 * r.settings().steps() + " steps");
    setResult(r);
  }

  private static String format(String label, double v) {
    if (!Double.isFinite(v)) {
      return "—";
    }
    if (label.contains("MiB")) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    if (label.contains("ms")) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (label.contains("×")) {
      return String.format(Locale.ROOT, "%.2f×", v);
    }
    return NumberText.of(v, 3);
  }

  private static Map<String, Double> figures(TrainingCostStudy.Result r) {
    Map<String, Double> out = new LinkedHashMap<>();
    double off = r.medianMillis(Run.OFFLINE);
    double on = r.medianMillis(Run.ONLINE);
    out.put("offline: ms per step (median)", off);
    out.put("online: ms per step (median)", on);
    out.put("online is faster by ×", off / on);
    double offMem = MemoryUsage.mib(r.workingSetBytes(Run.OFFLINE));
    double onMem = MemoryUsage.mib(r.workingSetBytes(Run.ONLINE));
    out.put("offline: MiB of arrays per step", offMem == 0 ? Double.NaN : offMem);
    out.put("online: MiB of arrays per step", onMem == 0 ? Double.NaN : onMem);
    out.put("online needs less memory by ×", offMem / onMem);
    out.put(
        "largest |loss offline − loss online|",
        r.of(Run.ONLINE).isEmpty() ? Double.NaN : r.maxLossDifference());
    out.put("mean branch similarity, with scaling", r.meanSimilarity(Run.ONLINE));
    out.put("mean branch similarity, without scaling", r.meanSimilarity(Run.ONLINE_UNSCALED));
    return out;
  }

  @Override
  protected Map<String, Double> figuresOf(TrainingCostStudy.Result r) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("channels per layer", (double) r.settings().width());
    out.put("steps per run", (double) r.settings().steps());
    out.putAll(figures(r));
    return out;
  }

  @Override
  public Map<String, JFreeChart> charts() {
    Map<String, JFreeChart> out = new LinkedHashMap<>();
    out.put("Milliseconds per training step, offline against online", time.getChart());
    out.put(
        "Branch gradient similarity with and without the scaling layers", similarity.getChart());
    return out;
  }

  ComboBox<Integer> widthBox() {
    return width;
  }

  @Override
  public void dispose() {
    worker.close();
  }
}
