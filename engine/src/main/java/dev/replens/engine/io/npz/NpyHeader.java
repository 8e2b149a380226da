package dev.replens.engine.io.npz;

import dev.replens.engine.io.MessageText;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of one {@code .npy} array (NumPy format 1.0–3.0): the magic {@code \x93NUMPY}, a
 * version, a little-endian header length and a Python dict literal such as
 *
 * <pre>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (8, 4, 3, 3), }</pre>
 *
 * padded with spaces and a newline. The raw data follow at {@link #dataOffset}.
 *
 * @param descr the numpy type code, e.g. {@code <f4}
 * @param fortranOrder whether the data are column-major
 * @param shape the shape; empty for a 0-d array
 * @param dataOffset the byte offset of the data (0 for a header built to be written)
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape, int dataOffset) {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"])([^'\"]*)\\1");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  /** Bytes enough to know a header's length: magic, version and the longest length field. */
  static final int PREFIX = 12;

  /** The longest header RepLens reads; numpy writes a few hundred bytes. */
  static final int MAX_HEADER = 1 << 16;

  /** The most dimensions an array may have (ND4J's limit). */
  static final int MAX_RANK = 32;

  NpyHeader {
    shape = shape.clone();
  }

  /**
   * Where the data start, from the first {@link #PREFIX} bytes of an {@code .npy} (fewer if the
   * entry is shorter).
   *
   * @throws NpyFormatException if the bytes are not the start of an {@code .npy}, or announce a
   *     header longer than {@link #MAX_HEADER}
   */
  static int headerEnd(byte[] prefix) throws NpyFormatException {
    if (prefix.length < 10 || !Arrays.equals(Arrays.copyOf(prefix, MAGIC.length), MAGIC)) {
      throw new NpyFormatException("is not an .npy array (it doesn't start with the NumPy magic)");
    }
    int major = prefix[6] & 0xff;
    ByteBuffer bb = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN);
    long length;
    int start;
    if (major == 1) {
      length = bb.getShort(8) & 0xffff;
      start = 10;
    } else if (major == 2 || major == 3) {
      if (prefix.length < 12) {
        throw new NpyFormatException("is truncated: its header is cut off");
      }
      length = bb.getInt(8) & 0xffffffffL;
      start = 12;
    } else {
      throw new NpyFormatException(
          "uses .npy format version " + major + ", which RepLens doesn't know (1 to 3 are read)");
    }
    if (length > MAX_HEADER) {
      throw new NpyFormatException(
          "announces a header of "
              + length
              + " bytes; an .npy header takes a few hundred (RepLens reads up to "
              + MAX_HEADER
              + ")");
    }
    return (int) (start + length);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A header for writing a C-order array. */
  static NpyHeader forWriting(NpyType type, long[] shape) {
    return new NpyHeader(type.descr(), false, shape, 0);
  }

  /** The number of elements: the product of the shape (1 for a 0-d array). */
  long count() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Parses the header at the start of an {@code .npy} byte array.
   *
   * @throws NpyFormatException if the bytes are not an {@code .npy} header, described in words
   */
  static NpyHeader parse(byte[] bytes) throws NpyFormatException {
    int end = headerEnd(Arrays.copyOf(bytes, Math.min(bytes.length, PREFIX)));
    int major = bytes[6] & 0xff;
    int start = major == 1 ? 10 : 12;
    long headerLength = end - start;
    if (end > bytes.length) {
      throw new NpyFormatException("is truncated: its header is cut off");
    }
    String text =
        new String(
            bytes,
            start,
            (int) headerLength,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(text);
    Matcher f = FORTRAN.matcher(text);
    Matcher s = SHAPE.matcher(text);
    if (!d.find()) {
      throw new NpyFormatException(
          text.contains("descr")
              ? "holds a structured (record) array, not a plain numeric array: "
                  + MessageText.clip(text.strip())
              : "has a malformed header (no 'descr'): " + MessageText.clip(text.strip()));
    }
    if (!f.find() || !s.find()) {
      throw new NpyFormatException("has a malformed header: " + MessageText.clip(text.strip()));
    }
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      String p = part.strip();
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1); // Python 2 longs
      }
      if (p.isEmpty()) {
        continue;
      }
      try {
        long v = Long.parseLong(p);
        if (v < 0) {
          throw new NumberFormatException(p);
        }
        dims.add(v);
      } catch (NumberFormatException e) {
        throw new NpyFormatException(
            "has a malformed shape '(" + MessageText.clip(s.group(1)) + ")' in its header", e);
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    return new NpyHeader(
        d.group(2), f.group(1).equals("True"), shape, (int) (start + headerLength));
  }

  /**
   * The header as NumPy 1.0 bytes, padded with spaces so that the data start at a multiple of 64
   * bytes, as numpy itself writes it.
   */
  byte[] encode() {
    StringBuilder dims = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      dims.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    dims.append(shape.length == 1 ? ",)" : ")");
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortranOrder ? "True" : "False")
            + ", 'shape': "
            + dims
            + ", }";
    int unpadded = MAGIC.length + 4 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    String text = dict + " ".repeat(total - unpadded) + "\n";
    byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) t.length).put(t);
    return out.array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyHeader h
        && h.descr.equals(descr)
        && h.fortranOrder == fortranOrder
        && Arrays.equals(h.shape, shape)
        && h.dataOffset == dataOffset;
  }

  @Override
  public int hashCode() {
    return descr.hashCode() * 31 + Arrays.hashCode(shape) + dataOffset;
  }

  @Override
  public String toString() {
    return descr + Arrays.toString(shape) + (fortranOrder ? " F" : "");
  }

  /** A malformed {@code .npy} entry; the message completes "entry 'x' of 'y.npz' ...". */
  static final class NpyFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    NpyFormatException(String message) {
      super(message);
    }

    NpyFormatException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
