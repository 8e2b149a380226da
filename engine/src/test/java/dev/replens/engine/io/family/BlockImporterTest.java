package dev.replens.engine.io.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.io.Golden;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.WeightImportException;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.io.npz.NpzWriter;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Importing state dicts: golden files (e.g. {@code dbb_k3_c4to8_f32}: in 4, out 8, K 3; {@code
 * repvgg_k3_c8_id}: 8 → 8 with identity) and copies of them edited in a temp folder (a key deleted,
 * added, reshaped, set to NaN or to int64).
 */
class BlockImporterTest {

  private static final Geometry DBB_4_TO_8 = new Geometry(4, 8, 3, 1, 1, 1);
  private static final Geometry REPVGG_8 = new Geometry(8, 8, 3, 1, 1, 1);

  @TempDir Path tmp;

  /** A copy of a golden state dict, edited. */
  private Path edited(String golden, Consumer<Map<String, INDArray>> edit) throws Exception {
    NpzArchive a = NpzReader.read(Golden.file(golden));
    Map<String, INDArray> m = new LinkedHashMap<>(a.arrays());
    edit.accept(m);
    Path f = tmp.resolve("edited-" + golden);
    NpzWriter.write(f, m);
    return f;
  }

  private static WeightImportException importFailure(
      Family family, Path file, Geometry g, double eps) {
    return catchThrowableOfType(
        WeightImportException.class, () -> BlockImporter.load(family, file, g, eps));
  }

  @Test
  void oneErrorListsEveryMissingUnknownAndMisshapedKey() throws Exception {
    Path f =
        edited(
            "dbb_k3_c4to8_f32.npz",
            m -> {
              m.remove("dbb_1x1_kxk.bn2.running_var");
              m.put("dbb_extra.weight", Nd4j.ones(DataType.FLOAT, 3));
              m.put("dbb_1x1.conv.weight", Nd4j.ones(DataType.FLOAT, 8, 4, 3, 3));
            });
    WeightImportException e = importFailure(Family.DBB, f, DBB_4_TO_8, 1e-5);
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "'dbb_1x1.conv.weight' has shape [8, 4, 3, 3], expected [8, 4, 1, 1]",
            "missing 'dbb_1x1_kxk.bn2.running_var', expected shape [8]",
            "unknown key 'dbb_extra.weight' float32 [3]: DiverseBranchBlock has no such parameter");
    assertThat(e.getMessage())
        .startsWith(
            "Can't import 'edited-dbb_k3_c4to8_f32.npz' as a DiverseBranchBlock (dbb): 3 problems");
    assertThat(e.file()).isEqualTo(f);
  }

  @Test
  void aNanWeightIsNamedWithItsPosition() throws Exception {
    Path f =
        edited(
            "repvgg_k3_c8_id_f64.npz",
            m -> {
              INDArray w = m.get("rbr_dense.conv.weight").dup();
              w.putScalar(new long[] {1, 2, 0, 1}, Double.NaN);
              m.put("rbr_dense.conv.weight", w);
              INDArray v = m.get("rbr_1x1.bn.running_var").dup();
              v.putScalar(5, Double.POSITIVE_INFINITY);
              m.put("rbr_1x1.bn.running_var", v);
            });
    WeightImportException e = importFailure(Family.REPVGG, f, REPVGG_8, 1e-5);
    assertThat(e.problems())
        .containsExactly(
            "'rbr_dense.conv.weight' holds NaN at [1, 2, 0, 1]: weights must be finite",
            "'rbr_1x1.bn.running_var' holds Infinity at [5]: weights must be finite");
  }

  @Test
  void wrongChannelsAreReportedInGeometryTerms() {
    WeightImportException e =
        importFailure(
            Family.DBB, Golden.file("dbb_k3_c4to8_f32.npz"), new Geometry(8, 8, 3, 1, 1, 1), 1e-5);
    assertThat(e.problems())
        .containsExactly(
            "in channels: the geometry says 8 with groups 1 (8 per group), but"
                + " 'dbb_origin.conv.weight' [8, 4, 3, 3] has 4 per group, i.e. 4 in channels"
                + " with groups 1",
            "(with the geometry in 8, out 8, kernel 3, stride 1, padding 1, groups 1; the keys"
                + " were not checked further)");
  }

  @Test
  void wrongKernelAndOutChannelsAreReportedInGeometryTerms() {
    WeightImportException e =
        importFailure(
            Family.ACB,
            Golden.file("acb_k3p1_c4to8_f32.npz"),
            new Geometry(4, 6, 5, 1, 2, 1),
            1e-5);
    assertThat(e.problems())
        .contains(
            "out channels: the geometry says 6, but 'square_conv.weight' [8, 4, 3, 3] has 8",
            "kernel: the geometry says 5x5, but 'square_conv.weight' [8, 4, 3, 3] is 3x3");
  }

  @Test
  void anIdentityBranchContradictingTheStrideIsReported() {
    WeightImportException e =
        importFailure(
            Family.REPVGG,
            Golden.file("repvgg_k3_c8_id_f32.npz"),
            new Geometry(8, 8, 3, 2, 1, 1),
            1e-5);
    assertThat(e.problems().get(0))
        .isEqualTo(
            "the file has an identity branch 'rbr_identity', which RepVGG builds only when in =="
                + " out and stride is 1; the geometry says in 8, out 8, stride 2");
  }

  @Test
  void anotherFamilysFileIsRecognised() {
    WeightImportException e =
        importFailure(Family.DBB, Golden.file("repvgg_k3_c8_id_f32.npz"), REPVGG_8, 1e-5);
    assertThat(e.problems().get(0))
        .isEqualTo(
            "the file has no 'dbb_origin.conv.weight', which every DiverseBranchBlock state dict"
                + " has; its keys look like family 'repvgg'");
  }

  @Test
  void anInt64WeightIsReportedAsNotFloat() throws Exception {
    Path f =
        edited(
            "repvgg_k3_c8_id_f32.npz",
            m -> m.put("rbr_identity.running_var", Nd4j.ones(DataType.INT64, 8)));
    WeightImportException e = importFailure(Family.REPVGG, f, REPVGG_8, 1e-5);
    assertThat(e.problems())
        .containsExactly(
            "'rbr_identity.running_var' holds int64 values [8]; a weight must be float32 or"
                + " float64");
  }

  @Test
  void mixedFloatTypesAreReported() throws Exception {
    Path f =
        edited(
            "repvgg_k3_c8_id_f32.npz",
            m -> m.put("rbr_1x1.bn.bias", m.get("rbr_1x1.bn.bias").castTo(DataType.DOUBLE)));
    WeightImportException e = importFailure(Family.REPVGG, f, REPVGG_8, 1e-5);
    assertThat(e.problems())
        .containsExactly(
            "'rbr_1x1.bn.bias' is float64 while the file's other weights are float32; save the"
                + " state dict with one float type");
  }

  @Test
  void aDeployedRepvggIsExplained() throws Exception {
    Path f =
        edited(
            "repvgg_k3_c8_id_f32.npz",
            m -> m.put("rbr_reparam.bias", Nd4j.zeros(DataType.FLOAT, 8)));
    assertThat(importFailure(Family.REPVGG, f, REPVGG_8, 1e-5).problems())
        .containsExactly(
            "unknown key 'rbr_reparam.bias' float32 [8]: RepVGGBlock has no such parameter (this"
                + " is a deployed block, already fused into one conv)");
  }

  @Test
  void aCorruptFileIsAFileErrorNotAnImportError() throws Exception {
    Path f = Files.writeString(tmp.resolve("x.npz"), "garbage");
    assertThatThrownBy(() -> BlockImporter.load(Family.DBB, f, DBB_4_TO_8))
        .isInstanceOf(WeightFileException.class)
        .isNotInstanceOf(WeightImportException.class)
        .hasMessageContaining("'x.npz' is not a readable .npz file");
  }

  @Test
  void theBnEpsilonReachesEveryBn() throws Exception {
    ImportedBlock b =
        BlockImporter.load(Family.DBB, Golden.file("dbb_k3_c4to8_f64.npz"), DBB_4_TO_8, 3e-4);
    long bns =
        Stream.concat(
                b.spec().branches().stream().flatMap(br -> br.ops().stream()),
                b.spec().post().stream())
            .filter(op -> op instanceof BatchNorm)
            .peek(op -> assertThat(((BatchNorm) op).eps()).isEqualTo(3e-4))
            .count();
    assertThat(bns).isEqualTo(6);
  }

  @Test
  void theDefaultEpsilonIsPytorchs() throws Exception {
    ImportedBlock b =
        BlockImporter.load(Family.REPVGG, Golden.file("repvgg_k3_c8_id_f32.npz"), REPVGG_8);
    assertThat(b.spec().branches().get(0).ops().get(1)).isEqualTo(new BatchNorm("bn", 1e-5));
  }

  @Test
  void branchesShowTheOfficialChains() throws Exception {
    BlockSpec s =
        BlockImporter.load(Family.DBB, Golden.file("dbb_k3_c4to8_f32.npz"), DBB_4_TO_8).spec();
    Map<String, String> chains = new LinkedHashMap<>();
    s.branches().forEach(b -> chains.put(b.id(), b.describe()));
    assertThat(chains)
        .containsExactly(
            Map.entry("dbb_origin", "conv 3x3 → BN"),
            Map.entry("dbb_avg", "conv 1x1 → BN → avg-pool 3x3 → BN"),
            Map.entry("dbb_1x1", "conv 1x1 → BN"),
            Map.entry("dbb_1x1_kxk", "conv 1x1 → BN → conv 3x3 → BN"));
  }

  @Test
  void dbbIdentityBasedConvHoldsWeightPlusIdentity() throws Exception {
    ImportedBlock b =
        BlockImporter.load(Family.DBB, Golden.file("dbb_k3_c4to8_f64.npz"), DBB_4_TO_8);
    INDArray file =
        NpzReader.read(Golden.file("dbb_k3_c4to8_f64.npz"))
            .arrays()
            .get("dbb_1x1_kxk.idconv1.weight");
    INDArray held = b.weights().get("dbb_1x1_kxk.idconv1.weight");
    INDArray diff = held.sub(file);
    for (int o = 0; o < 4; o++) {
      for (int i = 0; i < 4; i++) {
        assertThat(diff.getDouble(o, i, 0, 0)).isEqualTo(o == i ? 1.0 : 0.0);
      }
    }
  }

  @Test
  void orepaLargeIsAChainOfRotatedLayersAndSaysSo() throws Exception {
    ImportedBlock b =
        BlockImporter.load(
            Family.OREPA_LARGE,
            Golden.file("orepa_large_k7_c4_s2_eps1e-3_f32.npz"),
            new Geometry(4, 4, 7, 2, 3, 1),
            1e-3);
    Branch only = b.spec().branches().get(0);
    assertThat(only.describe()).isEqualTo("conv 3x3 → conv 3x3 → conv 3x3");
    assertThat(only.ops().stream().map(Op::id)).containsExactly("weight0", "weight1", "weight2");
    assertThat(b.spec().post()).containsExactly(new BatchNorm("bn", 1e-3));
    assertThat(b.notes()).anyMatch(n -> n.contains("rotated by 180°"));
  }

  @Test
  void orepaKeepsTheStoredPriorAndAvgBuffers() throws Exception {
    Path file = Golden.file("orepa_k5_c8_dw_f64.npz");
    NpzArchive a = NpzReader.read(file);
    ImportedBlock b = BlockImporter.load(Family.OREPA, file, new Geometry(8, 8, 5, 1, 2, 8));
    assertThat(b.weights().get("prior.pfir.prior")).isEqualTo(a.arrays().get("weight_orepa_prior"));
    // float64 file, float32-rounded 1/25: kept as a depthwise conv holding the buffer.
    Branch avg = b.spec().branch("avg").orElseThrow();
    assertThat(avg.describe()).isEqualTo("depthwise conv 1x1 → depthwise conv 5x5 → scale");
    assertThat(b.weights().get("avg.avg_avg.weight").getDouble(3, 0, 2, 2))
        .isEqualTo(a.arrays().get("weight_orepa_avg_avg").getDouble(2, 2))
        .isNotEqualTo(1.0 / 25);
    assertThat(b.spec().post()).containsExactly(new BatchNorm("bn", 1e-5));
  }

  @Test
  void orepaInFloat32PoolsWhenTheBufferIsExactlyTheAverage() throws Exception {
    ImportedBlock b =
        BlockImporter.load(
            Family.OREPA, Golden.file("orepa_k3_c4to8_f32.npz"), new Geometry(4, 8, 3, 1, 1, 1));
    assertThat(b.spec().branch("avg").orElseThrow().describe())
        .isEqualTo("conv 1x1 → avg-pool 3x3 → scale");
  }

  @Test
  void acbWithoutAffineAndWithALastBnFusesExactly() throws Exception {
    Path f =
        edited(
            "acb_k3p1_c4to8_f64.npz",
            m -> {
              for (String bn : new String[] {"square_bn", "ver_bn", "hor_bn"}) {
                m.remove(bn + ".weight");
                m.remove(bn + ".bias");
              }
              m.put("last_bn.weight", Nd4j.createFromArray(1.5, -0.5, 2, 1, 1, 0.7, 1, 0.9));
              m.put("last_bn.bias", Nd4j.linspace(DataType.DOUBLE, -1, 0.25, 8));
              m.put("last_bn.running_mean", Nd4j.linspace(DataType.DOUBLE, 0.5, -0.1, 8));
              m.put("last_bn.running_var", Nd4j.linspace(DataType.DOUBLE, 0.5, 0.2, 8));
            });
    ImportedBlock b = BlockImporter.load(Family.ACB, f, new Geometry(4, 8, 3, 1, 1, 1), 1e-5);
    assertThat(b.spec().post()).containsExactly(new BatchNorm("last_bn", 1e-5));
    assertThat(b.weights().get("square.bn.weight")).isEqualTo(Nd4j.ones(DataType.DOUBLE, 8));
    assertThat(b.weights().get("ver.bn.bias")).isEqualTo(Nd4j.zeros(DataType.DOUBLE, 8));
    assertThat(b.notes()).anyMatch(n -> n.startsWith("use_affine=False"));
    Pipeline p = FusionPipeline.run(b.spec(), b.weights());
    for (StepCheck c : Evaluator.check(p, Evaluator.probe(b.spec(), DataType.DOUBLE))) {
      assertThat(c.error().maxAbs()).as(c.step().title()).isLessThan(1e-12);
    }
  }

  @Test
  void repvggOrepaSplitsTheDenseBnExactly() throws Exception {
    ImportedBlock b =
        BlockImporter.load(
            Family.OREPA_REPVGG, Golden.file("orepa_repvgg_c8_id_f64.npz"), REPVGG_8);
    assertThat(b.weights().get("rbr_dense_avg.bn.weight"))
        .isEqualTo(b.weights().get("rbr_dense_origin.bn.weight"));
    assertThat(b.weights().get("rbr_dense_avg.bn.bias")).isEqualTo(Nd4j.zeros(DataType.DOUBLE, 8));
    assertThat(b.notes()).anyMatch(n -> n.contains("row 5 is never used"));
  }

  @Test
  void familyNamesAreParsedAndListedOnError() {
    assertThat(Family.fromName("DBB")).isEqualTo(Family.DBB);
    assertThat(Family.fromName("orepa_1x1")).isEqualTo(Family.OREPA_1X1);
    assertThat(Family.fromName("dyrep-dbb")).isEqualTo(Family.DYREP_DBB);
    assertThatThrownBy(() -> Family.fromName("ddb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown block family 'ddb'; expected one of: repvgg, acb, dbb, orepa, orepa-1x1,"
                + " orepa-repvgg, orepa-large, dyrep-dbb");
  }
}
