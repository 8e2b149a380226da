package dev.replens.app.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.kernel.Kernel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The PDF report, read back with poppler (pdftotext, pdfimages, pdftoppm): its text holds the
 * design's name and the section headings, it embeds the kernel and both charts as images, and the
 * rasterized pages show them (coloured pixels, which the black and grey text has none of). Skipped
 * when poppler-utils is not installed.
 */
class ReportPdfTest {

  @TempDir Path dir;

  @Test
  void thePdfHoldsTheDesignTheHeadingsAndTheCharts() throws Exception {
    Assumptions.assumeTrue(
        installed("pdftotext"), "poppler-utils is not installed (apt install poppler-utils)");
    double[] w = new double[2 * 2 * 3 * 3];
    w[4] = 1.0;
    w[13] = -0.5;
    Kernel k = Kernel.of(Nd4j.create(w, new long[] {2, 2, 3, 3}, DataType.DOUBLE), 1);
    Report r =
        new Report(
            "RepLens run report: Diverse Branch Block",
            "today",
            null,
            new Report.DesignInfo(
                "Diverse Branch Block",
                "Four branches fused into one conv (γ/σ folds into W).",
                "seeded random",
                Map.of("kernel", "3x3"),
                List.of(List.of("dbb_origin", "conv 3x3 → BN", "once at the input")),
                "nothing"),
            List.of(
                new Report.StageKernels(
                    "Fused",
                    "last",
                    1.0,
                    List.of(ReportExport.kernelPicture("fused (Σ)", k.snapshot(), 1.0)))),
            List.of(
                new Report.StepError(
                    1,
                    "Training form",
                    "t",
                    0,
                    1e-6,
                    true,
                    "within round-off (bound 1e-06)",
                    null)),
            Map.of("pipeline", 1.5),
            Map.of(),
            Map.of(),
            List.of(
                ReportExport.chart("Training loss", chart("loss", 1)),
                ReportExport.chart("Validation accuracy", chart("accuracy", -1))),
            null);
    Path pdf = dir.resolve("report.pdf");
    ReportPdf.write(ReportHtml.render(r), pdf);

    String text = run("pdftotext", "-layout", pdf.toString(), "-");
    assertThat(text)
        .contains(
            "Diverse Branch Block", "Kernels at each stage", "Equivalence error of every step")
        .contains("Training loss", "Validation accuracy", "γ/σ", "→");
    List<String> images =
        run("pdfimages", "-list", pdf.toString())
            .lines()
            .skip(2)
            .filter(l -> !l.isBlank())
            .toList();
    assertThat(images).as("the kernel and two charts, embedded").hasSizeGreaterThanOrEqualTo(3);

    run("pdftoppm", "-r", "40", "-png", pdf.toString(), dir.resolve("page").toString());
    List<Path> pages;
    try (Stream<Path> s = Files.list(dir)) {
      pages = s.filter(p -> p.getFileName().toString().startsWith("page")).sorted().toList();
    }
    assertThat(pages).isNotEmpty();
    long coloured = 0;
    double mostInk = 0;
    for (Path p : pages) {
      BufferedImage img = ImageIO.read(p.toFile());
      coloured += colouredPixels(img);
      mostInk = Math.max(mostInk, inkFraction(img));
    }
    // Text covers a few per cent of a page; the two charts' plot areas cover a third of theirs.
    assertThat(mostInk).as("the fullest of %d pages", pages.size()).isGreaterThan(0.2);
    // The series lines and the heatmap are coloured; text is black and grey.
    assertThat(coloured).as("coloured pixels").isGreaterThan(50);
  }

  private static JFreeChart chart(String name, int sign) {
    XYSeries s = new XYSeries(name);
    for (int i = 0; i < 50; i++) {
      s.add(i, 1 + sign * Math.exp(-i / 10.0));
    }
    return ChartFactory.createXYLineChart(name, "step", name, new XYSeriesCollection(s));
  }

  private static long colouredPixels(BufferedImage img) {
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          n++;
        }
      }
    }
    return n;
  }

  /** The fraction of pixels that are not near-white. */
  private static double inkFraction(BufferedImage img) {
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 3 * 235) {
          n++;
        }
      }
    }
    return n / (double) (img.getWidth() * img.getHeight());
  }

  private static boolean installed(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(String... cmd) throws Exception {
    List<String> args = new ArrayList<>(List.of(cmd));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
