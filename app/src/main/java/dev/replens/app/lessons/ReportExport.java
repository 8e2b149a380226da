package dev.replens.app.lessons;

import dev.replens.app.MainWindow;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.lesson.Lesson;
import dev.replens.engine.lesson.LessonStep;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.Step;
import dev.replens.engine.pipeline.TransformKind;
import dev.replens.views.export.AtomicFiles;
import dev.replens.views.export.PngExport;
import dev.replens.views.heatmap.ChannelWindow;
import dev.replens.views.heatmap.HeatmapGeometry;
import dev.replens.views.heatmap.KernelHeatmapRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * Gathers a {@link Report} from the window, the lesson and the engine and writes it as HTML or PDF.
 * The kernels are drawn with the heatmap's own renderer at each stage's end; the pipeline is timed
 * afresh; the window is captured as it looks.
 */
final class ReportExport {

  /** At most this many channels per side are drawn per kernel, so reports stay small. */
  static final int MAX_CHANNELS = 16;

  private ReportExport() {}

  /**
   * Collects and writes the report, as a PDF if the file name ends in {@code .pdf} and as HTML
   * otherwise; call on the JavaFX thread.
   */
  static void write(MainWindow w, LessonRunner runner, DemoView demo, Path file)
      throws IOException {
    String html = ReportHtml.render(collect(w, runner, demo));
    if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".pdf")) {
      ReportPdf.write(html, file);
    } else {
      AtomicFiles.writeString(file, html);
    }
  }

  static Report collect(MainWindow w, LessonRunner runner, DemoView demo) {
    var session = w.session();
    BlockSpec spec = session.spec();
    Weights weights = session.weights();

    Map<String, Double> timings = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    Pipeline p = FusionPipeline.run(spec, weights);
    long t1 = System.nanoTime();
    var probe = Evaluator.probe(spec, weights.dtype());
    List<StepCheck> checks;
    try {
      checks = Evaluator.check(p, probe);
    } catch (RuntimeException e) {
      checks = List.of();
    }
    long t2 = System.nanoTime();
    timings.put("fusion pipeline (" + p.steps().size() + " steps)", (t1 - t0) / 1e6);
    timings.put("checking every step on the probe " + shape(probe.shape()), (t2 - t1) / 1e6);

    List<Report.StageKernels> stages = new ArrayList<>();
    for (StageKind k : StageKind.values()) {
      List<Step> inStage = p.stage(k);
      if (inStage.isEmpty()) {
        continue;
      }
      Step shown = inStage.get(inStage.size() - 1);
      // Squeezed ends by adding the branches; show the kernels just before they are added.
      for (int i = inStage.size() - 1; i > 0; i--) {
        if (inStage.get(i).transform() == TransformKind.ADD_BRANCHES) {
          shown = inStage.get(i - 1);
          break;
        }
      }
      Equivalents eq;
      try {
        eq = Equivalents.of(shown.state());
      } catch (RuntimeException notLinear) {
        continue;
      }
      stages.add(stageKernels(k, shown.title(), eq));
    }

    List<Report.StepError> errors = new ArrayList<>();
    for (StepCheck c : checks) {
      errors.add(
          new Report.StepError(
              c.index() + 1,
              c.step().stage().title(),
              c.step().title(),
              c.error().maxAbs(),
              c.bound(),
              c.ok(),
              c.verdict().text(),
              c.diagnosis()));
    }

    Report.LessonProgress progress = null;
    Map<String, String> numbers = new LinkedHashMap<>();
    Lesson l = runner.lesson();
    if (l != null) {
      List<Report.StepState> steps = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        LessonStep s = l.step(i);
        steps.add(
            new Report.StepState(
                s.title(), s.hasTask() ? s.task().text() : null, runner.doneSteps().contains(i)));
      }
      progress = new Report.LessonProgress(l.title(), l.source(), runner.index() + 1, steps);
      for (LessonRunner.Reading r : runner.readings()) {
        numbers.put(r.label(), LessonPanel.format(r));
      }
    }

    List<Report.Picture> charts = new ArrayList<>();
    Map<String, Double> demoFigures = Map.of();
    if (demo != null) {
      demoFigures = demo.figures();
      demo.charts().forEach((caption, chart) -> charts.add(chart(caption, chart)));
    }

    Report.Picture window = null;
    if (w.stage().getScene() != null) {
      WritableImage img = PngExport.snapshot(w.stage().getScene().getRoot(), 1);
      window = picture("RepLens when the report was written", SwingFXUtils.fromFXImage(img, null));
    }

    String name = session.document().name().isEmpty() ? "Untitled" : session.document().name();
    return new Report(
        l == null ? "RepLens run report: " + name : "RepLens lesson report: " + l.title(),
        ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME),
        progress,
        design(w, spec),
        stages,
        errors,
        timings,
        numbers,
        demoFigures,
        charts,
        window);
  }

  private static Report.DesignInfo design(MainWindow w, BlockSpec spec) {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("in channels", String.valueOf(spec.inChannels()));
    g.put("out channels", String.valueOf(spec.outChannels()));
    g.put("kernel", spec.kernel() + "x" + spec.kernel());
    g.put("stride", String.valueOf(spec.stride()));
    g.put("padding", String.valueOf(spec.padding()));
    g.put("groups", String.valueOf(spec.groups()));
    g.put("activation", spec.activation().toString().toLowerCase(java.util.Locale.ROOT));
    List<List<String>> branches = new ArrayList<>();
    for (Branch b : spec.branches()) {
      branches.add(
          List.of(
              b.id(),
              b.describe(),
              b.paddingMode() == PaddingMode.PER_OP ? "per op" : "once at the input"));
    }
    String post =
        spec.post().isEmpty()
            ? "nothing"
            : spec.post().stream().map(Op::describe).collect(Collectors.joining(" → "));
    var doc = w.session().document();
    return new Report.DesignInfo(
        doc.name().isEmpty() ? "Untitled" : doc.name(),
        doc.description(),
        w.session().weightsSourceProperty().get(),
        g,
        branches,
        post);
  }

  private static Report.StageKernels stageKernels(StageKind k, String step, Equivalents eq) {
    Map<String, KernelSnapshot> snaps = eq.snapshots("fused (Σ)");
    double scale = snaps.values().stream().mapToDouble(KernelSnapshot::maxAbs).max().orElse(0);
    List<Report.Picture> pics = new ArrayList<>();
    for (var e : snaps.entrySet()) {
      pics.add(kernelPicture(e.getKey(), e.getValue(), scale));
    }
    return new Report.StageKernels(k.title(), step, scale, pics);
  }

  /** Draws a kernel with the heatmap's renderer: no JavaFX image needed. */
  static Report.Picture kernelPicture(String caption, KernelSnapshot k, double scale) {
    int outs = Math.min(k.out(), MAX_CHANNELS);
    int ins = Math.min(k.in(), MAX_CHANNELS);
    int tap = Math.max(4, Math.min(12, 96 / Math.max(k.kh(), k.kw())));
    HeatmapGeometry g = HeatmapGeometry.of(outs, ins, k.kh(), k.kw(), tap);
    int[] px = KernelHeatmapRenderer.render(k, new ChannelWindow(0, outs, 0, ins), g, scale, null);
    BufferedImage img = new BufferedImage(g.width(), g.height(), BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, g.width(), g.height(), px, 0, g.width());
    String shown =
        outs < k.out() || ins < k.in()
            ? " (first " + outs + "×" + ins + " of " + k.out() + "×" + k.in() + " channels)"
            : "";
    return picture(caption + shown, img);
  }

  static Report.Picture chart(String caption, JFreeChart chart) {
    int width = 900;
    int height = 520;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ChartUtils.writeChartAsPNG(out, chart, width, height);
      return new Report.Picture(caption, out.toByteArray(), width, height);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Report.Picture picture(String caption, BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer is available");
      }
      return new Report.Picture(caption, out.toByteArray(), img.getWidth(), img.getHeight());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String shape(long[] s) {
    return java.util.Arrays.stream(s).mapToObj(Long::toString).collect(Collectors.joining("×"));
  }
}
