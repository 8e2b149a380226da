package dev.replens.engine.io.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.io.Golden;
import dev.replens.engine.io.WeightFileException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reading {@code .npz}: the golden RepVGG state dicts ({@code rbr_dense.conv.weight [8, 8, 3, 3]},
 * BN vectors {@code [8]}, three 0-d {@code num_batches_tracked}) and hand-made archives with one
 * entry each ({@code [2]} to {@code [2, 3]} arrays).
 */
class NpzReaderTest {

  @TempDir Path tmp;

  @Test
  void zeroDimensionalCountersAreSkippedButRemembered() throws Exception {
    NpzArchive a = NpzReader.read(Golden.file("repvgg_k3_c8_id_f32.npz"));
    assertThat(a.scalars())
        .containsExactly(
            "rbr_identity.num_batches_tracked",
            "rbr_dense.bn.num_batches_tracked",
            "rbr_1x1.bn.num_batches_tracked");
    assertThat(a.arrays()).hasSize(14).doesNotContainKey("rbr_dense.bn.num_batches_tracked");
    assertThat(a.names()).hasSize(17);
  }

  @Test
  void float64StaysFloat64WithItsExactValues() throws Exception {
    NpzArchive a = NpzReader.read(Golden.file("repvgg_k3_c8_id_f64.npz"));
    INDArray w = a.arrays().get("rbr_dense.conv.weight");
    assertThat(w.dataType()).isEqualTo(DataType.DOUBLE);
    assertThat(w.shape()).containsExactly(8, 8, 3, 3);
    assertThat(w.getDouble(1, 2, 0, 1)).isEqualTo(0.03018672829470216);
    assertThat(a.arrays().get("rbr_1x1.bn.running_var").getDouble(3)).isEqualTo(1.228146016677837);
  }

  @Test
  void float32StaysFloat32() throws Exception {
    NpzArchive a = NpzReader.read(Golden.file("repvgg_k3_c8_id_f32.npz"));
    INDArray w = a.arrays().get("rbr_dense.conv.weight");
    assertThat(w.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(w.getFloat(1, 2, 0, 1)).isEqualTo(0.030186727643013f);
  }

  @Test
  void entriesKeepTheArchiveOrder() throws Exception {
    NpzArchive a = NpzReader.read(Golden.file("repvgg_k3_c8_id_f32.npz"));
    assertThat(a.arrays().keySet())
        .startsWith("rbr_identity.weight", "rbr_identity.bias")
        .endsWith("rbr_1x1.bn.running_mean", "rbr_1x1.bn.running_var");
  }

  @Test
  void aFileThatIsNotAZipIsReportedByName() throws IOException {
    Path f = Files.writeString(tmp.resolve("notes.npz"), "this is not a zip archive at all");
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("'notes.npz' is not a readable .npz file")
        .hasMessageContaining("truncated, or not an .npz file at all");
  }

  @Test
  void aTruncatedFileIsReportedByName() throws IOException {
    byte[] whole = Files.readAllBytes(Golden.file("repvgg_k3_c8_id_f32.npz"));
    Path f = Files.write(tmp.resolve("cut.npz"), Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("'cut.npz' is not a readable .npz file");
  }

  @Test
  void aTruncatedEntryNamesTheEntryAndTheMissingBytes() throws IOException {
    byte[] npy =
        NpyBytes.npy(
            NpyBytes.dict("<f4", false, "(8,)"), NpyBytes.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3));
    Path f = NpyBytes.npz(tmp.resolve("short.npz"), "bn.weight.npy", npy);
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessage(
            "Entry 'bn.weight' of 'short.npz' is truncated: its header announces float32 [8]"
                + " (32 bytes of data) but only 12 bytes follow.");
  }

  @Test
  void aCutOffHeaderIsReported() throws IOException {
    byte[] npy = NpyBytes.npy(NpyBytes.dict("<f4", false, "(8,)"), new byte[0]);
    Path f = NpyBytes.npz(tmp.resolve("h.npz"), "w.npy", Arrays.copyOf(npy, 30));
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessage("Entry 'w' of 'h.npz' is truncated: its header is cut off.");
  }

  @Test
  void fortranOrderIsRejectedWithAFix() throws IOException {
    byte[] npy =
        NpyBytes.npy(
            NpyBytes.dict("<f4", true, "(2, 2)"),
            NpyBytes.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4));
    Path f = NpyBytes.npz(tmp.resolve("f.npz"), "w.npy", npy);
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("Entry 'w' of 'f.npz' is stored in Fortran (column-major) order")
        .hasMessageContaining("numpy.ascontiguousarray");
  }

  @Test
  void float16IsAnUnsupportedTypeNamedInWords() throws IOException {
    byte[] npy = NpyBytes.npy(NpyBytes.dict("<f2", false, "(2,)"), new byte[4]);
    Path f = NpyBytes.npz(tmp.resolve("half.npz"), "w.npy", npy);
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("Entry 'w' of 'half.npz' holds float16 values ('<f2')")
        .hasMessageContaining("float32, float64, int32 and int64");
  }

  @Test
  void structuredArraysAreRejected() throws IOException {
    byte[] npy =
        NpyBytes.npy(
            "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    Path f = NpyBytes.npz(tmp.resolve("rec.npz"), "w.npy", npy);
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("Entry 'w' of 'rec.npz' holds a structured (record) array");
  }

  @Test
  void int64ArraysAreKeptAsIntegers() throws Exception {
    byte[] npy = NpyBytes.npy(NpyBytes.dict("<i8", false, "(3,)"), NpyBytes.longs(7, -1, 42));
    NpzArchive a = NpzReader.read(NpyBytes.npz(tmp.resolve("i.npz"), "idx.npy", npy));
    INDArray v = a.arrays().get("idx");
    assertThat(v.dataType().isIntType()).isTrue();
    assertThat(v.dataType().width()).isEqualTo(8);
    assertThat(v.toLongVector()).containsExactly(7, -1, 42);
  }

  @Test
  void bigEndianFloatsAreReadInTheirOrder() throws Exception {
    byte[] npy =
        NpyBytes.npy(
            NpyBytes.dict(">f4", false, "(2, 3)"),
            NpyBytes.floats(ByteOrder.BIG_ENDIAN, 1.5f, -2, 3, 4, 5, 6.25f));
    NpzArchive a = NpzReader.read(NpyBytes.npz(tmp.resolve("be.npz"), "w.npy", npy));
    INDArray w = a.arrays().get("w");
    assertThat(w.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(w.shape()).containsExactly(2, 3);
    assertThat(w.getDouble(0, 0)).isCloseTo(1.5, within(0.0));
    assertThat(w.getDouble(0, 1)).isCloseTo(-2.0, within(0.0));
    assertThat(w.getDouble(1, 2)).isCloseTo(6.25, within(0.0));
  }

  @Test
  void anEntryThatIsNotNpyIsReported() throws IOException {
    Path f = NpyBytes.npz(tmp.resolve("odd.npz"), "readme.txt", new byte[] {'h', 'i'});
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("'odd.npz' holds 'readme.txt', which is not an .npy array");
  }

  @Test
  void anEntryWithoutTheNumpyMagicIsReported() throws IOException {
    Path f = NpyBytes.npz(tmp.resolve("m.npz"), "w.npy", "plain text, no magic".getBytes());
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessage(
            "Entry 'w' of 'm.npz' is not an .npy array (it doesn't start with the NumPy magic).");
  }

  @Test
  void aMissingFileIsReportedWithItsPath() {
    Path f = tmp.resolve("nowhere.npz");
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessage("The weight file '" + f + "' doesn't exist.");
  }
}
