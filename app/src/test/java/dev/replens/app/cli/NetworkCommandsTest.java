package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code replens inspect} and {@code replens convert} on whole networks. */
class NetworkCommandsTest {

  static final Path NETWORKS = Path.of("..", "engine", "src", "test", "resources", "network");

  @Test
  void inspectPrintsOneRowPerBlockAndTheOtherKeysAsACount() {
    CliTest.Run r = CliTest.run("inspect", NETWORKS.resolve("repvgg_groups.pth").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> rows = r.out().lines().filter(l -> l.startsWith("stage")).toList();
    assertThat(rows).hasSize(6);
    assertThat(rows.get(2))
        .startsWith("stage1.1")
        .contains("repvgg", "training", "16×8×3×3", "rbr_dense,rbr_1x1,rbr_identity")
        .contains("within round-off (bound ");
    assertThat(r.out()).contains("other    2 keys outside any block");
    assertThat(r.out()).contains("summary  6 blocks, 6 within round-off; 0 errors");
  }

  @Test
  void inspectJsonHasTheSameData() throws Exception {
    CliTest.Run r =
        CliTest.run("inspect", NETWORKS.resolve("dbb_resnet.safetensors").toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.get("passThroughKeys").asInt()).isEqualTo(14);
    JsonNode blocks = root.get("blocks");
    assertThat(blocks).hasSize(5);
    JsonNode dw = blocks.get(4);
    assertThat(dw.get("prefix").asText()).isEqualTo("layer3");
    assertThat(dw.get("family").asText()).isEqualTo("dbb");
    assertThat(dw.get("groups").asInt()).isEqualTo(16);
    assertThat(dw.get("fusedMaxAbsDiff").asDouble())
        .isLessThanOrEqualTo(dw.get("bound").asDouble());
    assertThat(dw.get("int8").get("channelMax")).hasSize(16);
    assertThat(dw.get("withinRoundOff").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {".pth", ".safetensors", ".npz"})
  void convertWritesTheDeployDictInTheFormatOfItsExtension(String ext, @TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("deploy" + ext);
    CliTest.Run r =
        CliTest.run(
            "convert", NETWORKS.resolve("yolov6_backbone.pth").toString(), "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("6 blocks converted");
    Checkpoint written = Checkpoints.read(out, Progress.NONE);
    Checkpoint golden =
        Checkpoints.read(NETWORKS.resolve("yolov6_backbone.deploy.npz"), Progress.NONE);
    assertThat(written.keys()).containsExactlyInAnyOrderElementsOf(golden.keys());
    assertThat(written.tensors().get("backbone.stem.rbr_reparam.weight").shape())
        .containsExactly(8, 3, 3, 3);
  }

  @Test
  void convertRefusesAPartlyBrokenNetworkAndWritesNothing(@TempDir Path tmp) {
    Path out = tmp.resolve("deploy.pth");
    CliTest.Run r =
        CliTest.run("convert", NETWORKS.resolve("mixed.pth").toString(), "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("replens convert: nothing written: ").contains("stage");
    assertThat(out).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void overridesAreParsedAndBadOnesAreOneLine(@TempDir Path tmp) {
    Path out = tmp.resolve("deploy.npz");
    CliTest.Run ok =
        CliTest.run(
            "convert",
            NETWORKS.resolve("repvgg_groups.npz").toString(),
            "--out",
            out.toString(),
            "--override",
            "stage1.0=2,1");
    assertThat(ok.code()).as(ok.err()).isZero();
    CliTest.Run bad =
        CliTest.run(
            "convert",
            NETWORKS.resolve("repvgg_groups.npz").toString(),
            "--out",
            tmp.resolve("x.npz").toString(),
            "--override",
            "stage1.0=two");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip().lines()).hasSize(1);
    assertThat(bad.err()).contains("--override stage1.0");
    assertThat(tmp.resolve("x.npz")).doesNotExist();
  }

  @Test
  void anUnknownOutputExtensionIsRefusedBeforeReading(@TempDir Path tmp) {
    CliTest.Run r =
        CliTest.run(
            "convert",
            NETWORKS.resolve("repvgg_groups.pth").toString(),
            "--out",
            tmp.resolve("deploy.onnx").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("name it .pth, .safetensors or .npz");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aMissingInputIsOneLine(@TempDir Path tmp) throws Exception {
    CliTest.Run r = CliTest.run("inspect", tmp.resolve("nope.pth").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("doesn't exist");
    assertThat(tmp).isEmptyDirectory();
  }
}
