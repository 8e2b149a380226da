package dev.replens.engine.io.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.io.Golden;
import dev.replens.engine.io.WeightFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writing {@code .npz}: small arrays ({@code [2, 3, 1, 2]} float32, {@code [5]} float64, {@code [2,
 * 2]} int64, a 0-d float32) and a whole golden state dict, read back with {@link NpzReader}.
 */
class NpzWriterTest {

  @TempDir Path tmp;

  @Test
  void roundTripKeepsNamesOrderShapesTypesAndValues() throws Exception {
    Map<String, INDArray> in = new LinkedHashMap<>();
    in.put("conv.weight", Nd4j.linspace(DataType.FLOAT, -1.5, 0.25, 12).reshape(2, 3, 1, 2));
    in.put("bn.running_var", Nd4j.createFromArray(0.1, 1.0 / 3, 2.0, 1e-300, -7.0));
    in.put("index", Nd4j.createFromArray(new long[][] {{1, 2}, {3, Long.MAX_VALUE}}));
    in.put("bn.num_batches_tracked", Nd4j.scalar(3.0f));
    Path f = tmp.resolve("round.npz");
    NpzWriter.write(f, in);
    NpzArchive out = NpzReader.read(f);
    assertThat(out.arrays().keySet()).containsExactly("conv.weight", "bn.running_var", "index");
    assertThat(out.scalars()).containsExactly("bn.num_batches_tracked");
    for (String k : out.arrays().keySet()) {
      INDArray a = in.get(k);
      INDArray b = out.arrays().get(k);
      assertThat(b.shape()).as(k).isEqualTo(a.shape());
      assertThat(NpyType.of(b.dataType())).as(k).isEqualTo(NpyType.of(a.dataType()));
      assertThat(b.dup().data().asDouble()).as(k).isEqualTo(a.dup().data().asDouble());
    }
    assertThat(out.arrays().get("index").getLong(1, 1)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void entriesAreStoredNpyFilesWithA64ByteAlignedHeader() throws Exception {
    Path f = tmp.resolve("layout.npz");
    NpzWriter.write(f, Map.of("w", Nd4j.ones(DataType.DOUBLE, 8)));
    try (ZipFile z = new ZipFile(f.toFile())) {
      ZipEntry e = z.getEntry("w.npy");
      assertThat(e.getMethod()).isEqualTo(ZipEntry.STORED);
      byte[] b = z.getInputStream(e).readAllBytes();
      int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
      assertThat((10 + headerLen) % 64).isZero();
      String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
      assertThat(header).startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (8,), }");
      assertThat(header).endsWith("\n");
      assertThat(b.length).isEqualTo(10 + headerLen + 8 * 8);
    }
  }

  @Test
  void aGoldenStateDictSurvivesARoundTrip() throws Exception {
    NpzArchive a = NpzReader.read(Golden.file("orepa_k5_c8_dw_f64.npz"));
    Path f = tmp.resolve("copy.npz");
    NpzWriter.write(f, a.arrays());
    NpzArchive b = NpzReader.read(f);
    assertThat(b.arrays().keySet()).containsExactlyElementsOf(a.arrays().keySet());
    a.arrays().forEach((k, v) -> assertThat(b.arrays().get(k)).as(k).isEqualTo(v));
  }

  @Test
  void overwritingLeavesNoTemporaryFileBehind() throws Exception {
    Path f = tmp.resolve("twice.npz");
    NpzWriter.write(f, Map.of("a", Nd4j.ones(DataType.FLOAT, 2)));
    NpzWriter.write(f, Map.of("b", Nd4j.zeros(DataType.FLOAT, 3)));
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("twice.npz");
    }
    assertThat(NpzReader.read(f).arrays().keySet()).containsExactly("b");
  }

  @Test
  void aMissingFolderIsReportedByName() {
    Path f = tmp.resolve("no/such/dir/out.npz");
    assertThatThrownBy(() -> NpzWriter.write(f, Map.of("a", Nd4j.ones(DataType.FLOAT, 2))))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("Can't write '" + f + "'")
        .hasMessageContaining("doesn't exist");
  }

  @Test
  void unsupportedTypesAreRefusedBeforeAnythingIsWritten() {
    Path f = tmp.resolve("bad.npz");
    INDArray half = Nd4j.ones(DataType.FLOAT16, 2);
    assertThatThrownBy(() -> NpzWriter.write(f, Map.of("h", half)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'h'");
    assertThat(Files.exists(f)).isFalse();
  }
}
