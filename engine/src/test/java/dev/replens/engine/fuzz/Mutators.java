package dev.replens.engine.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * The mutators the fuzz targets draw from: blind byte-level damage, and format-aware damage for
 * JSON (designs, lessons), {@code .npy} headers, IDX headers and image headers. Each targets one
 * kind of trouble a stranger's file can bring: flipped bits, truncation, huge or negative
 * dimensions, NaN and infinity, wrong types, duplicated keys, deep nesting, invalid UTF-8.
 */
public final class Mutators {

  private Mutators() {}

  // ---------------------------------------------------------------- blind

  /** Byte-level damage that knows nothing of the format. */
  public static List<Mutator> blind() {
    return List.of(
        Mutator.of("bytes:flip-bits", Mutators::flipBits),
        Mutator.of("bytes:interesting", Mutators::interestingBytes),
        Mutator.of("bytes:truncate", Mutators::truncate),
        Mutator.of("bytes:delete-range", Mutators::deleteRange),
        Mutator.of("bytes:duplicate-range", Mutators::duplicateRange),
        Mutator.of("bytes:insert-random", Mutators::insertRandom),
        Mutator.of("bytes:invalid-utf8", Mutators::invalidUtf8),
        Mutator.of("bytes:header-int", Mutators::headerInt));
  }

  static byte[] flipBits(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    byte[] out = in.clone();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      int p = r.nextInt(out.length);
      out[p] ^= (byte) (1 << r.nextInt(8));
    }
    return out;
  }

  private static final byte[] INTERESTING = {
    0,
    (byte) 0xFF,
    0x7F,
    (byte) 0x80,
    1,
    '"',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '\\',
    '9',
    '-',
    '.',
    '\n'
  };

  static byte[] interestingBytes(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    byte[] out = in.clone();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      out[r.nextInt(out.length)] = INTERESTING[r.nextInt(INTERESTING.length)];
    }
    return out;
  }

  static byte[] truncate(byte[] in, SplittableRandom r) {
    return in.length == 0 ? in : Arrays.copyOf(in, r.nextInt(in.length));
  }

  static byte[] deleteRange(byte[] in, SplittableRandom r) {
    if (in.length < 2) {
      return in;
    }
    int a = r.nextInt(in.length);
    int len = 1 + r.nextInt(Math.min(64, in.length - a));
    byte[] out = new byte[in.length - len];
    System.arraycopy(in, 0, out, 0, a);
    System.arraycopy(in, a + len, out, a, in.length - a - len);
    return out;
  }

  static byte[] duplicateRange(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    int a = r.nextInt(in.length);
    int len = 1 + r.nextInt(Math.min(256, in.length - a));
    return splice(in, a, Arrays.copyOfRange(in, a, a + len));
  }

  static byte[] insertRandom(byte[] in, SplittableRandom r) {
    byte[] junk = new byte[1 + r.nextInt(16)];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) r.nextInt(256);
    }
    return splice(in, in.length == 0 ? 0 : r.nextInt(in.length + 1), junk);
  }

  private static final byte[][] BAD_UTF8 = {
    {(byte) 0xC3, 0x28}, // a lead byte without its continuation
    {(byte) 0xFF},
    {(byte) 0x80}, // a lone continuation byte
    {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
    {(byte) 0xF0, (byte) 0x9F}, // a cut-off 4-byte sequence
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}
  };

  /** Inserts an invalid UTF-8 sequence, preferably inside a JSON string. */
  static byte[] invalidUtf8(byte[] in, SplittableRandom r) {
    byte[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
    List<Integer> quotes = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '"') {
        quotes.add(i + 1);
      }
    }
    int at =
        !quotes.isEmpty() && r.nextInt(4) > 0
            ? quotes.get(r.nextInt(quotes.size()))
            : in.length == 0 ? 0 : r.nextInt(in.length + 1);
    return splice(in, at, bad);
  }

  private static final long[] INTERESTING_INTS = {
    0, 1, -1, 2, 255, 256, 65535, 65536, 20000, 100000, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL
  };

  /** Writes an interesting 16- or 32-bit value, in either byte order, into the first 64 bytes. */
  static byte[] headerInt(byte[] in, SplittableRandom r) {
    if (in.length < 4) {
      return in;
    }
    byte[] out = in.clone();
    int width = r.nextBoolean() ? 2 : 4;
    int p = r.nextInt(Math.min(64, out.length - width + 1));
    long v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
    ByteBuffer b =
        ByteBuffer.wrap(out)
            .order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    if (width == 2) {
      b.putShort(p, (short) v);
    } else {
      b.putInt(p, (int) v);
    }
    return out;
  }

  static byte[] splice(byte[] in, int at, byte[] insert) {
    byte[] out = new byte[in.length + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at, out, at + insert.length, in.length - at);
    return out;
  }

  // ---------------------------------------------------------------- JSON

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARK = "@@fuzz@@";
  private static final String DUP = "@@dupkey@@";

  /**
   * Raw JSON texts put in place of a value: numbers that overflow, wrong types, tokens JSON lacks.
   */
  private static final String[] RAW_VALUES = {
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999999999999999",
    "20000",
    "65536",
    "-1",
    "0",
    "-0",
    "0.5",
    "3",
    "8",
    "1e5",
    "0012",
    "\"\"",
    "\" \"",
    "\"a\\nb\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\x41\"",
    "\"post\"",
    "\"a.b\"",
    "\"conv\"",
    "\"bn\"",
    "\"relu\"",
    "true",
    "null",
    "{}",
    "[]",
    "[1, 2]",
    "{\"a\": 1}",
    "[[[[1]]]]"
  };

  /** Format-aware damage for JSON documents. */
  public static List<Mutator> json() {
    return List.of(
        Mutator.of("json:raw-value", (in, r) -> jsonReplace(in, r, rawValue(r))),
        Mutator.of("json:huge-number", (in, r) -> jsonReplace(in, r, hugeNumber(r))),
        Mutator.of("json:deep-nesting", (in, r) -> jsonReplace(in, r, deep(r))),
        Mutator.of("json:long-string", (in, r) -> jsonReplace(in, r, longString(r))),
        Mutator.of("json:duplicate-key", Mutators::jsonDuplicateKey),
        Mutator.of("json:remove-field", (in, r) -> jsonEdit(in, r, Edit.REMOVE)),
        Mutator.of("json:rename-field", (in, r) -> jsonEdit(in, r, Edit.RENAME)),
        Mutator.of("json:add-field", (in, r) -> jsonEdit(in, r, Edit.ADD)),
        Mutator.of("json:duplicate-element", (in, r) -> jsonEdit(in, r, Edit.DUPLICATE_ELEMENT)),
        Mutator.of("json:remove-element", (in, r) -> jsonEdit(in, r, Edit.REMOVE_ELEMENT)),
        Mutator.of("json:swap-values", (in, r) -> jsonEdit(in, r, Edit.SWAP)));
  }

  private static String rawValue(SplittableRandom r) {
    return RAW_VALUES[r.nextInt(RAW_VALUES.length)];
  }

  private static String hugeNumber(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> "1e" + (300 + r.nextInt(200));
      case 1 -> Long.toString(r.nextLong());
      case 2 -> Integer.toString(r.nextInt());
      case 3 -> Integer.toString(1 + r.nextInt(100000));
      case 4 -> "1" + "0".repeat(r.nextInt(2000));
      default -> Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
    };
  }

  private static String deep(SplittableRandom r) {
    int[] depths = {2, 50, 999, 1001, 5000, 100000};
    int d = depths[r.nextInt(depths.length)];
    if (r.nextBoolean()) {
      return "[".repeat(d) + "]".repeat(d);
    }
    return "{\"a\":".repeat(d) + "1" + "}".repeat(d);
  }

  private static String longString(SplittableRandom r) {
    return "\"" + "x".repeat(1 << (8 + r.nextInt(9))) + "\"";
  }

  /** A slot holding a value: a field of an object or an element of an array. */
  private record Slot(JsonNode container, String field, int index) {
    JsonNode get() {
      return field != null ? container.get(field) : container.get(index);
    }

    void set(JsonNode v) {
      if (field != null) {
        ((ObjectNode) container).set(field, v);
      } else {
        ((ArrayNode) container).set(index, v);
      }
    }
  }

  private static void slots(JsonNode n, List<Slot> out) {
    if (n.isObject()) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        out.add(new Slot(n, f, -1));
        slots(n.get(f), out);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.add(new Slot(n, null, i));
        slots(n.get(i), out);
      }
    }
  }

  private static JsonNode tree(byte[] in) {
    try {
      return JSON.readTree(in);
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Replaces one value anywhere in the document with raw JSON text. */
  static byte[] jsonReplace(byte[] in, SplittableRandom r, String raw) {
    JsonNode root = tree(in);
    if (root == null) {
      return in;
    }
    List<Slot> all = new ArrayList<>();
    slots(root, all);
    if (all.isEmpty()) {
      return in;
    }
    all.get(r.nextInt(all.size())).set(TextNode.valueOf(MARK));
    return text(root.toString().replace("\"" + MARK + "\"", raw));
  }

  /** Writes one field of an object twice, the second time with another value. */
  static byte[] jsonDuplicateKey(byte[] in, SplittableRandom r) {
    JsonNode root = tree(in);
    if (root == null) {
      return in;
    }
    List<ObjectNode> objects = new ArrayList<>();
    collectObjects(root, objects);
    objects.removeIf(o -> o.size() == 0);
    if (objects.isEmpty()) {
      return in;
    }
    ObjectNode o = objects.get(r.nextInt(objects.size()));
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    String name = names.get(r.nextInt(names.size()));
    String value = r.nextBoolean() ? o.get(name).toString() : rawValue(r);
    o.put(DUP, MARK);
    String quoted = TextNode.valueOf(name).toString();
    return text(root.toString().replace("\"" + DUP + "\":\"" + MARK + "\"", quoted + ":" + value));
  }

  private static void collectObjects(JsonNode n, List<ObjectNode> out) {
    if (n.isObject()) {
      out.add((ObjectNode) n);
    }
    n.elements().forEachRemaining(c -> collectObjects(c, out));
  }

  private enum Edit {
    REMOVE,
    RENAME,
    ADD,
    DUPLICATE_ELEMENT,
    REMOVE_ELEMENT,
    SWAP
  }

  static byte[] jsonEdit(byte[] in, SplittableRandom r, Edit edit) {
    JsonNode root = tree(in);
    if (root == null) {
      return in;
    }
    List<Slot> all = new ArrayList<>();
    slots(root, all);
    List<Slot> fields = all.stream().filter(s -> s.field() != null).toList();
    List<Slot> elements = all.stream().filter(s -> s.field() == null).toList();
    switch (edit) {
      case REMOVE, RENAME -> {
        if (fields.isEmpty()) {
          return in;
        }
        Slot s = fields.get(r.nextInt(fields.size()));
        ObjectNode o = (ObjectNode) s.container();
        JsonNode v = o.remove(s.field());
        if (edit == Edit.RENAME) {
          char[] c = s.field().toCharArray();
          if (c.length > 0) {
            c[r.nextInt(c.length)] = (char) ('a' + r.nextInt(26));
          }
          o.set(new String(c), v);
        }
      }
      case ADD -> {
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root, objects);
        if (objects.isEmpty()) {
          return in;
        }
        objects.get(r.nextInt(objects.size())).put("unknownField" + r.nextInt(3), r.nextInt());
      }
      case DUPLICATE_ELEMENT, REMOVE_ELEMENT -> {
        if (elements.isEmpty()) {
          return in;
        }
        Slot s = elements.get(r.nextInt(elements.size()));
        ArrayNode a = (ArrayNode) s.container();
        if (edit == Edit.DUPLICATE_ELEMENT) {
          a.insert(s.index(), s.get().deepCopy());
        } else {
          a.remove(s.index());
        }
      }
      case SWAP -> {
        if (all.size() < 2) {
          return in;
        }
        Slot a = all.get(r.nextInt(all.size()));
        Slot b = all.get(r.nextInt(all.size()));
        JsonNode va = a.get().deepCopy();
        JsonNode vb = b.get().deepCopy();
        a.set(vb);
        b.set(va);
      }
    }
    return text(root.toString());
  }

  // ---------------------------------------------------------------- .npy

  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\([^)]*\\)");
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'[^']*'");

  private static final String[] SHAPES = {
    "()",
    "(0,)",
    "(-1,)",
    "(3, 0, 999999999999)",
    "(2147483648,)",
    "(4294967296, 0)",
    "(100000, 100000, 100000)",
    "(20000, 20000, 3, 3)",
    "(9223372036854775807, 2)",
    "(1e5,)",
    "(3,, 4)",
    "(3, 4",
    "(2, 2)",
    "(8,)",
    "(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,"
        + " 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)",
    "(7L, 3L)"
  };

  private static final String[] DESCRS = {
    "<f4", ">f4", "<f8", ">f8", "<i4", "<i8", "=f4", "|f4", "f4", "<f2", "|b1", "<c8", "|O", "<U8",
    "|V16", "<i16", "", "<u1", "<M8[s]"
  };

  /** Format-aware damage for one {@code .npy} entry: its header dict, length field and data. */
  public static List<Mutator> npy() {
    return List.of(
        Mutator.of("npy:shape", (in, r) -> npyDict(in, r, SHAPE, "'shape': " + pick(SHAPES, r))),
        Mutator.of(
            "npy:descr", (in, r) -> npyDict(in, r, DESCR, "'descr': '" + pick(DESCRS, r) + "'")),
        Mutator.of("npy:fortran", (in, r) -> npyText(in, t -> t.replace("False", "True"))),
        Mutator.of("npy:no-descr", (in, r) -> npyText(in, t -> t.replace("'descr'", "'dtype'"))),
        Mutator.of(
            "npy:duplicate-key",
            (in, r) -> npyText(in, t -> t.replace("{", "{'shape': (1,), 'descr': '<i8', "))),
        Mutator.of("npy:header-length", Mutators::npyHeaderLength),
        Mutator.of("npy:version", Mutators::npyVersion),
        Mutator.of("npy:nan-inf", Mutators::npyNonFinite),
        Mutator.of("npy:cut-data", Mutators::npyCutData));
  }

  private static String pick(String[] values, SplittableRandom r) {
    return values[r.nextInt(values.length)];
  }

  /** Offset of the header text and its length, or null if this is no NumPy 1.0 header. */
  private static int[] npyHeader(byte[] in) {
    if (in.length < 10 || in[0] != (byte) 0x93 || in[1] != 'N' || in[6] != 1) {
      return null;
    }
    int len = (in[8] & 0xFF) | (in[9] & 0xFF) << 8;
    return 10 + len <= in.length ? new int[] {10, len} : null;
  }

  /** Rewrites the header text and its length field (keeping the data). */
  private static byte[] npyText(byte[] in, java.util.function.UnaryOperator<String> f) {
    int[] h = npyHeader(in);
    if (h == null) {
      return in;
    }
    String text = new String(in, h[0], h[1], StandardCharsets.ISO_8859_1);
    byte[] t = f.apply(text).getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out = ByteBuffer.allocate(10 + t.length + in.length - h[0] - h[1]);
    out.order(ByteOrder.LITTLE_ENDIAN);
    out.put(in, 0, 8).putShort((short) t.length).put(t);
    out.put(in, h[0] + h[1], in.length - h[0] - h[1]);
    return out.array();
  }

  private static byte[] npyDict(byte[] in, SplittableRandom r, Pattern p, String replacement) {
    return npyText(in, t -> p.matcher(t).replaceFirst(Matcher.quoteReplacement(replacement)));
  }

  private static byte[] npyHeaderLength(byte[] in, SplittableRandom r) {
    if (in.length < 10) {
      return in;
    }
    byte[] out = in.clone();
    int v = r.nextBoolean() ? r.nextInt(65536) : (out[8] & 0xFF) + r.nextInt(9) - 4;
    out[8] = (byte) v;
    out[9] = (byte) (v >> 8);
    return out;
  }

  private static byte[] npyVersion(byte[] in, SplittableRandom r) {
    if (in.length < 10) {
      return in;
    }
    byte[] out = in.clone();
    int[] versions = {0, 2, 3, 4, 255};
    out[6] = (byte) versions[r.nextInt(versions.length)];
    return out;
  }

  /** Writes NaN or an infinity over some float32 values of the data. */
  private static byte[] npyNonFinite(byte[] in, SplittableRandom r) {
    int[] h = npyHeader(in);
    if (h == null) {
      return in;
    }
    byte[] out = in.clone();
    int start = h[0] + h[1];
    int n = (out.length - start) / 4;
    if (n == 0) {
      return in;
    }
    float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < 1 + r.nextInt(3); k++) {
      b.putFloat(start + 4 * r.nextInt(n), bad[r.nextInt(bad.length)]);
    }
    return out;
  }

  private static byte[] npyCutData(byte[] in, SplittableRandom r) {
    int[] h = npyHeader(in);
    if (h == null || in.length == h[0] + h[1]) {
      return in;
    }
    int start = h[0] + h[1];
    return Arrays.copyOf(in, start + r.nextInt(in.length - start));
  }

  // ---------------------------------------------------------------- IDX and images

  private static final int[] IDX_DIMS = {0, 1, 2, -1, 60000, 65536, 100000, Integer.MAX_VALUE};
  private static final int[] IDX_TYPES = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xFF};

  /** Format-aware damage for IDX files: type byte, rank byte and the sizes. */
  public static List<Mutator> idx() {
    return List.of(
        Mutator.of(
            "idx:type",
            (in, r) -> set(in, 2, (byte) IDX_TYPES[r.nextInt(IDX_TYPES.length)])), // type byte
        Mutator.of(
            "idx:rank", (in, r) -> set(in, 3, (byte) new int[] {0, 1, 2, 3, 4, 255}[r.nextInt(6)])),
        Mutator.of("idx:size", Mutators::idxSize),
        Mutator.of("idx:gzip", (in, r) -> gzip(in)),
        Mutator.of("idx:gzip-damaged", (in, r) -> flipBits(gzip(in), r)));
  }

  private static byte[] set(byte[] in, int at, byte v) {
    if (in.length <= at) {
      return in;
    }
    byte[] out = in.clone();
    out[at] = v;
    return out;
  }

  private static byte[] idxSize(byte[] in, SplittableRandom r) {
    if (in.length < 8) {
      return in;
    }
    int rank = Math.max(1, Math.min(3, in[3] & 0xFF));
    byte[] out = in.clone();
    int at = 4 + 4 * r.nextInt(rank);
    if (at + 4 > out.length) {
      return in;
    }
    ByteBuffer.wrap(out).putInt(at, IDX_DIMS[r.nextInt(IDX_DIMS.length)]);
    return out;
  }

  /** The bytes gzipped, as MNIST's downloads are. */
  public static byte[] gzip(byte[] in) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return b.toByteArray();
  }

  /**
   * Format-aware damage for images: a PNG's width and height (with the chunk CRC fixed so the
   * decoder believes them), a BMP's or GIF's sizes.
   */
  public static List<Mutator> image() {
    return List.of(
        Mutator.of("image:png-size", Mutators::pngSize),
        Mutator.of("image:bmp-gif-size", Mutators::bmpGifSize));
  }

  private static byte[] pngSize(byte[] in, SplittableRandom r) {
    if (in.length < 33 || in[1] != 'P' || in[12] != 'I') {
      return in;
    }
    byte[] out = in.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    int[] sizes = {0, 1, 65535, 100000, 1 << 20, Integer.MAX_VALUE, -1};
    b.putInt(16 + 4 * r.nextInt(2), sizes[r.nextInt(sizes.length)]);
    if (r.nextInt(4) > 0) {
      CRC32 crc = new CRC32();
      crc.update(out, 12, 17);
      b.putInt(29, (int) crc.getValue());
    }
    return out;
  }

  private static byte[] bmpGifSize(byte[] in, SplittableRandom r) {
    if (in.length < 26) {
      return in;
    }
    byte[] out = in.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    if (in[0] == 'B' && in[1] == 'M') {
      int[] sizes = {0, -1, -100000, 100000, 1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE};
      b.putInt(18 + 4 * r.nextInt(2), sizes[r.nextInt(sizes.length)]);
    } else if (in[0] == 'G' && in[1] == 'I') {
      b.putShort(6 + 2 * r.nextInt(2), (short) (r.nextBoolean() ? 0xFFFF : 0));
    } else {
      return in;
    }
    return out;
  }
}
