package dev.replens.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MNIST-style IDX folders (plain and gzipped) and image folders written to a temporary directory;
 * broken files are reported with their path and what is wrong.
 */
class LoaderTest {

  @TempDir Path dir;

  private static byte[] idxImages(int n, int rows, int cols) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(b);
    o.writeInt(0x00000803);
    o.writeInt(n);
    o.writeInt(rows);
    o.writeInt(cols);
    for (int i = 0; i < n * rows * cols; i++) {
      o.writeByte(i % 256);
    }
    return b.toByteArray();
  }

  private static byte[] idxLabels(int n) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(b);
    o.writeInt(0x00000801);
    o.writeInt(n);
    for (int i = 0; i < n; i++) {
      o.writeByte(i % 10);
    }
    return b.toByteArray();
  }

  private static void gz(Path p, byte[] data) throws IOException {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
      o.write(data);
    }
  }

  @Test
  void readsGzippedAndPlainIdxFiles() throws Exception {
    Path mnist = Files.createDirectory(dir.resolve("fashion-mnist"));
    gz(mnist.resolve("train-images-idx3-ubyte.gz"), idxImages(20, 4, 3));
    Files.write(mnist.resolve("train-labels-idx1-ubyte"), idxLabels(20));
    gz(mnist.resolve("t10k-images-idx3-ubyte.gz"), idxImages(5, 4, 3));
    gz(mnist.resolve("t10k-labels-idx1-ubyte.gz"), idxLabels(5));
    DatasetSplit s = DataSources.open(mnist.toString(), DataSources.Options.defaults(1));
    assertThat(s.train().size()).isEqualTo(20);
    assertThat(s.validation().size()).isEqualTo(5);
    assertThat(s.train().height()).isEqualTo(4);
    assertThat(s.train().width()).isEqualTo(3);
    assertThat(s.train().label(7)).isEqualTo(7);
    assertThat(s.train().image(0)[5]).isEqualTo(5 / 255f);
    assertThat(s.train().classNames()).startsWith("T-shirt/top");
  }

  @Test
  void withoutATestPairTheTrainingSetIsSplit() throws Exception {
    Path mnist = Files.createDirectory(dir.resolve("mnist"));
    Files.write(mnist.resolve("train-images-idx3-ubyte"), idxImages(50, 2, 2));
    Files.write(mnist.resolve("train-labels-idx1-ubyte"), idxLabels(50));
    DatasetSplit s = MnistFolder.load(mnist, 0.2, 3);
    assertThat(s.train().size()).isEqualTo(40);
    assertThat(s.validation().size()).isEqualTo(10);
    assertThat(s.train().classNames()).startsWith("0", "1");
  }

  @Test
  void aTruncatedIdxFileIsReportedWithItsPath() throws Exception {
    byte[] full = idxImages(10, 4, 4);
    Path p = dir.resolve("train-images-idx3-ubyte");
    Files.write(p, java.util.Arrays.copyOf(full, full.length - 7));
    assertThatThrownBy(() -> IdxFiles.readImages(p))
        .isInstanceOf(DataLoadException.class)
        .hasMessageStartingWith(p.toString())
        .hasMessageContaining("truncated")
        .hasMessageContaining("153 follow");
  }

  @Test
  void aFileThatIsNotIdxIsReported() throws Exception {
    Path p = dir.resolve("train-labels-idx1-ubyte");
    Files.writeString(p, "hello, world");
    assertThatThrownBy(() -> IdxFiles.readLabels(p))
        .isInstanceOf(DataLoadException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContaining("not an IDX file");
  }

  @Test
  void labelAndImageCountsMustAgree() throws Exception {
    Path mnist = Files.createDirectory(dir.resolve("m"));
    Files.write(mnist.resolve("train-images-idx3-ubyte"), idxImages(10, 2, 2));
    Files.write(mnist.resolve("train-labels-idx1-ubyte"), idxLabels(9));
    assertThatThrownBy(() -> MnistFolder.load(mnist, 0.1, 1))
        .isInstanceOf(DataLoadException.class)
        .hasMessageContaining("train-labels-idx1-ubyte")
        .hasMessageContaining("9 labels but train-images-idx3-ubyte has 10 images");
  }

  private static void png(Path p, Color c) throws IOException {
    BufferedImage img = new BufferedImage(10, 6, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, 10, 6);
    g.dispose();
    ImageIO.write(img, "png", p.toFile());
  }

  @Test
  void readsAnImageFolderResizedWithOneClassPerSubfolder() throws Exception {
    Path root = Files.createDirectory(dir.resolve("pets"));
    Path cats = Files.createDirectory(root.resolve("cats"));
    Path dogs = Files.createDirectory(root.resolve("dogs"));
    for (int i = 0; i < 5; i++) {
      png(cats.resolve("c" + i + ".png"), Color.RED);
      png(dogs.resolve("d" + i + ".png"), Color.BLUE);
    }
    Files.writeString(dogs.resolve("notes.txt"), "ignored");
    Dataset d = ImageFolder.load(root, 8, 3);
    assertThat(d.size()).isEqualTo(10);
    assertThat(d.classNames()).containsExactly("cats", "dogs");
    assertThat(d.height()).isEqualTo(8);
    float[] cat = d.image(0);
    assertThat(cat[0]).isEqualTo(1f);
    assertThat(cat[64 * 2]).isEqualTo(0f);
    assertThat(d.label(9)).isEqualTo(1);
    Dataset gray = ImageFolder.load(root, 4, 1);
    assertThat(gray.image(0)[0]).isCloseTo(0.299f, org.assertj.core.data.Offset.offset(1e-3f));
  }

  @Test
  void anUnreadableImageIsReportedWithItsPath() throws Exception {
    Path root = Files.createDirectory(dir.resolve("broken"));
    Path a = Files.createDirectory(root.resolve("a"));
    Path b = Files.createDirectory(root.resolve("b"));
    png(a.resolve("ok.png"), Color.GREEN);
    Path bad = b.resolve("bad.png");
    Files.writeString(bad, "this is not a PNG");
    assertThatThrownBy(() -> ImageFolder.load(root, 8, 1))
        .isInstanceOf(DataLoadException.class)
        .hasMessageStartingWith(bad.toString())
        .hasMessageContaining("not an image");
  }

  @Test
  void aFolderWithoutDataIsReported() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThatThrownBy(() -> DataSources.open(empty.toString(), DataSources.Options.defaults(1)))
        .isInstanceOf(DataLoadException.class)
        .hasMessageContaining("neither MNIST-style IDX files");
    assertThatThrownBy(
            () -> DataSources.open(dir.resolve("nope").toString(), DataSources.Options.defaults(1)))
        .hasMessageContaining("does not exist");
  }
}
