package dev.replens.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.io.family.Family;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The converter against an independent PyTorch conversion ({@code tools/network/make_networks.py}):
 * every key of the deploy state dict within 1e-5 relative, in every format the network was saved
 * in, and our {@code .pth} loaded by PyTorch into the deploy model with {@code strict=True}.
 */
class NetworkGoldenTest {

  static final double REL_TOL = 1e-5;

  static Path dir() {
    try {
      return Path.of(NetworkGoldenTest.class.getResource("/network/networks.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of("repvgg_groups", "dbb_resnet", "yolov6_backbone")
        .flatMap(n -> Stream.of(".pth", ".safetensors", ".npz").map(ext -> Arguments.of(n, ext)));
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void convertMatchesPyTorchKeyForKey(String name, String ext) throws Exception {
    Checkpoint ckpt = Checkpoints.read(dir().resolve(name + ext), Progress.NONE);
    NetworkReport report = NetworkInspector.inspect(ckpt, Progress.NONE);
    assertThat(report.errors()).as("errors").isEmpty();
    assertThat(report.withinRoundOff()).isTrue();
    Checkpoint deploy = NetworkConverter.convert(ckpt, report, Progress.NONE);
    Checkpoint golden = Checkpoints.read(dir().resolve(name + ".deploy.npz"), Progress.NONE);

    assertThat(deploy.keys()).containsExactlyInAnyOrderElementsOf(golden.keys());
    for (Map.Entry<String, INDArray> e : golden.tensors().entrySet()) {
      INDArray ours = deploy.tensors().get(e.getKey());
      INDArray want = e.getValue();
      assertThat(ours).as(e.getKey()).isNotNull();
      assertThat(ours.shape()).as(e.getKey()).isEqualTo(want.shape());
      double scale = Math.max(want.castTo(DataType.DOUBLE).amaxNumber().doubleValue(), 1e-30);
      double diff =
          ours.castTo(DataType.DOUBLE).sub(want.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
      assertThat(diff / scale).as(e.getKey() + " relative error").isLessThanOrEqualTo(REL_TOL);
    }
    for (Map.Entry<String, Number> e : golden.scalars().entrySet()) {
      assertThat(deploy.scalars().get(e.getKey()).longValue())
          .as(e.getKey())
          .isEqualTo(e.getValue().longValue());
    }
  }

  @Test
  void blocksAreFoundWithTheirShapes() throws Exception {
    NetworkReport r =
        NetworkInspector.inspect(
            Checkpoints.read(dir().resolve("repvgg_groups.pth"), Progress.NONE), Progress.NONE);
    assertThat(r.blocks())
        .extracting(BlockReport::prefix)
        .containsExactly("stage0", "stage1.0", "stage1.1", "stage1.2", "stage2.0", "stage2.1");
    BlockReport g2 = r.block("stage1.1").orElseThrow();
    assertThat(g2.family()).isEqualTo(Family.REPVGG);
    assertThat(g2.groups()).isEqualTo(2);
    assertThat(g2.inChannels()).isEqualTo(16);
    assertThat(g2.branches()).containsExactly("rbr_dense", "rbr_1x1", "rbr_identity");
    assertThat(r.block("stage2.1").orElseThrow().groups()).isEqualTo(4);
    assertThat(r.block("stage1.0").orElseThrow().branches()).doesNotContain("rbr_identity");
    assertThat(r.block("stage1.1").orElseThrow().block()).isPresent();
    assertThat(r.passThroughKeys()).isEqualTo(2); // linear.weight, linear.bias

    NetworkReport dbb =
        NetworkInspector.inspect(
            Checkpoints.read(dir().resolve("dbb_resnet.safetensors"), Progress.NONE),
            Progress.NONE);
    assertThat(dbb.blocks()).extracting(BlockReport::family).containsOnly(Family.DBB);
    assertThat(dbb.block("layer1.0.conv2").orElseThrow().groups()).isEqualTo(2);
    assertThat(dbb.block("layer3").orElseThrow().groups()).isEqualTo(16);
    // stem conv+bn, the shortcut's conv+bn and the classifier pass through
    assertThat(dbb.passThroughKeys()).isEqualTo(6 + 6 + 2);

    NetworkReport yolo =
        NetworkInspector.inspect(
            Checkpoints.read(dir().resolve("yolov6_backbone.pth"), Progress.NONE), Progress.NONE);
    assertThat(yolo.blocks())
        .extracting(BlockReport::prefix)
        .contains("backbone.stem", "backbone.ERBlock_2.1.conv1", "backbone.ERBlock_2.1.block.0");
  }

  @Test
  void pyTorchLoadsOurPthIntoTheDeployModelStrictly(@TempDir Path tmp) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "no /usr/bin/python3: the PyTorch check is skipped");
    assumeTrue(
        run(List.of(python.toString(), "-c", "import torch"), tmp) == 0,
        "python3 has no torch (apt install python3-torch): the PyTorch check is skipped");
    Path script =
        Path.of(System.getProperty("user.dir"), "..", "tools", "network", "make_networks.py")
            .normalize();
    assumeTrue(Files.exists(script), "tools/network/make_networks.py not found at " + script);
    for (String name : List.of("repvgg_groups", "dbb_resnet", "yolov6_backbone")) {
      Checkpoint ckpt = Checkpoints.read(dir().resolve(name + ".pth"), Progress.NONE);
      Checkpoint deploy =
          NetworkConverter.convert(
              ckpt, NetworkInspector.inspect(ckpt, Progress.NONE), Progress.NONE);
      Path out = tmp.resolve(name + ".deploy.pth");
      Checkpoints.write(out, deploy, Progress.NONE);
      Path log = tmp.resolve(name + ".log");
      int code =
          run(
              List.of(
                  python.toString(),
                  script.toString(),
                  "--out",
                  dir().toString(),
                  "--check",
                  name,
                  out.toString()),
              log);
      String text = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(code).as(name + ": " + text).isZero();
      assertThat(text).contains("strict load ok");
    }
  }

  private static int run(List<String> cmd, Path logOrDir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (Files.isDirectory(logOrDir)) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    } else {
      pb.redirectOutput(logOrDir.toFile());
    }
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
