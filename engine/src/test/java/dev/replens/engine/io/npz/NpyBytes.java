package dev.replens.engine.io.npz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hand-made {@code .npy} entries and {@code .npz} files for reader tests, written independently of
 * the code under test: the header text is spelled out as numpy writes it.
 */
final class NpyBytes {

  private NpyBytes() {}

  /** An {@code .npy} with the given header dict text and raw data. */
  static byte[] npy(String dict, byte[] data) {
    String text = dict;
    int total = 10 + text.length() + 1;
    text = text + " ".repeat((64 - total % 64) % 64) + "\n";
    byte[] header = text.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length);
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length).put(header).put(data);
    return b.array();
  }

  /** A header dict as numpy writes it. */
  static String dict(String descr, boolean fortran, String shape) {
    return "{'descr': '"
        + descr
        + "', 'fortran_order': "
        + (fortran ? "True" : "False")
        + ", 'shape': "
        + shape
        + ", }";
  }

  /** Floats in the given byte order. */
  static byte[] floats(ByteOrder order, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  /** Longs, little-endian. */
  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  /** A zip of entries (name → bytes), as numpy.savez stores them. */
  static Path npz(Path file, Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return Files.write(file, out.toByteArray());
  }

  /** A zip with one entry. */
  static Path npz(Path file, String entry, byte[] bytes) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put(entry, bytes);
    return npz(file, m);
  }
}
