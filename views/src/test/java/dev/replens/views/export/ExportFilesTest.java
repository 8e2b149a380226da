package dev.replens.views.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes and CSV text; no JavaFX. */
class ExportFilesTest {

  @TempDir Path dir;

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void anAtomicWriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path f = dir.resolve("sub/out.txt");
    AtomicFiles.writeString(f, "first");
    AtomicFiles.writeString(f, "second");
    assertThat(Files.readString(f)).isEqualTo("second");
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertThat(s.toList()).containsExactly(f);
    }
  }

  @Test
  void aFailedWriteKeepsTheOldContent() throws IOException {
    Path f = dir.resolve("keep.txt");
    AtomicFiles.writeString(f, "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    f,
                    out -> {
                      out.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");
    assertThat(Files.readString(f)).isEqualTo("old");
    assertThat(files()).containsExactly(f);
  }

  @Test
  void csvQuotesOnlyWhatNeedsIt() throws IOException {
    CsvTable t = new CsvTable(List.of("series", "x", "y"));
    t.row("train", 1, 0.5).row("a,\"b\"", 2.0, Double.NaN);
    assertThat(t.toString()).isEqualTo("series,x,y\ntrain,1,0.5\n\"a,\"\"b\"\"\",2.0,NaN\n");
    assertThatThrownBy(() -> t.row("only one")).isInstanceOf(IllegalArgumentException.class);
    Path f = dir.resolve("t.csv");
    t.write(f);
    assertThat(Files.readString(f)).isEqualTo(t.toString());
  }
}
