package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replens export-torch} and the menu action: they write the module (and the action the
 * weights beside it), and bad input exits 2 with one line.
 */
class ExportTorchCommandTest {

  @TempDir Path dir;

  @Test
  void writesTheSampleAsAPyTorchModule() throws Exception {
    Path out = dir.resolve("block.py");
    CliTest.Run r = CliTest.run("export-torch", "repvgg", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("wrote", "class RepVGGBlock");
    assertThat(Files.readString(out))
        .contains(
            "class RepVGGBlock(nn.Module):",
            "def switch_to_deploy(self):",
            "def load_replens_weights(self, path):",
            "self.rbr_identity = nn.BatchNorm2d(8)");
  }

  @Test
  void theMenuActionWritesTheModuleAndTheWeightsItLoads() throws Exception {
    var session =
        new dev.replens.app.design.DesignSession(
            dev.replens.engine.samples.SampleCatalog.load("orepa"));
    Path py = dir.resolve("orepa_block.py");
    Path weights = dir.resolve("orepa_block.safetensors");
    dev.replens.app.handoff.TorchExportAction.export(session, py, weights);
    assertThat(Files.readString(py)).contains("class OREPABlock(nn.Module):");
    var back = dev.replens.engine.io.DesignWeights.read(weights, session.spec());
    assertThat(back.keys())
        .containsExactlyElementsOf(session.weights().restrictTo(session.spec()).keys());
  }

  @Test
  void theClassNameCanBeChosen() throws Exception {
    Path out = dir.resolve("b.py");
    CliTest.Run r =
        CliTest.run("export-torch", "dbb", "--out", out.toString(), "--class-name", "MyBlock");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out)).contains("class MyBlock(nn.Module):");
  }

  @Test
  void aMissingDesignOrABadClassNameIsOneLineAndExitTwo() {
    CliTest.Run missing =
        CliTest.run("export-torch", "nope.json", "--out", dir.resolve("x.py").toString());
    assertThat(missing.code()).isEqualTo(RepLensCli.BAD_INPUT);
    assertThat(missing.err().strip())
        .startsWith("replens export-torch: no such file")
        .doesNotContain("\n");
    CliTest.Run badName =
        CliTest.run(
            "export-torch",
            "repvgg",
            "--out",
            dir.resolve("y.py").toString(),
            "--class-name",
            "1x");
    assertThat(badName.code()).isEqualTo(RepLensCli.BAD_INPUT);
    assertThat(badName.err()).contains("not a Python class name");
    assertThat(dir.resolve("y.py")).doesNotExist();
  }
}
