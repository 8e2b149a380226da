package dev.replens.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.io.family.BlockImporter;
import dev.replens.engine.io.family.Family;
import dev.replens.engine.io.family.Geometry;
import dev.replens.engine.io.family.ImportedBlock;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.pipeline.FusionPipeline;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Exporting the fused kernel of the golden {@code repvgg_k3_c8_id_f64} block ({@code [8, 8, 3, 3]}
 * and {@code [8]}): the file holds exactly the oracle's {@code weight} and {@code bias} (1e-12)
 * under the chosen names.
 */
class FusedExportTest {

  @TempDir Path tmp;

  private static Kernel fused() throws Exception {
    ImportedBlock b =
        BlockImporter.load(
            Family.REPVGG, Golden.file("repvgg_k3_c8_id_f64.npz"), new Geometry(8, 8, 3, 1, 1, 1));
    return FusionPipeline.run(b.spec(), b.weights()).fusedKernel();
  }

  @Test
  void plainNamesAreAConvsStateDict() throws Exception {
    Path f = tmp.resolve("fused.npz");
    FusedExport.write(f, fused(), FusedExport.Naming.PLAIN);
    NpzArchive out = NpzReader.read(f);
    NpzArchive oracle = NpzReader.read(Golden.file("repvgg_k3_c8_id_f64.expected.npz"));
    assertThat(out.arrays().keySet()).containsExactly("weight", "bias");
    assertThat(out.arrays().get("weight").dataType()).isEqualTo(DataType.DOUBLE);
    assertThat(out.arrays().get("weight").shape()).containsExactly(8, 8, 3, 3);
    assertThat(out.arrays().get("bias").shape()).containsExactly(8);
    assertThat(
            out.arrays()
                .get("weight")
                .sub(oracle.arrays().get("weight"))
                .amaxNumber()
                .doubleValue())
        .isLessThan(1e-12);
    assertThat(out.arrays().get("bias").sub(oracle.arrays().get("bias")).amaxNumber().doubleValue())
        .isLessThan(1e-12);
  }

  @Test
  void repvggDeployNamesFitADeployedBlock() throws Exception {
    Path f = tmp.resolve("deploy.npz");
    Kernel k = fused();
    FusedExport.write(f, k, FusedExport.Naming.REPVGG_DEPLOY);
    NpzArchive out = NpzReader.read(f);
    assertThat(out.arrays().keySet()).containsExactly("rbr_reparam.weight", "rbr_reparam.bias");
    assertThat(out.arrays().get("rbr_reparam.weight")).isEqualTo(k.weight());
    assertThat(out.arrays().get("rbr_reparam.bias")).isEqualTo(k.bias());
  }
}
