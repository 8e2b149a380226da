package dev.replens.app.lessons;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the report page of {@link ReportHtml} as a PDF with openhtmltopdf: the same HTML, its
 * base64 images embedded, A4 pages. The DejaVu fonts are embedded when the system has them (they
 * cover γ, Σ, → and ✓, which the PDF base fonts lack); without them the text falls back to the base
 * fonts.
 */
public final class ReportPdf {

  private static final Logger LOG = LoggerFactory.getLogger(ReportPdf.class);

  /** Where Debian, Fedora and Arch put the DejaVu fonts. */
  private static final List<Path> FONT_DIRS =
      List.of(
          Path.of("/usr/share/fonts/truetype/dejavu"),
          Path.of("/usr/share/fonts/dejavu-sans-fonts"),
          Path.of("/usr/share/fonts/TTF"));

  private ReportPdf() {}

  /** Writes the page as a PDF, atomically (a temporary file moved over the target). */
  public static void write(String html, Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        PdfRendererBuilder b = new PdfRendererBuilder();
        b.useFastMode();
        addFont(b, "DejaVuSans.ttf", "DejaVu Sans", 400, false);
        addFont(b, "DejaVuSans-Bold.ttf", "DejaVu Sans", 700, false);
        addFont(b, "DejaVuSans-Oblique.ttf", "DejaVu Sans", 400, true);
        addFont(b, "DejaVuSansMono.ttf", "DejaVu Sans Mono", 400, false);
        b.withHtmlContent(html, null);
        b.toStream(out);
        b.run();
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void addFont(
      PdfRendererBuilder b, String name, String family, int weight, boolean italic) {
    for (Path dir : FONT_DIRS) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f)) {
        b.useFont(
            f.toFile(),
            family,
            weight,
            italic ? PdfRendererBuilder.FontStyle.ITALIC : PdfRendererBuilder.FontStyle.NORMAL,
            true);
        return;
      }
    }
    LOG.info("{} not found; the PDF report uses the base fonts for it", name);
  }
}
