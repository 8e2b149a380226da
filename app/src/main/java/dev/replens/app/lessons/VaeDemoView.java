package dev.replens.app.lessons;

import dev.replens.app.run.FxRunner;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.train.run.TrainingJob;
import dev.replens.engine.vae.EstimatorStudy;
import dev.replens.engine.vae.TestFunction;
import dev.replens.views.NumberText;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.formula.FormulaView;
import java.awt.BasicStroke;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;

/**
 * The VAE demo: the variance of the score-function and the reparameterized estimators of {@code
 * ∂E[f(z)]/∂μ} and {@code ∂/∂σ} against the number of samples, on log–log axes, with sliders for μ
 * and σ and a choice of f. Every point is computed by {@link EstimatorStudy} when a setting changes
 * (seeded, so the same settings give the same chart).
 */
final class VaeDemoView extends AbstractDemoView<Demo.VaeGradients, EstimatorStudy.Study> {

  /** The sample count whose variances and factor are shown as numbers. */
  static final int SHOWN_N = 100;

  /** The smallest σ the slider allows. */
  static final double MIN_SIGMA = 0.1;

  static final String SCORE_MU = "score function, ∂/∂μ";
  static final String REP_MU = "reparameterized, ∂/∂μ";
  static final String SCORE_SIGMA = "score function, ∂/∂σ";
  static final String REP_SIGMA = "reparameterized, ∂/∂σ";

  private final LiveChart chart =
      LessonCharts.chart(
          "samples n", "variance of the estimate", SCORE_MU, REP_MU, SCORE_SIGMA, REP_SIGMA);
  private final Slider mu = new Slider(-2, 2, 1);
  private final Slider sigma = new Slider(0, 3, 0.5);
  private final ComboBox<TestFunction> function = new ComboBox<>();
  private final FormulaView target = new FormulaView();
  private final FxRunner<EstimatorStudy.Study> worker =
      FxRunner.showingLatest(
          "replens-demo-vae",
          10,
          this::show,
          f -> status.setText("The study failed: " + f.message()));

  VaeDemoView(Demo.VaeGradients demo) {
    super(demo, "vae-demo");
    chart.setId("vaeChart");
    XYPlot plot = (XYPlot) chart.getChart().getPlot();
    LogAxis n = new LogAxis("samples n");
    n.setBase(10);
    n.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setDomainAxis(n);
    // Red: score function, blue: reparameterized; solid: ∂/∂μ, dashed: ∂/∂σ.
    LessonCharts.styled(
        chart, true, LessonCharts.RED, LessonCharts.BLUE, LessonCharts.RED, LessonCharts.BLUE);
    BasicStroke dashed =
        new BasicStroke(
            2.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);
    plot.getRenderer().setSeriesStroke(2, dashed);
    plot.getRenderer().setSeriesStroke(3, dashed);
    chart.setMinHeight(260);
    chart.setPrefHeight(320);

    mu.setId("vaeMu");
    sigma.setId("vaeSigma");
    function.setId("vaeFunction");
    for (Slider s : new Slider[] {mu, sigma}) {
      s.setShowTickLabels(true);
      s.setShowTickMarks(true);
      s.setMajorTickUnit(0.5);
      s.setBlockIncrement(0.1);
      HBox.setHgrow(s, Priority.ALWAYS);
    }
    mu.setValue(demo.mu());
    sigma.setValue(demo.sigma());
    function.setItems(FXCollections.observableArrayList(TestFunction.values()));
    function.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(TestFunction f) {
            return f == null ? "" : "f(z) = " + f.text();
          }

          @Override
          public TestFunction fromString(String s) {
            return null;
          }
        });
    function.setValue(demo.function());
    target.getStyleClass().add("lesson-demo-formula");

    Label muLabel = new Label();
    Label sigmaLabel = new Label();
    muLabel.textProperty().bind(mu.valueProperty().asString(java.util.Locale.ROOT, "μ = %.2f"));
    sigmaLabel
        .textProperty()
        .bind(sigma.valueProperty().asString(java.util.Locale.ROOT, "σ = %.2f"));
    muLabel.setMinWidth(90);
    sigmaLabel.setMinWidth(90);
    HBox muRow = new HBox(10, muLabel, mu);
    HBox sigmaRow = new HBox(10, sigmaLabel, sigma);
    muRow.setAlignment(Pos.CENTER_LEFT);
    sigmaRow.setAlignment(Pos.CENTER_LEFT);
    numbers.setId("vaeNumbers");
    VBox controls = new VBox(8, function, muRow, sigmaRow);
    controls.setPrefWidth(380);
    controls.setMinWidth(280);
    // Side by side when there is room, one under the other on a narrow panel.
    FlowPane below = new FlowPane(16, 8, controls, numbers);
    getChildren().addAll(new FitWidth(target), chart, below, status);

    mu.valueProperty().addListener((o, a, b) -> recompute());
    sigma
        .valueProperty()
        .addListener(
            (o, a, b) -> {
              // σ = 0 has no density (the score function divides by σ): 0.1 is the floor.
              if (b.doubleValue() < MIN_SIGMA) {
                sigma.setValue(MIN_SIGMA);
              } else {
                recompute();
              }
            });
    function.valueProperty().addListener((o, a, b) -> recompute());
    recompute();
  }

  private void recompute() {
    double m = round(mu.getValue());
    double s = Math.max(MIN_SIGMA, round(sigma.getValue()));
    TestFunction f = function.getValue();
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("mu", m);
    p.put("sigma", s);
    setParameters(Map.copyOf(p));
    target.setFormula(
        "\\frac{\\partial}{\\partial \\mu} \\mathrm{E}["
            + f.latex()
            + "], \\quad z \\sim N(\\mu, \\sigma^{2})");
    status.setText("computing…");
    worker.start(TrainingJob.once(progress -> EstimatorStudy.run(f, m, s, demo().seed())));
  }

  /** Slider values to two decimals, so that a study is reproducible from what is shown. */
  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private void show(EstimatorStudy.Study st) {
    var batch = chart.batch();
    chart.clear();
    for (EstimatorStudy.Point p : st.points()) {
      batch.add(SCORE_MU, p.n(), p.score().varMu());
      batch.add(REP_MU, p.n(), p.reparameterized().varMu());
      batch.add(SCORE_SIGMA, p.n(), p.score().varSigma());
      batch.add(REP_SIGMA, p.n(), p.reparameterized().varSigma());
    }
    batch.commit();
    EstimatorStudy.Point at = st.at(SHOWN_N);
    numbers.clear();
    addNumber(
        "exact ∂/∂μ, ∂/∂σ",
        NumberText.of(st.exact().dMu()) + ",  " + NumberText.of(st.exact().dSigma()),
        null);
    addNumber(
        "variance at n = " + SHOWN_N + ", ∂/∂μ",
        NumberText.of(at.score().varMu()) + " vs " + NumberText.of(at.reparameterized().varMu()),
        null);
    addNumber("reparameterized lower by", NumberText.of(at.muFactor(), 3) + "×", "vaeFactorMu");
    addNumber(
        "variance at n = " + SHOWN_N + ", ∂/∂σ",
        NumberText.of(at.score().varSigma())
            + " vs "
            + NumberText.of(at.reparameterized().varSigma()),
        null);
    addNumber(
        "reparameterized lower by", NumberText.of(at.sigmaFactor(), 3) + "×", "vaeFactorSigma");
    status.setText(
        "Each point: the variance of "
            + EstimatorStudy.DEFAULT_REPEATS
            + " independent estimates (seed "
            + demo().seed()
            + ").");
    setResult(st);
  }

  @Override
  protected Map<String, Double> figuresOf(EstimatorStudy.Study st) {
    EstimatorStudy.Point at = st.at(SHOWN_N);
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("μ", st.mu());
    out.put("σ", st.sigma());
    out.put("exact ∂/∂μ", st.exact().dMu());
    out.put("exact ∂/∂σ", st.exact().dSigma());
    out.put("score-function variance of ∂/∂μ at n = " + SHOWN_N, at.score().varMu());
    out.put("reparameterized variance of ∂/∂μ at n = " + SHOWN_N, at.reparameterized().varMu());
    out.put("factor ∂/∂μ", at.muFactor());
    out.put("score-function variance of ∂/∂σ at n = " + SHOWN_N, at.score().varSigma());
    out.put("reparameterized variance of ∂/∂σ at n = " + SHOWN_N, at.reparameterized().varSigma());
    out.put("factor ∂/∂σ", at.sigmaFactor());
    return out;
  }

  @Override
  public Map<String, JFreeChart> charts() {
    return Map.of(
        "Variance of the two gradient estimators against the number of samples", chart.getChart());
  }

  /** The study shown, for tests and reports. */
  ReadOnlyObjectProperty<EstimatorStudy.Study> studyProperty() {
    return resultProperty();
  }

  /** The chart, for reports. */
  LiveChart chart() {
    return chart;
  }

  Slider sigmaSlider() {
    return sigma;
  }

  @Override
  public void dispose() {
    worker.close();
  }
}
