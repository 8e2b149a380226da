package dev.replens.engine.fuzz;

import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.engine.samples.SampleCatalog;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;

/**
 * The valid inputs the fuzz cases are made from: the bundled designs, lessons and weights, and
 * small IDX files and images made here.
 */
public final class Seeds {

  private Seeds() {}

  private static byte[] resource(String name) {
    try (InputStream in = Seeds.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every bundled design file, as written. */
  public static List<byte[]> designs() {
    return SampleCatalog.list().stream().map(s -> resource(s.resource())).toList();
  }

  /**
   * Checkpoints as PyTorch and safetensors write them, made by {@code
   * tools/checkpoint/make_checkpoints.py} with torch 1.13.
   */
  public static List<byte[]> checkpoints(String... names) {
    return java.util.Arrays.stream(names).map(n -> resource("checkpoint/" + n)).toList();
  }

  /** Every bundled lesson file, as written. */
  public static List<byte[]> lessons() {
    return LessonCatalog.list().stream().map(e -> resource(e.resource())).toList();
  }

  /**
   * {@code .npz} archives as entry lists (name → {@code .npy} bytes): the bundled sample weights
   * and a few made here that hold every element type RepLens reads, a big-endian array, a 0-d
   * counter and an empty array.
   */
  public static List<Map<String, byte[]>> npz() {
    List<Map<String, byte[]>> out = new ArrayList<>();
    for (String w : List.of("repvgg-shapes.npz", "acnet-shapes.npz", "dbb-shapes.npz")) {
      out.add(entries(resource(SampleCatalog.ROOT + "weights/" + w)));
    }
    Map<String, byte[]> mixed = new LinkedHashMap<>();
    mixed.put("w.npy", npy("<f4", "(2, 3)", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6)));
    mixed.put("d.npy", npy("<f8", "(3,)", doubles(0.5, -1, 2)));
    mixed.put("big.npy", npy(">f4", "(2,)", floats(ByteOrder.BIG_ENDIAN, 7, 8)));
    mixed.put("i.npy", npy("<i4", "(2,)", ints(3, 4)));
    mixed.put("num_batches_tracked.npy", npy("<i8", "()", longs(12)));
    mixed.put("empty.npy", npy("<f4", "(0, 3)", new byte[0]));
    out.add(mixed);
    return out;
  }

  /**
   * The entries of a zip that {@link ZipInputStream} can't stream: {@code torch.save} stores
   * entries uncompressed with data descriptors, which only the central directory describes.
   */
  static Map<String, byte[]> storedEntries(byte[] zip) {
    try {
      java.nio.file.Path tmp = java.nio.file.Files.createTempFile("replens-seed", ".zip");
      try {
        java.nio.file.Files.write(tmp, zip);
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(tmp.toFile())) {
          for (ZipEntry e : z.stream().toList()) {
            try (InputStream in = z.getInputStream(e)) {
              out.put(e.getName(), in.readAllBytes());
            }
          }
        }
        return out;
      } finally {
        java.nio.file.Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, byte[]> entries(byte[] zip) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** An {@code .npy} as numpy writes it: NumPy 1.0 header padded to 64 bytes, then the data. */
  public static byte[] npy(String descr, String shape, byte[] data) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    String text = dict + " ".repeat((64 - total % 64) % 64) + "\n";
    byte[] h = text.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length);
    return b.put(h).put(data).array();
  }

  static byte[] floats(ByteOrder order, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  static byte[] doubles(double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double d : v) {
      b.putDouble(d);
    }
    return b.array();
  }

  static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  /** An IDX image file of {@code n} images, {@code rows × cols}. */
  public static byte[] idxImages(int n, int rows, int cols) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(b)) {
      o.writeInt(0x00000803);
      o.writeInt(n);
      o.writeInt(rows);
      o.writeInt(cols);
      for (int i = 0; i < n * rows * cols; i++) {
        o.writeByte(i * 37 % 256);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /** An IDX label file of {@code n} labels, {@code i mod 10}. */
  public static byte[] idxLabels(int n) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream o = new DataOutputStream(b)) {
      o.writeInt(0x00000801);
      o.writeInt(n);
      for (int i = 0; i < n; i++) {
        o.writeByte(i % 10);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /** Small images in every format an image folder may hold, by file extension. */
  public static Map<String, byte[]> images() {
    BufferedImage img = new BufferedImage(6, 5, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(1, 1, 3, 2);
    g.dispose();
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String format : List.of("png", "bmp", "gif", "jpg")) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try {
        if (!ImageIO.write(img, format, b)) {
          throw new IllegalStateException("no " + format + " writer");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.put(format, b.toByteArray());
    }
    return out;
  }
}
