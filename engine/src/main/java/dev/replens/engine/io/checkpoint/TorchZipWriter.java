package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.AtomicFiles;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a state dict in the zip format of {@code torch.save} (PyTorch ≥ 1.6), so that {@code
 * torch.load(f, weights_only=True)} reads it: an {@code OrderedDict} of tensors, each built by
 * {@code torch._utils._rebuild_tensor_v2} on its own storage, and nothing else.
 *
 * <pre>
 * archive/data.pkl     pickle protocol 2, as torch.save writes it by default
 * archive/byteorder    "little"
 * archive/data/0 ...   each tensor's elements, C order, little-endian, one entry per tensor
 * archive/version      "3"
 * </pre>
 *
 * Entries are stored uncompressed, and each storage starts at a multiple of 64 bytes in the file
 * (padded with an extra field, as PyTorch's own writer does), so that readers may map it. 0-d
 * tensors (BatchNorm's {@code num_batches_tracked}) are written as 0-d tensors of their type. The
 * file is written atomically ({@link AtomicFiles}).
 */
final class TorchZipWriter {

  static final String ROOT = "archive";

  private static final int ALIGNMENT = 64;
  private static final long DOS_TIME = 1577836800000L; // 2020-01-01, for reproducible files

  private TorchZipWriter() {}

  /**
   * Writes the entries in the map's order.
   *
   * @param entries arrays of any rank (0-d included) of a type {@link TensorType#of} knows
   */
  static void write(Path file, Map<String, INDArray> entries, Progress progress)
      throws WeightFileException {
    byte[] pickle = pickle(entries);
    long total = 0;
    for (INDArray a : entries.values()) {
      total += a.length() * TensorType.of(a.dataType()).orElseThrow().size();
    }
    long all = total;
    AtomicFiles.write(
        file,
        os -> {
          CountingStream counted = new CountingStream(os);
          ZipOutputStream zip = new ZipOutputStream(counted);
          put(zip, counted, ROOT + "/data.pkl", ByteBuffer.wrap(pickle), false);
          put(zip, counted, ROOT + "/byteorder", ascii("little"), false);
          int i = 0;
          long done = 0;
          for (Map.Entry<String, INDArray> e : entries.entrySet()) {
            INDArray a = e.getValue();
            TensorType type = TensorType.of(a.dataType()).orElseThrow();
            String name = ROOT + "/data/" + i++;
            RawTensors.withBytes(a, type, bytes -> put(zip, counted, name, bytes, true));
            done += a.length() * type.size();
            progress.update(done, all, "writing " + e.getKey());
          }
          put(zip, counted, ROOT + "/version", ascii("3\n"), false);
          zip.finish();
        });
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** One uncompressed entry; a storage is padded to start at a multiple of 64 bytes. */
  private static void put(
      ZipOutputStream zip, CountingStream counted, String name, ByteBuffer bytes, boolean align)
      throws IOException {
    CRC32 crc = new CRC32();
    crc.update(bytes.duplicate());
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.remaining());
    e.setCompressedSize(bytes.remaining());
    e.setCrc(crc.getValue());
    e.setTime(DOS_TIME);
    if (align) {
      // local header: 30 bytes + name + extra field (4-byte header + padding)
      int nameLength = name.getBytes(StandardCharsets.UTF_8).length;
      int pad = (int) ((ALIGNMENT - (counted.count + 30 + nameLength + 4) % ALIGNMENT) % ALIGNMENT);
      ByteBuffer extra = ByteBuffer.allocate(4 + pad).order(ByteOrder.LITTLE_ENDIAN);
      extra.put((byte) 'F').put((byte) 'B').putShort((short) pad);
      while (extra.hasRemaining()) {
        extra.put((byte) 'Z');
      }
      e.setExtra(extra.array());
    }
    zip.putNextEntry(e);
    RawTensors.copy(bytes, zip);
    zip.closeEntry();
  }

  /** Counts the bytes written, to place each storage. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  // ---- the pickle (Lib/pickletools.py names the opcodes)

  private static final int PROTO = 0x80;
  private static final int MARK = '(';
  private static final int STOP = '.';
  private static final int EMPTY_TUPLE = ')';
  private static final int TUPLE = 't';
  private static final int TUPLE1 = 0x85;
  private static final int TUPLE2 = 0x86;
  private static final int TUPLE3 = 0x87;
  private static final int REDUCE = 'R';
  private static final int SETITEMS = 'u';
  private static final int BINPERSID = 'Q';
  private static final int NEWFALSE = 0x89;
  private static final int BININT = 'J';
  private static final int BININT1 = 'K';
  private static final int BININT2 = 'M';
  private static final int LONG1 = 0x8a;
  private static final int BINUNICODE = 'X';
  private static final int GLOBAL = 'c';
  private static final int BINPUT = 'q';
  private static final int BINGET = 'h';
  private static final int LONG_BINPUT = 'r';
  private static final int LONG_BINGET = 'j';

  /** Python's pickler puts at most this many items in one SETITEMS. */
  private static final int BATCH = 1000;

  /**
   * {@code OrderedDict([(key, _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())),
   * ...])}, each storage the persistent id {@code ('storage', torch.FloatStorage, 'i', 'cpu',
   * numel)}.
   */
  static byte[] pickle(Map<String, INDArray> entries) {
    Pickle p = new Pickle();
    p.op(PROTO).op(2);
    p.global("collections", "OrderedDict").op(EMPTY_TUPLE).op(REDUCE);
    int i = 0;
    for (Map.Entry<String, INDArray> e : entries.entrySet()) {
      if (i % BATCH == 0) {
        if (i > 0) {
          p.op(SETITEMS);
        }
        p.op(MARK);
      }
      INDArray a = e.getValue();
      TensorType type = TensorType.of(a.dataType()).orElseThrow();
      long[] shape = a.shape();
      p.string(e.getKey());
      p.global("torch._utils", "_rebuild_tensor_v2");
      p.op(MARK);
      p.op(MARK)
          .string("storage")
          .global("torch", type.storageClass())
          .string(Integer.toString(i))
          .string("cpu")
          .integer(a.length())
          .op(TUPLE)
          .op(BINPERSID);
      p.integer(0).tuple(shape).tuple(RawTensors.cStrides(shape)).op(NEWFALSE);
      p.global("collections", "OrderedDict").op(EMPTY_TUPLE).op(REDUCE);
      p.op(TUPLE).op(REDUCE);
      i++;
    }
    if (i > 0) {
      p.op(SETITEMS);
    }
    p.op(STOP);
    return p.out.toByteArray();
  }

  /** Opcodes into bytes, with each global stored once in the memo and fetched after. */
  private static final class Pickle {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Map<String, Integer> memo = new HashMap<>();

    Pickle op(int op) {
      out.write(op);
      return this;
    }

    Pickle u32(long v) {
      for (int k = 0; k < 4; k++) {
        out.write((int) (v >>> (8 * k)) & 0xff);
      }
      return this;
    }

    Pickle string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op(BINUNICODE).u32(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Pickle integer(long v) {
      if (v >= 0 && v < 256) {
        return op(BININT1).op((int) v);
      }
      if (v >= 0 && v < 65536) {
        return op(BININT2).op((int) (v & 0xff)).op((int) (v >>> 8));
      }
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        return op(BININT).u32(v);
      }
      op(LONG1).op(8);
      for (int k = 0; k < 8; k++) {
        out.write((int) (v >>> (8 * k)) & 0xff);
      }
      return this;
    }

    Pickle tuple(long[] values) {
      switch (values.length) {
        case 0 -> op(EMPTY_TUPLE);
        case 1 -> integer(values[0]).op(TUPLE1);
        case 2 -> integer(values[0]).integer(values[1]).op(TUPLE2);
        case 3 -> integer(values[0]).integer(values[1]).integer(values[2]).op(TUPLE3);
        default -> {
          op(MARK);
          for (long v : values) {
            integer(v);
          }
          op(TUPLE);
        }
      }
      return this;
    }

    Pickle global(String module, String name) {
      String key = module + "\n" + name + "\n";
      Integer index = memo.get(key);
      if (index != null) {
        return index < 256 ? op(BINGET).op(index) : op(LONG_BINGET).u32(index);
      }
      byte[] b = key.getBytes(StandardCharsets.US_ASCII);
      op(GLOBAL);
      out.write(b, 0, b.length);
      int n = memo.size();
      memo.put(key, n);
      return n < 256 ? op(BINPUT).op(n) : op(LONG_BINPUT).u32(n);
    }
  }
}
