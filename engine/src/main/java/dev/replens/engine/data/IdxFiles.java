package dev.replens.engine.data;

import dev.replens.engine.memory.MemoryBudget;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files MNIST and Fashion-MNIST ship in, gzipped or not (detected from the first two
 * bytes, not the file name).
 *
 * <p>Format (big-endian): two zero bytes, a type byte ({@code 0x08} = unsigned byte), the number of
 * dimensions, one 32-bit size per dimension, then the data. Images are {@code [n, rows, cols]},
 * labels {@code [n]}.
 */
public final class IdxFiles {

  private static final int UNSIGNED_BYTE = 0x08;

  private IdxFiles() {}

  /**
   * Images scaled to [0, 1].
   *
   * @param n number of images
   * @param rows image height
   * @param cols image width
   * @param pixels {@code n · rows · cols} values
   */
  public record Images(int n, int rows, int cols, float[] pixels) {}

  /** Reads an image file ({@code idx3-ubyte}). */
  public static Images readImages(Path file) throws DataLoadException {
    try (DataInputStream in = open(file)) {
      int[] dims = header(file, in, 3);
      Optional<String> tooLarge =
          MemoryBudget.ofThisMachine()
              .check("its images", "data sets", "float32", 4, dims[0], dims[1], dims[2]);
      if (tooLarge.isPresent()) {
        throw new DataLoadException(file, tooLarge.get());
      }
      byte[] raw = readData(file, in, MemoryBudget.bytesOf(1, dims[0], dims[1], dims[2]));
      float[] px = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        px[i] = (raw[i] & 0xFF) / 255f;
      }
      return new Images(dims[0], dims[1], dims[2], px);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /** Reads a label file ({@code idx1-ubyte}). */
  public static int[] readLabels(Path file) throws DataLoadException {
    try (DataInputStream in = open(file)) {
      int[] dims = header(file, in, 1);
      Optional<String> tooLarge =
          MemoryBudget.ofThisMachine().check("its labels", "data sets", "int32", 4, dims[0]);
      if (tooLarge.isPresent()) {
        throw new DataLoadException(file, tooLarge.get());
      }
      byte[] raw = readData(file, in, dims[0]);
      int[] out = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        out[i] = raw[i] & 0xFF;
      }
      return out;
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /** A read failure; inside a gzip stream it means the archive is damaged or cut off. */
  private static DataLoadException unreadable(Path file, IOException e) {
    String why =
        e.getMessage() != null
            ? e.getMessage()
            : e instanceof EOFException ? "it ends early" : "a read error";
    return new DataLoadException(
        file,
        e instanceof java.util.zip.ZipException || e instanceof EOFException
            ? "is a damaged or cut-off gzip file (" + why + ")"
            : "can't be read (" + why + ")",
        e);
  }

  private static DataInputStream open(Path file) throws IOException, DataLoadException {
    if (!Files.isRegularFile(file)) {
      throw new DataLoadException(file, "is not a file");
    }
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file));
    } catch (NoSuchFileException e) {
      throw new DataLoadException(file, "does not exist", e);
    }
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(
        gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw);
  }

  private static int[] header(Path file, DataInputStream in, int expectedDims)
      throws IOException, DataLoadException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new DataLoadException(file, "is empty or shorter than an IDX header", e);
    }
    int zeros = magic >>> 16;
    int type = (magic >>> 8) & 0xFF;
    int dims = magic & 0xFF;
    if (zeros != 0) {
      throw new DataLoadException(
          file,
          String.format(
              "is not an IDX file (it starts with 0x%08X; IDX files start with two zero bytes)",
              magic));
    }
    if (type != UNSIGNED_BYTE) {
      throw new DataLoadException(
          file, String.format("holds IDX type 0x%02X; only unsigned bytes (0x08) are read", type));
    }
    if (dims != expectedDims) {
      throw new DataLoadException(
          file,
          "has "
              + dims
              + " dimensions, expected "
              + expectedDims
              + (expectedDims == 3 ? " (images: count, rows, columns)" : " (labels: count)"));
    }
    int[] out = new int[dims];
    for (int i = 0; i < dims; i++) {
      try {
        out[i] = in.readInt();
      } catch (EOFException e) {
        throw new DataLoadException(file, "ends inside its header", e);
      }
      if (out[i] < 0 || (i > 0 && out[i] == 0)) {
        throw new DataLoadException(file, "declares an impossible size " + out[i]);
      }
    }
    return out;
  }

  /**
   * The data bytes the header promised. They are read as they come, so a header that promises more
   * than the file holds costs no more memory than the file's real data.
   */
  private static byte[] readData(Path file, DataInputStream in, long count)
      throws IOException, DataLoadException {
    byte[] raw = in.readNBytes((int) count);
    if (raw.length < count) {
      throw new DataLoadException(
          file,
          "is truncated: its header promises "
              + count
              + " data bytes but only "
              + raw.length
              + " follow");
    }
    return raw;
  }
}
