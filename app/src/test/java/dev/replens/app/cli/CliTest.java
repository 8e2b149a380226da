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
  void aDesignTooLargeForThisMachineIsOneLineNamingItsSize(@TempDir Path dir) throws Exception {
    String dbb =
        dev.replens.engine.io.DesignIO.toJson(dev.replens.engine.samples.SampleCatalog.load("dbb"))
            .replace("\"inChannels\" : 8", "\"inChannels\" : 20000")
            .replace("\"outChannels\" : 8", "\"outChannels\" : 20000");
    Path f = Files.writeString(dir.resolve("dbb20000.json"), dbb);
    Run r = run("fuse", "--design", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith(
            "replens fuse: the design can't be fused: block: this block's fused kernel would take"
                + " 14.4 GB (20000×20000×3×3 float32); RepLens handles blocks up to ")
        .contains(" GB on this machine")
        .doesNotContain("Exception")
        .doesNotContain("-694967296");
    Run v = run("validate", f.toString());
    assertThat(v.code()).isEqualTo(2);
    assertThat(v.err()).contains("14.4 GB (20000×20000×3×3 float32)");
  }

  @Test
  void aProbeTooLargeForThisMachineIsOneLine() {
    Run r = run("fuse", "--design", "repvgg", "--probe", "100000x100000");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("replens fuse: the probe input would take");
  }

  @Test
  void trainingWidthsAndBatchesTooLargeForThisMachineAreOneLine() {
    Run wide =
        run("train", "--width", "100000", "--steps", "1", "--train-size", "64", "--val-size", "8");
    assertThat(wide.code()).isEqualTo(2);
    assertThat(wide.err().strip().lines()).hasSize(1);
    assertThat(wide.err()).contains("would take").contains("on this machine");
    Run batch =
        run(
            "train",
            "--width",
            "512",
            "--batch",
            "4096",
            "--steps",
            "1",
            "--train-size",
            "4096",
            "--val-size",
            "8");
    assertThat(batch.code()).isEqualTo(2);
    assertThat(batch.err().strip().lines()).hasSize(1);
    assertThat(batch.err())
        .startsWith(
            "replens train: one batch's widest feature map would take 6.6 GB"
                + " (4096×512×28×28 float32)")
        .endsWith("(--batch 4096, --width 512)\n");
  }

  @Test
  void unknownOptionIsBadInput() {
    assertThat(run("fuse", "--bogus").code()).isEqualTo(2);
  }

  @Test
  void benchFuseTimesThePipelineAndTheRoundOffJudgedCheckSideBySide() {
    Run r = run("bench", "fuse", "--channels", "4", "--runs", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("staged pipeline \\(\\d+ steps\\) +median +[0-9.]+ ms")
        .containsPattern("compared +median +[0-9.]+ ms")
        .containsPattern(
            "compared and judged +median +[0-9.]+ ms .*\\(round-off bounds: [0-9.]+x\\)");
  }

  @Test
  void benchConvReportsThroughput() {
    Run r = run("bench", "conv", "--batch", "2", "--channels", "4", "--size", "8", "--runs", "2");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("float32 +median +[0-9.]+ ms +[0-9.]+ GFLOP/s");
  }

  private static final Path GOLDEN = Path.of("..", "engine", "src", "test", "resources", "golden");

  @Test
  void fuseImportsAFamilyAndWritesDeployNames(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("fused.npz");
    Run r =
        run(
            "fuse",
            "--family",
            "dbb",
            "--weights",
            GOLDEN.resolve("dbb_k3_c4to8_f64.npz").toString(),
            "--in-channels",
            "4",
            "--out-channels",
            "8",
            "--kernel",
            "3",
            "--out",
            out.toString(),
            "--deploy-names");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("float64").contains("rbr_reparam.weight");
    var fused = dev.replens.engine.io.npz.NpzReader.read(out);
    var expected =
        dev.replens.engine.io.npz.NpzReader.read(GOLDEN.resolve("dbb_k3_c4to8_f64.expected.npz"));
    double diff =
        fused
            .arrays()
            .get("rbr_reparam.weight")
            .sub(expected.arrays().get("weight"))
            .amaxNumber()
            .doubleValue();
    assertThat(diff).isLessThan(1e-12);
  }

  @Test
  void corruptWeightFileIsBadInputInOneLine(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.npz"), "this is not a zip archive");
    Run r =
        run(
            "fuse",
            "--family",
            "repvgg",
            "--weights",
            bad.toString(),
            "--in-channels",
            "8",
            "--out-channels",
            "8",
            "--kernel",
            "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("bad.npz").doesNotContain("Exception");
  }

  @Test
  void wrongGeometryAndMissingKeysAreListed(@TempDir Path dir) throws Exception {
    Run r =
        run(
            "fuse",
            "--family",
            "repvgg",
            "--weights",
            GOLDEN.resolve("repvgg_k3_c8_id_f32.npz").toString(),
            "--in-channels",
            "4",
            "--out-channels",
            "8",
            "--kernel",
            "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("repvgg_k3_c8_id_f32.npz");
  }

  @Test
  void unknownFamilyListsTheFamilies() {
    Run r =
        run(
            "fuse",
            "--family",
            "resnet",
            "--weights",
            "x.npz",
            "--in-channels",
            "8",
            "--out-channels",
            "8",
            "--kernel",
            "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("orepa-large");
  }

  @Test
  void designWithItsOwnWeightsFile(@TempDir Path dir) throws Exception {
    var doc = dev.replens.engine.samples.SampleCatalog.load("repvgg");
    var w =
        dev.replens.engine.model.WeightInit.forAnalysis(
            doc.block(), org.nd4j.linalg.api.buffer.DataType.DOUBLE, 9);
    Path wf = dir.resolve("w.npz");
    dev.replens.engine.io.DesignWeights.write(wf, w);
    Run ok = run("fuse", "--design", "repvgg", "--weights", wf.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("w.npz (float64)");
    var withNan =
        w.with(
            "rbr_1x1.bn.running_var",
            w.get("rbr_1x1.bn.running_var").dup().putScalar(2, Double.NaN));
    dev.replens.engine.io.DesignWeights.write(wf, withNan);
    Run nan = run("fuse", "--design", "repvgg", "--weights", wf.toString());
    assertThat(nan.code()).isEqualTo(2);
    assertThat(nan.err()).contains("rbr_1x1.bn.running_var").contains("NaN");
  }
}
