package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.eval.Tolerance;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.io.npz.NpzWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code replens fuse} judges the fused error against its round-off bound: exit 0 and "within
 * round-off" for an exact fusion whose float32 error exceeds the old fixed 1e-5, exit 1 and "real
 * mismatch, N× the bound, in transform T" only for a real mismatch.
 */
class FuseVerdictTest {

  /** The value of {@code max |Δ|} on the result line. */
  private static double maxDelta(String out) {
    String line = out.lines().filter(l -> l.startsWith("result")).findFirst().orElseThrow();
    return Double.parseDouble(line.replaceAll(".*max \\|Δ\\| (\\S+) .*", "$1"));
  }

  /**
   * An official float32 OREPA_LargeConv state dict (K = 7, three 3x3 generators, the golden case
   * {@code orepa_large_k7_c4_s2_eps1e-3_f32} from PyTorch) whose post-BN running variances are 64
   * times smaller, so that its output, and its rounding, is 8 times larger: before, {@code fuse}
   * printed FAILED and exited 1 because {@code max |Δ| > 1e-5}.
   */
  @Test
  void anOrepaLargeKernelFloat32BlockOverTheOldToleranceIsWithinRoundOff(@TempDir Path dir)
      throws Exception {
    Path golden =
        Path.of(getClass().getResource("/golden/orepa_large_k7_c4_s2_eps1e-3_f32.npz").toURI());
    Map<String, INDArray> sd = new LinkedHashMap<>(NpzReader.read(golden).arrays());
    sd.put("bn.running_var", sd.get("bn.running_var").div(64));
    Path weights = dir.resolve("orepa_large.npz");
    NpzWriter.write(weights, sd);
    CliTest.Run r =
        CliTest.run(
            "fuse",
            "--family",
            "orepa-large",
            "--weights",
            weights.toString(),
            "--in-channels",
            "4",
            "--out-channels",
            "4",
            "--kernel",
            "7",
            "--stride",
            "2",
            "--bn-eps",
            "1e-3");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(maxDelta(r.out())).isGreaterThan(Tolerance.FLOAT32);
    assertThat(r.out())
        .contains("result   ok: max |Δ| ")
        .contains("≤ round-off bound ")
        .containsPattern("(?m)^verdict  within round-off \\(bound [0-9.e-]+\\)$")
        .doesNotContain("FAILED");
  }

  /**
   * A DBB block whose 1x1→3x3 chain pads each op's input (per-op) while a BN sits between the
   * convs: the border differs from the fused conv, a real mismatch named at its step.
   */
  @Test
  void aRealMismatchExitsOneAndNamesTheTransform(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("per-op.json");
    Files.writeString(
        f,
        "{\"format\":\"replens-design\",\"formatVersion\":1,\"block\":{\"inChannels\":4,"
            + "\"outChannels\":4,\"kernel\":3,\"branches\":["
            + "{\"id\":\"dense\",\"ops\":[{\"type\":\"conv\",\"id\":\"c\",\"outChannels\":4,"
            + "\"kernel\":3},{\"type\":\"bn\",\"id\":\"bn\"}]},"
            + "{\"id\":\"chain\",\"paddingMode\":\"per-op\",\"ops\":[{\"type\":\"conv\",\"id\":\"c1\","
            + "\"outChannels\":4,\"kernel\":1},{\"type\":\"bn\",\"id\":\"bn1\"},{\"type\":\"conv\","
            + "\"id\":\"c2\",\"outChannels\":4,\"kernel\":3},{\"type\":\"bn\",\"id\":\"bn2\"}]}]}}");
    CliTest.Run r = CliTest.run("fuse", "--design", f.toString(), "--dtype", "float32");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("result   FAILED: max |Δ| ")
        .contains("> round-off bound ")
        .containsPattern(
            "(?m)^verdict  real mismatch, [0-9.e+]+× the bound, in transform “.*chain.*”$")
        .contains("diverged ");
  }
}
