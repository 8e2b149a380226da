package dev.replens.engine.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.TestDesigns;
import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.npz.NpzWriter;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.samples.SampleCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exported PyTorch modules, run by PyTorch: every sample design, plus designs that use every op
 * and padding case the model has (per-op chains, a BN before a conv, depthwise and grouped convs,
 * 1xK, conv biases, constant scales, shifts, average pooling, the frequency filter, stride 2, an
 * ACNet that crops, a branch id Python can't spell). For each, the module's eval-mode output on a
 * {@code [2, C, 13, 11]} float32 probe must equal the engine's training form within 1e-5, and its
 * output after {@code switch_to_deploy()} must equal the engine's fused conv within 1e-5. One
 * Python process checks all designs. Skipped when no python3 with torch is installed.
 */
class TorchModuleWriterTest {

  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  @Test
  void everyDesignRunsInPyTorchAsTheEngineComputesIt() throws Exception {
    String python = pythonWithTorch();
    Assumptions.assumeTrue(
        python != null,
        "no python3 with torch and numpy found (apt install python3-torch): the exported modules"
            + " can't be run");
    List<Map<String, String>> manifest = new ArrayList<>();
    Map<String, DesignDocument> designs = designs();
    int index = 0;
    for (Map.Entry<String, DesignDocument> e : designs.entrySet()) {
      String id = e.getKey();
      DesignDocument doc = e.getValue();
      BlockSpec spec = doc.block();
      Weights w = weights(id, doc);
      Path module = dir.resolve(id.replace('-', '_') + ".py");
      TorchModuleWriter.write(module, doc, null);
      // Both formats RepLens saves: every other design goes through safetensors.
      Path weights = dir.resolve(id + (index++ % 2 == 0 ? ".npz" : ".safetensors"));
      DesignWeights.write(weights, w);
      INDArray x = Evaluator.probe(spec, DataType.FLOAT, 7, 13, 11);
      Pipeline p = FusionPipeline.run(spec, w);
      assertThat(p.complete()).as(id + " fuses").isTrue();
      BlockState fused = p.fused();
      Map<String, INDArray> io = new LinkedHashMap<>();
      io.put("x", x);
      io.put("training", BlockForward.forward(spec, w, x));
      io.put("fused", BlockForward.forward(fused.spec(), fused.weights(), x));
      Path ioFile = dir.resolve(id + "-io.npz");
      NpzWriter.write(ioFile, io);
      manifest.add(
          Map.of(
              "id", id,
              "module", module.toString(),
              "class", className(Files.readString(module)),
              "weights", weights.toString(),
              "io", ioFile.toString()));
    }
    JsonNode report = run(python, manifest);

    assertThat(report.get("results")).hasSize(designs.size());
    for (JsonNode r : report.get("results")) {
      String id = r.get("id").asText();
      assertThat(r.get("training_error").asDouble())
          .as(id + ": eval-mode output vs the engine's training form")
          .isLessThanOrEqualTo(TOLERANCE);
      assertThat(r.get("deploy_error").asDouble())
          .as(id + ": switch_to_deploy() output vs the engine's fused conv")
          .isLessThanOrEqualTo(TOLERANCE);
      assertThat(r.get("dtype").asText()).isEqualTo("float32");
      assertThat(texts(r.get("deploy_keys")))
          .as(id + ": the deployed block is one conv")
          .hasSize(2)
          .allMatch(k -> k.endsWith(".weight") || k.endsWith(".bias"));
    }
    JsonNode repvgg = result(report, "repvgg");
    assertThat(texts(repvgg.get("training_keys")))
        .as("RepVGG's official keys")
        .contains("rbr_dense.conv.weight", "rbr_1x1.bn.running_var", "rbr_identity.weight");
    assertThat(texts(repvgg.get("deploy_keys")))
        .containsExactly("rbr_reparam.bias", "rbr_reparam.weight");
    assertThat(texts(result(report, "acnet").get("training_keys")))
        .as("ACBlock's official keys")
        .contains("square_conv.weight", "ver_bn.weight", "hor_conv.weight");
    assertThat(texts(result(report, "dbb").get("training_keys")))
        .as("other designs keep RepLens' keys")
        .contains("dbb_1x1_kxk.idconv1.weight", "dbb_avg.avgbn.running_mean");
    if (report.get("pep8").isNull()) {
      System.err.println("pycodestyle is not installed: the PEP 8 check of the modules is skipped");
    } else {
      assertThat(texts(report.get("pep8"))).as("PEP 8 problems").isEmpty();
    }
  }

  @Test
  void aNonlinearityInsideABranchIsRefusedNamingIt() throws Exception {
    BlockSpec s = TestDesigns.repvgg(4, 1);
    Branch dense = s.branch("rbr_dense").orElseThrow();
    BlockSpec bad =
        s.withBranch(
            dense.withOps(
                List.of(
                    dense.ops().get(0),
                    new Nonlinearity("act", Activation.RELU),
                    dense.ops().get(1))));
    assertThatThrownBy(() -> TorchModuleWriter.generate(DesignDocument.of("bad", bad), null))
        .isInstanceOf(TorchExportException.class)
        .hasMessageContaining("rbr_dense")
        .hasMessageContaining("ReLU");
  }

  @Test
  void aBranchNamedLikeAModuleMethodIsRefused() {
    BlockSpec s = TestDesigns.repvgg(4, 1);
    BlockSpec bad =
        s.withBranches(List.of(s.branches().get(0), s.branches().get(1).withId("forward")));
    assertThatThrownBy(() -> TorchModuleWriter.generate(DesignDocument.of("x", bad), null))
        .isInstanceOf(TorchExportException.class)
        .hasMessageContaining("branch 'forward'");
  }

  @Test
  void classNamesComeFromTheDesignName() {
    assertThat(TorchModuleWriter.classNameFor("Plain conv + BN")).isEqualTo("PlainConvBNBlock");
    assertThat(TorchModuleWriter.classNameFor("Diverse Branch Block"))
        .isEqualTo("DiverseBranchBlock");
    assertThat(TorchModuleWriter.classNameFor("3x3 trick")).isEqualTo("Block3x3TrickBlock");
  }

  /** The samples, then the designs that cover what the samples don't. */
  private static Map<String, DesignDocument> designs() throws Exception {
    Map<String, DesignDocument> out = new LinkedHashMap<>();
    for (SampleCatalog.Sample s : SampleCatalog.list()) {
      out.put(s.id(), SampleCatalog.load(s));
    }
    out.put("every-op", DesignDocument.of("Every op", everyOp()));
    out.put("grouped", DesignDocument.of("Grouped", grouped()));
    out.put("acnet-crop", DesignDocument.of("ACNet cropping", TestDesigns.acnet(4, 3, 0)));
    return out;
  }

  /** 4 → 4, K 3, stride 2, a scale and a shift after the sum, SiLU. */
  private static BlockSpec everyOp() {
    return new BlockSpec(
        4,
        4,
        3,
        2,
        1,
        1,
        List.of(
            Branch.of("dense", new Conv("conv", 4, 3, 3, 1, true)),
            new Branch(
                "per_op",
                List.of(
                    new Conv("a", 4, 1, 1, 1, true), BatchNorm.of("bn"), Conv.square("b", 4, 3, 1)),
                PaddingMode.PER_OP,
                null,
                null),
            Branch.of("bn_first", BatchNorm.of("bn"), Conv.square("conv", 4, 3, 1)),
            Branch.of("dw", Conv.square("dw", 4, 3, 4), Conv.square("pw", 4, 1, 1)),
            Branch.of("hor", new Conv("conv", 4, 1, 3, 1, false), new ChannelScale("scale", false)),
            Branch.of("avg", new AvgPool("avg", 3), new ChannelBias("shift")),
            Branch.of("1x1", Conv.square("conv", 4, 1, 1)),
            Branch.of("freq", new FrequencyFilter("f", 4, 3, 1))),
        List.of(ChannelScale.of("scale"), new ChannelBias("shift")),
        Activation.SILU);
  }

  /** 4 → 4, K 3, groups 2: a grouped conv, an identity, a grouped 1x1 before pooling; sigmoid. */
  private static BlockSpec grouped() {
    return new BlockSpec(
        4,
        4,
        3,
        1,
        1,
        2,
        List.of(
            Branch.of("conv", Conv.square("conv", 4, 3, 2), BatchNorm.of("bn")),
            Branch.of("ident", new Identity("id"), BatchNorm.of("bn")),
            Branch.of("pool", Conv.square("conv", 4, 1, 2), new AvgPool("avg", 3))),
        List.of(BatchNorm.of("bn")),
        Activation.SIGMOID);
  }

  private static Weights weights(String id, DesignDocument doc) throws Exception {
    Optional<SampleCatalog.Sample> sample = SampleCatalog.find(id);
    if (sample.isPresent()) {
      Optional<Weights> shipped = SampleCatalog.loadWeights(sample.get(), doc);
      if (shipped.isPresent()) {
        return shipped.get().castTo(DataType.FLOAT);
      }
    }
    return WeightInit.forAnalysis(doc.block(), DataType.FLOAT, 11);
  }

  private static String className(String source) {
    return source
        .lines()
        .filter(l -> l.startsWith("class ") && !l.startsWith("class Channel"))
        .filter(l -> !l.startsWith("class FrequencyFilter"))
        .map(l -> l.substring(6, l.indexOf('(')))
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode result(JsonNode report, String id) {
    for (JsonNode r : report.get("results")) {
      if (r.get("id").asText().equals(id)) {
        return r;
      }
    }
    throw new AssertionError("no result for " + id);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private JsonNode run(String python, List<Map<String, String>> manifest) throws Exception {
    Path manifestFile = dir.resolve("manifest.json");
    new ObjectMapper().writeValue(manifestFile.toFile(), manifest);
    Path script = dir.resolve("check_modules.py");
    try (InputStream in = getClass().getResourceAsStream("check_modules.py")) {
      Files.copy(in, script);
    }
    ProcessBuilder pb =
        new ProcessBuilder(python, "-B", script.toString(), manifestFile.toString());
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.directory(dir.toFile());
    Path err = dir.resolve("stderr.txt");
    pb.redirectError(err.toFile());
    Process proc = pb.start();
    String stdout = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(proc.exitValue()).as("python failed:\n" + Files.readString(err) + stdout).isZero();
    return new ObjectMapper().readTree(stdout);
  }

  /** The first python3 that imports torch and numpy, or null. */
  private static String pythonWithTorch() throws InterruptedException {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import torch, numpy")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // Not installed under this name; try the next.
      }
    }
    return null;
  }
}
