package dev.replens.engine.io.family;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.eval.BlockForward;
import dev.replens.engine.eval.ConvOps;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.model.Branch;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Golden vectors from an independent PyTorch implementation ({@code tools/golden/make_golden.py}):
 * every case of {@code golden/manifest.json} is imported with the manifest's geometry and BN eps,
 * fused with {@link FusionPipeline}, and compared with the oracle.
 *
 * <p>Tolerances (max absolute error):
 *
 * <ul>
 *   <li>fused kernel and bias: 1e-5 in float32, 1e-12 in float64;
 *   <li>outputs ({@code [2, C, H, W]} probes, |y| up to about 7): 1e-5·max(1, max|y|) in float32
 *       and 1e-12·max(1, max|y|) in float64, the kernel tolerance relative to the output's scale,
 *       for both the training form run branch by branch and the fused conv.
 * </ul>
 */
class GoldenImportTest {

  private static final Logger LOG = LoggerFactory.getLogger(GoldenImportTest.class);
  private static final Path GOLDEN = goldenDir();
  private static final Map<String, Fused> CACHE = new ConcurrentHashMap<>();

  /** family/dtype → max errors {kernel, bias, training output, fused output}. */
  private static final Map<String, double[]> WORST = new ConcurrentHashMap<>();

  record Case(
      String name,
      Family family,
      DataType dtype,
      Geometry geometry,
      double bnEps,
      String weights,
      String expected,
      List<String> branches) {
    @Override
    public String toString() {
      return name;
    }

    double kernelTolerance() {
      return dtype == DataType.DOUBLE ? 1e-12 : 1e-5;
    }
  }

  record Fused(ImportedBlock block, Kernel kernel, NpzArchive expected) {}

  static Stream<Case> cases() throws IOException {
    JsonNode m = new ObjectMapper().readTree(GOLDEN.resolve("manifest.json").toFile());
    List<Case> out = new ArrayList<>();
    for (JsonNode c : m.get("cases")) {
      List<String> branches = new ArrayList<>();
      c.get("branches").forEach(b -> branches.add(b.asText()));
      out.add(
          new Case(
              c.get("name").asText(),
              Family.fromName(c.get("family").asText()),
              c.get("dtype").asText().equals("float64") ? DataType.DOUBLE : DataType.FLOAT,
              new Geometry(
                  c.get("inChannels").asInt(),
                  c.get("outChannels").asInt(),
                  c.get("kernel").asInt(),
                  c.get("stride").asInt(),
                  c.get("padding").asInt(),
                  c.get("groups").asInt()),
              c.get("bnEps").asDouble(),
              c.get("weights").asText(),
              c.get("expected").asText(),
              branches));
    }
    assertThat(out).hasSize(44);
    return out.stream();
  }

  private static Fused fused(Case c) {
    return CACHE.computeIfAbsent(
        c.name(),
        n -> {
          try {
            ImportedBlock b =
                BlockImporter.load(
                    c.family(), GOLDEN.resolve(c.weights()), c.geometry(), c.bnEps());
            Pipeline p = FusionPipeline.run(b.spec(), b.weights());
            assertThat(p.blockedBy()).as("pipeline of %s", n).isNull();
            return new Fused(b, p.fusedKernel(), NpzReader.read(GOLDEN.resolve(c.expected())));
          } catch (WeightFileException e) {
            throw new AssertionError(e.getMessage(), e);
          }
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fusedKernelMatchesTheOracle(Case c) {
    Fused f = fused(c);
    INDArray w = f.expected().arrays().get("weight");
    INDArray b = f.expected().arrays().get("bias");
    assertThat(f.block().weights().dtype()).isEqualTo(c.dtype());
    assertThat(f.kernel().dtype()).isEqualTo(c.dtype());
    assertThat(f.kernel().weight().shape()).isEqualTo(w.shape());
    assertThat(f.kernel().groups()).isEqualTo(c.geometry().groups());
    double ew = maxAbs(f.kernel().weight(), w);
    double eb = maxAbs(f.kernel().bias(), b);
    record(c, 0, ew);
    record(c, 1, eb);
    assertThat(ew).as("max |ΔW|").isLessThanOrEqualTo(c.kernelTolerance());
    assertThat(eb).as("max |Δb|").isLessThanOrEqualTo(c.kernelTolerance());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trainingFormReproducesTheOracleOutput(Case c) {
    Fused f = fused(c);
    INDArray x = f.expected().arrays().get("input");
    INDArray y = f.expected().arrays().get("output");
    INDArray out = BlockForward.preActivation(f.block().spec(), f.block().weights(), x);
    assertThat(out.shape()).isEqualTo(y.shape());
    double e = maxAbs(out, y);
    record(c, 2, e);
    assertThat(e).as("max |Δy|").isLessThanOrEqualTo(outputTolerance(c, y));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fusedConvReproducesTheOracleOutput(Case c) {
    Fused f = fused(c);
    INDArray x = f.expected().arrays().get("input");
    INDArray y = f.expected().arrays().get("output");
    int p = c.geometry().padding();
    INDArray out = ConvOps.conv(ConvOps.padOrCrop(x, p, p), f.kernel(), c.geometry().stride());
    assertThat(out.shape()).isEqualTo(y.shape());
    double e = maxAbs(out, y);
    record(c, 3, e);
    assertThat(e).as("max |Δy|").isLessThanOrEqualTo(outputTolerance(c, y));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void branchesAreTheOfficialModules(Case c) {
    List<String> ids =
        fused(c).block().spec().branches().stream().map(Branch::id).sorted().toList();
    List<String> expected =
        switch (c.family()) {
          case REPVGG, ACB, DBB, DYREP_DBB -> c.branches();
          case OREPA, OREPA_1X1 ->
              c.branches().stream().map(b -> b.equals("dws_conv") ? "gconv" : b).toList();
          case OREPA_REPVGG ->
              Stream.concat(
                      Stream.of(
                          "rbr_dense_origin",
                          "rbr_dense_avg",
                          "rbr_dense_prior",
                          "rbr_dense_1x1_kxk",
                          "rbr_dense_gconv"),
                      c.branches().stream().filter(b -> !b.equals("rbr_dense")))
                  .toList();
          case OREPA_LARGE -> List.of(OrepaLargeImporter.BRANCH);
        };
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static double outputTolerance(Case c, INDArray y) {
    return c.kernelTolerance() * Math.max(1.0, y.amaxNumber().doubleValue());
  }

  private static void record(Case c, int slot, double e) {
    WORST.compute(
        c.family().cliName() + " " + (c.dtype() == DataType.DOUBLE ? "f64" : "f32"),
        (k, v) -> {
          double[] a = v == null ? new double[4] : v;
          a[slot] = Math.max(a[slot], e);
          return a;
        });
  }

  @AfterAll
  static void logWorstErrors() {
    StringBuilder sb = new StringBuilder("max abs errors (kernel, bias, training out, fused out):");
    new TreeMap<>(WORST)
        .forEach(
            (k, v) ->
                sb.append(
                    String.format("%n  %-18s %9.2e %9.2e %9.2e %9.2e", k, v[0], v[1], v[2], v[3])));
    LOG.info(sb.toString());
  }

  static double maxAbs(INDArray a, INDArray b) {
    double[] x = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] y = b.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    assertThat(x.length).isEqualTo(y.length);
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  private static Path goldenDir() {
    try {
      return Path.of(GoldenImportTest.class.getResource("/golden/manifest.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
