package dev.replens.app.lessons;

import dev.replens.app.run.FxRunner;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.RepOptStudy;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.repopt.RepOptComparison;
import dev.replens.engine.train.run.TrainingJob;
import dev.replens.views.chart.LiveChart;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javafx.scene.control.CheckBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;

/**
 * RepOptimizer's demo: a network of the lesson's CSLA block and its single-conv RepOpt twin trained
 * side by side ({@link RepOptStudy}), live: the largest difference between the CSLA branches'
 * equivalent kernel and the RepOpt kernel after every step (log scale), and both losses. A check
 * box gives the RepOpt model the multipliers of a KxK-only block, and the trajectories part.
 */
final class RepOptDemoView extends AbstractDemoView<Demo.RepOptTrajectories, RepOptStudy.Result> {

  static final String DIFFERENCE = "max |W'(CSLA) − W'(RepOpt)|";
  static final String CSLA_LOSS = "CSLA block (three branches)";
  static final String REPOPT_LOSS = "RepOpt (one conv, multipliers)";

  /** Drawn instead of an exact 0, which a log axis can't show. */
  static final double FLOOR = 1e-17;

  private final BlockSpec design;
  private final LiveChart difference =
      LessonCharts.styled(
          LessonCharts.chart("step", "kernel difference", DIFFERENCE), true, LessonCharts.RED);
  private final LiveChart losses =
      LessonCharts.styled(
          LessonCharts.chart("step", "training loss", CSLA_LOSS, REPOPT_LOSS),
          false,
          LessonCharts.ORANGE,
          LessonCharts.BLUE);
  private final CheckBox mismatch = new CheckBox("Give RepOpt the multipliers of a 3x3-only block");
  private final FxRunner<RepOptStudy.Result> worker =
      FxRunner.showingLatest("replens-lesson-repopt", 4, this::show, f -> failed(f.message()));

  RepOptDemoView(Demo.RepOptTrajectories demo, BlockSpec design) {
    super(demo, "repopt-demo");
    this.design = design;
    difference.setId("lesson-repoptDifferenceChart");
    // One fixed scale from below float64 round-off to 10, labelled every third decade, so that
    // the exact and the broken run are drawn on the same axis and the labels don't collide.
    LogAxis y = (LogAxis) ((XYPlot) difference.getChart().getPlot()).getRangeAxis();
    y.setSmallestValue(FLOOR);
    y.setAutoRange(false);
    y.setRange(FLOOR, 10);
    y.setAutoTickUnitSelection(false);
    y.setTickUnit(new NumberTickUnit(3));
    losses.setId("lesson-repoptLossChart");
    losses.setPrefHeight(240);
    mismatch.setId("lesson-repoptMismatch");
    mismatch.setWrapText(true);
    mismatch.getStyleClass().add("lesson-check");
    numbers.setId("lesson-repoptNumbers");
    getChildren().addAll(mismatch, status, difference, numbers, losses);
    mismatch.selectedProperty().addListener((o, a, b) -> run());
    run();
  }

  private void run() {
    boolean wrong = mismatch.isSelected();
    setParameters(Map.of("mismatch", wrong ? 1.0 : 0.0));
    RepOptStudy.Settings s = demo().settings().withMismatch(wrong);
    difference.clear();
    losses.clear();
    numbers.clear();
    setResult(null);
    status.setText(
        "Training both models for "
            + s.steps()
            + " steps from the same seed, on the same batches, in float64…");
    worker.start(TrainingJob.once(p -> RepOptStudy.run(design, s, p)));
  }

  private void failed(String msg) {
    status.setText("This design can't be trained as a CSLA block: " + msg);
  }

  private void show(RepOptStudy.Result r) {
    var d = difference.batch();
    var l = losses.batch();
    difference.clear();
    losses.clear();
    for (RepOptComparison.StepResult s : r.steps()) {
      d.add(DIFFERENCE, s.step(), Math.max(FLOOR, s.maxKernelDifference()));
      if (s.step() > 0) {
        l.add(CSLA_LOSS, s.step(), s.cslaLoss());
        l.add(REPOPT_LOSS, s.step(), s.repoptLoss());
      }
    }
    d.commit();
    l.commit();
    showFigures(figures(r), 4, "lesson-repopt-");
    status.setText(
        r.done()
            ? String.format(
                Locale.ROOT,
                "Measured just now: %d steps, SGD with momentum 0.9 and weight decay, scales"
                    + " s_c = %.2f, s_1 = %.2f, s_id = %.2f.",
                r.settings().steps(),
                RepOptStudy.S_KXK,
                RepOptStudy.S_1X1,
                RepOptStudy.S_IDENTITY)
            : "Training… step " + (r.steps().size() - 1) + " of " + r.settings().steps());
    setResult(r);
  }

  private static Map<String, Double> figures(RepOptStudy.Result r) {
    Map<String, Double> out = new LinkedHashMap<>();
    RepOptComparison.StepResult last = r.last();
    out.put("steps trained", last == null ? Double.NaN : (double) last.step());
    out.put("largest kernel difference so far", r.maxDifference());
    out.put("CSLA loss, last step", last == null ? Double.NaN : last.cslaLoss());
    out.put("RepOpt loss, last step", last == null ? Double.NaN : last.repoptLoss());
    out.put(
        "|loss difference|, last step",
        last == null ? Double.NaN : Math.abs(last.cslaLoss() - last.repoptLoss()));
    return out;
  }

  @Override
  protected Map<String, Double> figuresOf(RepOptStudy.Result r) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("wrong multipliers (1 = yes)", r.settings().mismatch() ? 1.0 : 0.0);
    out.putAll(figures(r));
    return out;
  }

  @Override
  public Map<String, JFreeChart> charts() {
    Map<String, JFreeChart> out = new LinkedHashMap<>();
    out.put("Largest difference between the CSLA and RepOpt kernels", difference.getChart());
    out.put("Training loss of both models", losses.getChart());
    return out;
  }

  CheckBox mismatchBox() {
    return mismatch;
  }

  @Override
  public void dispose() {
    worker.close();
  }
}
