package dev.replens.app.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.kernel.Kernel;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The report page: self-contained, escaped, with every image embedded as a PNG. */
class ReportHtmlTest {

  @Test
  void thePageIsSelfContainedAndEscapesText() {
    // A 2-out, 2-in 3x3 kernel with one positive and one negative tap.
    double[] w = new double[2 * 2 * 3 * 3];
    w[4] = 1.0;
    w[13] = -0.5;
    Kernel k = Kernel.of(Nd4j.create(w, new long[] {2, 2, 3, 3}, DataType.DOUBLE), 1);
    Report.Picture pic = ReportExport.kernelPicture("fused <Σ>", k.snapshot(), 1.0);
    Report r =
        new Report(
            "Report <b>x</b>",
            "today",
            new Report.LessonProgress(
                "A & B", "a.json", 2, List.of(new Report.StepState("s1", "do it", true))),
            new Report.DesignInfo(
                "d",
                "",
                "seeded",
                Map.of("kernel", "3x3"),
                List.of(List.of("b", "conv", "x")),
                "BN"),
            List.of(new Report.StageKernels("Fused", "last", 1.0, List.of(pic))),
            List.of(
                new Report.StepError(
                    1,
                    "Training form",
                    "t",
                    0,
                    2.1e-5,
                    true,
                    "within round-off (bound 2.1e-05)",
                    null)),
            Map.of("pipeline", 1.5),
            Map.of("fused", "0.5"),
            Map.of("factor", 22.0),
            List.of(),
            null);
    String html = ReportHtml.render(r);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<title>Report &lt;b&gt;x&lt;/b&gt;</title>")
        .contains("Lesson: A &amp; B")
        .contains("alt=\"fused &lt;Σ&gt;\"")
        .doesNotContain("<b>x</b>")
        .doesNotContain("src=\"http")
        .doesNotContain("<link")
        .contains("<td class=\"num\">2.1e−05</td>")
        .contains("✓ within round-off (bound 2.1e-05)");
    String b64 = html.replaceAll("(?s).*data:image/png;base64,([A-Za-z0-9+/=]+)\".*", "$1");
    byte[] png = Base64.getDecoder().decode(b64);
    assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    assertThat(pic.width()).isGreaterThan(20);
  }
}
