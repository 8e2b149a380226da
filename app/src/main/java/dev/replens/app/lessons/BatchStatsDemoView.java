package dev.replens.app.lessons;

import dev.replens.app.design.DesignSession;
import dev.replens.app.run.FxRunner;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.TrainModeBatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import dev.replens.engine.train.run.TrainingJob;
import dev.replens.views.NumberText;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.beans.InvalidationListener;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.scene.control.Button;
import javafx.scene.control.Label;

/**
 * The batch-statistics demo: the current design run with train-mode BN, with eval-mode BN and as
 * the fused conv, on the same probe ({@link TrainModeBatchNorm}). It re-runs whenever the design or
 * its weights change, and "Another batch" draws a new probe.
 */
final class BatchStatsDemoView
    extends AbstractDemoView<Demo.BatchStatistics, TrainModeBatchNorm.Report> {

  private final DesignSession session;
  private final FxRunner<TrainModeBatchNorm.Report> worker =
      FxRunner.showingLatest("replens-demo-bn", 10, this::show, f -> failed(f.message()));
  private final InvalidationListener onDesign = o -> recompute();
  private long seed;

  BatchStatsDemoView(Demo.BatchStatistics demo, DesignSession session) {
    super(demo, "bn-demo");
    this.session = session;
    this.seed = demo.seed();
    numbers.setId("bnDemoNumbers");
    Button another = new Button("Another batch");
    another.setId("bnDemoAnother");
    another.getStyleClass().add("lesson-small-button");
    another.setOnAction(
        e -> {
          seed++;
          recompute();
        });
    getChildren().addAll(numbers, another, status);
    session.documentProperty().addListener(onDesign);
    session.weightsProperty().addListener(onDesign);
    recompute();
  }

  private void recompute() {
    BlockSpec spec = session.spec();
    Weights w = session.weights();
    long s = seed;
    setParameters(Map.of("seed", (double) s));
    status.setText("computing…");
    worker.start(TrainingJob.once(p -> TrainModeBatchNorm.compare(spec, w, s)));
  }

  private void failed(String msg) {
    numbers.clear();
    status.setText("This design can't be run in train mode: " + msg);
    setResult(null);
  }

  private void show(TrainModeBatchNorm.Report r) {
    numbers.clear();
    status.setText("");
    row(
        "eval-mode BN vs fused conv, max |Δ|",
        NumberText.scientific(r.evalVsFused()),
        "bnDemoEval",
        r.evalVsFused() <= r.roundOffBound() ? "ok" : "bad");
    row(
        "train-mode BN vs fused conv, max |Δ|",
        NumberText.of(r.trainVsFused()),
        "bnDemoTrain",
        r.trainVsFused() <= r.roundOffBound() ? "ok" : "bad");
    row(
        "round-off bound: the most they may differ by if equivalent",
        NumberText.scientific(r.roundOffBound()),
        "bnDemoBound",
        null);
    row(
        "image 0 when the other image in the batch changes, max |Δ|",
        NumberText.of(r.batchDependence()),
        "bnDemoBatch",
        null);
    String where = r.branchId() + "." + r.opId() + ", channel 0";
    row(
        "mean: this batch vs running (" + where + ")",
        NumberText.of(r.batchMean()) + " vs " + NumberText.of(r.runningMean()),
        null,
        null);
    row(
        "variance: this batch vs running",
        NumberText.of(r.batchVar()) + " vs " + NumberText.of(r.runningVar()),
        null,
        null);
    status.setText(
        "Probe: 2 images of "
            + session.spec().inChannels()
            + " channels, 13×11, seed "
            + seed
            + ".");
    setResult(r);
  }

  private void row(String label, String value, String id, String mark) {
    Label v = addNumber(label, value, id);
    if (mark != null) {
      v.getStyleClass().add("lesson-number-" + mark);
    }
  }

  @Override
  protected Map<String, Double> figuresOf(TrainModeBatchNorm.Report r) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("eval-mode BN vs fused conv, max |Δ|", r.evalVsFused());
    out.put("train-mode BN vs fused conv, max |Δ|", r.trainVsFused());
    out.put("round-off bound of eval-mode BN vs fused conv", r.roundOffBound());
    out.put("batch dependence of image 0, max |Δ|", r.batchDependence());
    out.put("batch mean (channel 0)", r.batchMean());
    out.put("running mean (channel 0)", r.runningMean());
    out.put("batch variance (channel 0)", r.batchVar());
    out.put("running variance (channel 0)", r.runningVar());
    return out;
  }

  /** The comparison shown, for tests. */
  ReadOnlyObjectProperty<TrainModeBatchNorm.Report> reportProperty() {
    return resultProperty();
  }

  @Override
  public void dispose() {
    session.documentProperty().removeListener(onDesign);
    session.weightsProperty().removeListener(onDesign);
    worker.close();
  }
}
