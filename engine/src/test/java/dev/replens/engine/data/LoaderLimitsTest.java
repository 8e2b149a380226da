package dev.replens.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.memory.MemoryBudget;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files and image folders that announce more than the budget are refused before reading. */
class LoaderLimitsTest {

  @TempDir Path dir;

  @AfterEach
  void restoreTheBudget() {
    System.clearProperty(MemoryBudget.PROPERTY);
  }

  private static byte[] idxHeader(int magic, int... dims) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(b);
    o.writeInt(magic);
    for (int d : dims) {
      o.writeInt(d);
    }
    o.write(new byte[16]);
    return b.toByteArray();
  }

  @Test
  void idxSizesBeyondTheBudgetAreNamed() throws Exception {
    System.setProperty(MemoryBudget.PROPERTY, "64m");
    Path f =
        Files.write(dir.resolve("train-images-idx3-ubyte"), idxHeader(0x803, 60000, 1000, 1000));
    assertThatThrownBy(() -> IdxFiles.readImages(f))
        .isInstanceOf(DataLoadException.class)
        .hasMessage(
            f
                + ": its images would take 240.0 GB (60000×1000×1000 float32); RepLens handles data"
                + " sets up to 67.1 MB on this machine");
  }

  @Test
  void aLabelFileThatPromisesMoreThanItHoldsIsTruncatedNotAllocated() throws Exception {
    Path f = Files.write(dir.resolve("labels"), idxHeader(0x801, 100_000_000));
    assertThatThrownBy(() -> IdxFiles.readLabels(f))
        .hasMessage(
            f + ": is truncated: its header promises 100000000 data bytes but only 16 follow");
  }

  @Test
  void testImagesOfAnotherSizeThanTheTrainingImagesAreNamed() throws Exception {
    Path m = Files.createDirectory(dir.resolve("mnist"));
    Files.write(m.resolve("train-images-idx3-ubyte"), images(4, 3, 3));
    Files.write(m.resolve("train-labels-idx1-ubyte"), labels(4));
    Files.write(m.resolve("t10k-images-idx3-ubyte"), images(2, 3, 2));
    Files.write(m.resolve("t10k-labels-idx1-ubyte"), labels(2));
    assertThatThrownBy(() -> MnistFolder.load(m, 0.2, 1))
        .isInstanceOf(DataLoadException.class)
        .hasMessageEndingWith(
            "t10k-images-idx3-ubyte: holds 3×2 images but train-images-idx3-ubyte holds 3×3;"
                + " the test images must have the training images' size");
  }

  private static byte[] images(int n, int rows, int cols) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(b);
    o.writeInt(0x803);
    o.writeInt(n);
    o.writeInt(rows);
    o.writeInt(cols);
    o.write(new byte[n * rows * cols]);
    return b.toByteArray();
  }

  private static byte[] labels(int n) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(b);
    o.writeInt(0x801);
    o.writeInt(n);
    o.write(new byte[n]);
    return b.toByteArray();
  }

  @Test
  void anImageWhoseHeaderAnnouncesGigapixelsIsRefusedBeforeDecoding() throws Exception {
    System.setProperty(MemoryBudget.PROPERTY, "64m");
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png);
    byte[] b = png.toByteArray();
    ByteBuffer.wrap(b).putInt(16, 100_000).putInt(20, 100_000);
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17);
    ByteBuffer.wrap(b).putInt(29, (int) crc.getValue());
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Path big = Files.write(dir.resolve("a/big.png"), b);
    Files.write(dir.resolve("b/ok.png"), png.toByteArray());
    assertThatThrownBy(() -> ImageFolder.load(dir, 8, 3))
        .isInstanceOf(DataLoadException.class)
        .hasMessage(
            big
                + ": is 100000×100000 pixels; decoded, it would take 80.0 GB (100000×100000"
                + " pixels); RepLens handles images up to 67.1 MB on this machine");
  }

  @Test
  void aDamagedImageIsNamedNotThrown() throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png);
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    byte[] cut = java.util.Arrays.copyOf(png.toByteArray(), 40);
    Files.write(dir.resolve("a/cut.png"), cut);
    Files.write(dir.resolve("b/ok.png"), png.toByteArray());
    assertThatThrownBy(() -> ImageFolder.load(dir, 8, 3))
        .isInstanceOf(DataLoadException.class)
        .hasMessageContaining("cut.png");
    assertThat(ImageFolder.looksLikeImageFolder(dir)).isTrue();
  }
}
