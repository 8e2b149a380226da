package dev.replens.engine.io.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Raw element bytes to ND4J arrays and back, with as few copies as the source allows: a file
 * channel reads straight into the array's native buffer; a zip entry passes through one reusable
 * chunk. Half-precision values are widened to float32 exactly on the way in.
 *
 * <p>Callers check sizes before calling: {@code count × size} fits the memory budget and a Java
 * buffer (under 2 GB).
 */
final class RawTensors {

  /** Bytes moved per step, and between two progress reports. */
  static final int CHUNK = 1 << 20;

  /** The largest array in bytes: what one NIO buffer can address. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 64;

  private static final boolean NATIVE_LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private RawTensors() {}

  /** Where raw bytes come from. */
  interface ByteSource {
    /**
     * Reads up to {@code dst.remaining()} bytes into {@code dst}.
     *
     * @return the number of bytes read, or -1 at the end of the source
     */
    int read(ByteBuffer dst) throws IOException;
  }

  /** A stream, through one reusable chunk, with every byte added to {@code crc}. */
  static ByteSource of(InputStream in, CRC32 crc) {
    byte[][] chunk = {new byte[0]};
    return dst -> {
      int want = Math.min(CHUNK, dst.remaining());
      if (chunk[0].length < want) {
        chunk[0] = new byte[want]; // sized to the first request: small storages stay cheap
      }
      int n = in.read(chunk[0], 0, want);
      if (n > 0) {
        crc.update(chunk[0], 0, n);
        dst.put(chunk[0], 0, n);
      }
      return n;
    };
  }

  /** A file from {@code position} on, read straight into the destination. */
  static ByteSource of(FileChannel channel, long position) {
    long[] at = {position};
    return dst -> {
      int n = channel.read(dst, at[0]);
      if (n > 0) {
        at[0] += n;
      }
      return n;
    };
  }

  /** The remaining bytes of a buffer (a memory-mapped file region). */
  static ByteSource of(ByteBuffer src) {
    return dst -> {
      if (!src.hasRemaining()) {
        return -1;
      }
      int n = Math.min(src.remaining(), dst.remaining());
      ByteBuffer part = src.slice();
      part.limit(n);
      dst.put(part);
      src.position(src.position() + n);
      return n;
    };
  }

  /**
   * Reads the elements of a C-ordered array of {@code shape} into a new array of {@code
   * type.memoryType()} of that shape (allocated in its shape at once: an ND4J reshape costs as much
   * as the allocation).
   *
   * @param shape the shape; empty for one element, held as a 1-element vector
   * @param order the byte order of the source
   * @param progress told the number of bytes read after every chunk
   * @throws EOFException if the source ends first
   */
  static INDArray read(
      ByteSource src, TensorType type, long[] shape, ByteOrder order, LongConsumer progress)
      throws IOException {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    if (count == 0) {
      return Nd4j.create(type.memoryType(), shape, 'c');
    }
    INDArray a =
        Nd4j.createUninitialized(type.memoryType(), shape.length == 0 ? new long[] {1} : shape);
    ByteBuffer dst = a.data().asNio().order(ByteOrder.nativeOrder());
    long bytes = count * type.size();
    if (!type.widened() && order == ByteOrder.nativeOrder()) {
      dst.clear().limit((int) bytes);
      while (dst.hasRemaining()) {
        int step = Math.min(dst.remaining(), CHUNK);
        ByteBuffer window = dst.slice();
        window.limit(step);
        readFully(src, window);
        dst.position(dst.position() + step);
        progress.accept(step);
      }
      return a;
    }
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, bytes)).order(order);
    dst.clear();
    long left = bytes;
    while (left > 0) {
      int step = (int) Math.min(left, chunk.capacity());
      chunk.clear().limit(step);
      readFully(src, chunk);
      chunk.flip();
      convert(type, chunk, dst);
      left -= step;
      progress.accept(step);
    }
    return a;
  }

  /** Moves whole elements from a chunk in the file's order to the array in native order. */
  private static void convert(TensorType type, ByteBuffer chunk, ByteBuffer dst) {
    switch (type) {
      case FLOAT16 -> {
        while (chunk.remaining() >= 2) {
          dst.putFloat(halfToFloat(chunk.getShort() & 0xffff));
        }
      }
      case BFLOAT16 -> {
        while (chunk.remaining() >= 2) {
          dst.putFloat(Float.intBitsToFloat((chunk.getShort() & 0xffff) << 16));
        }
      }
      default -> {
        switch (type.size()) {
          case 8 -> {
            while (chunk.remaining() >= 8) {
              dst.putLong(chunk.getLong());
            }
          }
          case 4 -> {
            while (chunk.remaining() >= 4) {
              dst.putInt(chunk.getInt());
            }
          }
          case 2 -> {
            while (chunk.remaining() >= 2) {
              dst.putShort(chunk.getShort());
            }
          }
          default -> dst.put(chunk);
        }
      }
    }
  }

  private static void readFully(ByteSource src, ByteBuffer dst) throws IOException {
    while (dst.hasRemaining()) {
      if (src.read(dst) < 0) {
        throw new EOFException();
      }
    }
  }

  /**
   * An IEEE 754 binary16 value as float32: every half value, subnormals, infinities and NaN
   * payloads included, is a float32 value, so this is exact.
   */
  static float halfToFloat(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // zero or subnormal: mantissa × 2^-24, exact in float32
      float v = mantissa * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** What is done with an array's bytes. */
  @FunctionalInterface
  interface BytesUser {
    void use(ByteBuffer littleEndian) throws IOException;
  }

  /**
   * Hands an array's elements, in C order and little-endian byte order, to {@code user}: a view of
   * the array's own memory where it already is in that layout, else of a copy. The buffer is valid
   * only during the call.
   *
   * @param type the array's own type ({@link TensorType#of})
   */
  static void withBytes(INDArray a, TensorType type, BytesUser user) throws IOException {
    long n = a.length();
    if (n == 0) {
      user.use(ByteBuffer.allocate(0));
      return;
    }
    INDArray c = isPlainC(a) ? a : a.dup('c');
    ByteBuffer data = c.data().asNio().order(ByteOrder.nativeOrder());
    data.clear().limit((int) (n * type.size()));
    ByteBuffer bytes = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (!NATIVE_LITTLE) {
      ByteBuffer swapped = ByteBuffer.allocate(bytes.capacity()).order(ByteOrder.LITTLE_ENDIAN);
      bytes.order(ByteOrder.nativeOrder());
      while (bytes.remaining() >= type.size()) {
        switch (type.size()) {
          case 8 -> swapped.putLong(bytes.getLong());
          case 4 -> swapped.putInt(bytes.getInt());
          case 2 -> swapped.putShort(bytes.getShort());
          default -> swapped.put(bytes.get());
        }
      }
      bytes = swapped.flip();
    }
    try {
      user.use(bytes);
    } finally {
      // The buffer is native memory that ND4J frees once the array is unreachable.
      Reference.reachabilityFence(c);
    }
  }

  /** Copies a buffer's remaining bytes to a stream, through one chunk. */
  static void copy(ByteBuffer bytes, OutputStream out) throws IOException {
    ByteBuffer b = bytes.duplicate();
    byte[] chunk = new byte[Math.min(CHUNK, Math.max(1, b.remaining()))];
    while (b.hasRemaining()) {
      int n = Math.min(chunk.length, b.remaining());
      b.get(chunk, 0, n);
      out.write(chunk, 0, n);
    }
  }

  /** A 0-d tensor's value, or one element of a storage, as the Number of its type. */
  static Number scalar(INDArray storage, long index, TensorType type) {
    return switch (type) {
      case FLOAT64 -> storage.getDouble(index);
      case FLOAT32, FLOAT16, BFLOAT16 -> storage.getFloat(index);
      case INT64 -> storage.getLong(index);
      case INT32 -> (int) storage.getLong(index);
      case INT16 -> (short) storage.getLong(index);
      case INT8 -> (byte) storage.getLong(index);
      case UINT8 -> (int) storage.getLong(index);
      case BOOL -> storage.getDouble(index) != 0 ? 1 : 0;
    };
  }

  /** Whether an array is its buffer, start to end, in C order: nothing to copy before writing. */
  static boolean isPlainC(INDArray a) {
    return a.offset() == 0
        && a.data().length() == a.length()
        && Arrays.equals(a.stride(), cStrides(a.shape()));
  }

  /** The strides, in elements, of a C-ordered array of this shape. */
  static long[] cStrides(long[] shape) {
    long[] s = new long[shape.length];
    long step = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = step;
      step *= Math.max(1, shape[i]);
    }
    return s;
  }

  /** Whether size and stride describe a C-ordered block (dimensions of size 1 don't count). */
  static boolean isContiguous(long[] size, long[] stride) {
    long step = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      if (size[i] != 1 && stride[i] != step) {
        return false;
      }
      step *= size[i];
    }
    return true;
  }

  /**
   * A new C-ordered array with the elements of a strided view of a one-dimensional storage. The
   * caller has checked that every index lies inside the storage.
   */
  static INDArray copyView(INDArray storage, long offset, long[] size, long[] stride) {
    DataType dt = storage.dataType();
    return Nd4j.create(storage.data(), size, stride, offset, 'c', dt).dup('c');
  }
}
