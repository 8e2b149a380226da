package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's output and exit codes, run in-process. */
class CliTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    var cl = RepLensCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void designsListsEverySample() {
    Run r = run("designs");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("repvgg", "dbb", "orepa-large", "dyrep", "3 branches")
        .containsPattern("(?m)1 branch$");
  }

  @Test
  void fuseReportsEveryStageAndSucceeds() {
    Run r = run("fuse", "--design", "dbb", "--dtype", "float64");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Linearized", "Squeezed", "Fused", "result   ok");
    String maxLine = r.out().lines().filter(l -> l.startsWith("result")).findFirst().orElseThrow();
    double err = Double.parseDouble(maxLine.replaceAll(".*max \\|Δ\\| (\\S+) .*", "$1"));
    assertThat(err).isLessThan(1e-10);
  }

  @Test
  void validateNamesTheBranchAndOpOfAnError(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(
        f,
        "{\"format\":\"replens-design\",\"formatVersion\":1,\"block\":{\"inChannels\":4,"
            + "\"outChannels\":8,\"kernel\":3,\"branches\":[{\"id\":\"skip\",\"ops\":"
            + "[{\"type\":\"identity\",\"id\":\"i\"}]}]}}");
    Run r = run("validate", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("branch 'skip', op 'i'").contains("equal in and out channels");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void malformedDesignIsOneLineWithItsLocation(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("broken.json");
    Files.writeString(f, "{\"format\":\"replens-design\",\n\"formatVersion\":1,\n\"block\": {,}}");
    Run r = run("fuse", "--design", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("broken.json, line 3");
  }

  @Test
  void unknownOptionIsBadInput() {
    assertThat(run("fuse", "--bogus").code()).isEqualTo(2);
  }

  @Test
  void benchConvReportsThroughput() {
    Run r = run("bench", "conv", "--batch", "2", "--channels", "4", "--size", "8", "--runs", "2");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("float32 +median +[0-9.]+ ms +[0-9.]+ GFLOP/s");
  }
}
