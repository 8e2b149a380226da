package dev.replens.engine.io.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.memory.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code .npz} entry's header is checked against the memory budget before its data are read: a
 * forged shape is refused by its size, and a zip bomb costs no more than the data its header
 * announces.
 */
class NpzLimitsTest {

  @TempDir Path dir;

  @AfterEach
  void restoreTheBudget() {
    System.clearProperty(MemoryBudget.PROPERTY);
  }

  @Test
  void aShapeBeyondTheBudgetIsRefusedByItsSize() throws Exception {
    System.setProperty(MemoryBudget.PROPERTY, "64m");
    Path f =
        NpyBytes.npz(
            dir.resolve("huge.npz"),
            "w.npy",
            NpyBytes.npy(NpyBytes.dict("<f4", false, "(20000, 20000, 3, 3)"), new byte[64]));
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessage(
            "Entry 'w' of 'huge.npz' would take 14.4 GB (20000×20000×3×3 float32); RepLens"
                + " handles arrays up to 67.1 MB on this machine.");
  }

  @Test
  void aZipBombReadsOnlyWhatItsHeaderAnnounces() throws Exception {
    System.setProperty(MemoryBudget.PROPERTY, "64m");
    byte[] data = new byte[64 << 20]; // 64 MB of zeros after 4 floats: 64 kB deflated
    byte[] floats = NpyBytes.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4);
    System.arraycopy(floats, 0, data, 0, floats.length);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("w.npy"));
      z.write(NpyBytes.npy(NpyBytes.dict("<f4", false, "(4,)"), data));
      z.closeEntry();
    }
    Path f = Files.write(dir.resolve("bomb.npz"), zip.toByteArray());
    var a = NpzReader.read(f);
    assertThat(a.arrays().get("w").toFloatVector()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void twoEntriesOfOneNameAreRefused() throws Exception {
    byte[] npy = NpyBytes.npy(NpyBytes.dict("<f4", false, "(1,)"), new byte[4]);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("w.npy", npy);
    entries.put("w.np_", npy);
    Path f = NpyBytes.npz(dir.resolve("dup.npz"), entries);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, new String(b, "ISO-8859-1").replace("w.np_", "w.npy").getBytes("ISO-8859-1"));
    assertThatThrownBy(() -> NpzReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessage(
            "'dup.npz' holds two entries named 'w.npy'; an .npz file holds each array once.");
  }

  @Test
  void anOversizedHeaderAndTooManyDimensionsAreNamed() throws Exception {
    Path rank =
        NpyBytes.npz(
            dir.resolve("rank.npz"),
            "w.npy",
            NpyBytes.npy(NpyBytes.dict("<f4", false, "(" + "1, ".repeat(40) + ")"), new byte[4]));
    assertThatThrownBy(() -> NpzReader.read(rank))
        .hasMessage("Entry 'w' of 'rank.npz' has 40 dimensions; RepLens reads arrays of up to 32.");
    byte[] v2 = NpyBytes.npy(NpyBytes.dict("<f4", false, "(1,)"), new byte[4]);
    byte[] forged = new byte[v2.length + 2];
    System.arraycopy(v2, 0, forged, 0, 6);
    forged[6] = 2; // format 2.0: a 4-byte header length, here 1 GB
    forged[11] = 0x40;
    Path big = NpyBytes.npz(dir.resolve("hdr.npz"), "w.npy", forged);
    assertThatThrownBy(() -> NpzReader.read(big))
        .hasMessageStartingWith("Entry 'w' of 'hdr.npz' announces a header of 1073741824 bytes");
  }

  @Test
  void anEntryNameWithALineBreakStaysOnOneLine() throws Exception {
    Path f = NpyBytes.npz(dir.resolve("odd.npz"), "a\nb.txt", new byte[] {1});
    assertThatThrownBy(() -> NpzReader.read(f))
        .hasMessageContaining("'a\\nb.txt'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
