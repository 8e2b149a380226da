package dev.replens.engine.io.npz;

import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.npz.NpyHeader.NpyFormatException;
import dev.replens.engine.memory.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads NumPy {@code .npz} archives (what {@code numpy.savez} writes, e.g. a PyTorch state dict
 * saved as {@code np.savez(path, **{k: v.numpy() for k, v in sd.items()})}).
 *
 * <p>The archive is opened with the JDK's zip classes. Every entry's {@code .npy} header is parsed
 * and checked here first: ND4J's own {@code createFromNpzFile} fails with a bare
 * NumberFormatException on 0-d entries, and its native npy reader trusts the header, so a truncated
 * entry would be read past its end. Only entries whose header is valid, C-ordered, of a supported
 * type and backed by enough bytes are handed to ND4J's npy parser ({@link
 * Nd4j#createNpyFromByteArray}).
 *
 * <p>Supported element types: float32, float64, int32, int64, in either byte order. 0-d entries are
 * kept apart, in {@link NpzArchive#scalars()} and {@link NpzArchive#scalarValues()}.
 *
 * <p>No entry is inflated beyond what its {@code .npy} header announces, and none larger than the
 * memory budget is read at all: an archive whose deflated entry inflates past its declared size (a
 * zip bomb) is refused after reading one byte more than declared.
 */
public final class NpzReader {

  private static final Logger LOG = LoggerFactory.getLogger(NpzReader.class);

  private NpzReader() {}

  /**
   * Reads every array of an {@code .npz} file.
   *
   * @throws WeightFileException if the file is missing, not a zip archive, or holds an entry that
   *     is not a readable array (truncated, damaged, Fortran-ordered, or of an unsupported type);
   *     the message names the file and the entry
   */
  public static NpzArchive read(Path file) throws WeightFileException {
    return read(file, MemoryBudget.ofThisMachine());
  }

  /**
   * Reads every array of an {@code .npz} file, refusing any entry over the budget before it is
   * read.
   *
   * @throws WeightFileException as {@link #read(Path)}, and for an entry over the budget or larger
   *     than the archive declares
   */
  public static NpzArchive read(Path file, MemoryBudget budget) throws WeightFileException {
    if (!Files.exists(file)) {
      throw new WeightFileException(file, "The weight file '" + file + "' doesn't exist.");
    }
    if (!Files.isRegularFile(file)) {
      throw new WeightFileException(file, "'" + file + "' is a folder, not an .npz file.");
    }
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    Set<String> scalars = new LinkedHashSet<>();
    Map<String, Number> values = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        if (!e.getName().endsWith(".npy")) {
          throw new WeightFileException(
              file,
              "'"
                  + file.getFileName()
                  + "' holds '"
                  + MessageText.clip(e.getName())
                  + "', which is not an .npy array; an .npz file holds only .npy arrays.");
        }
        String name = e.getName().substring(0, e.getName().length() - ".npy".length());
        if (arrays.containsKey(name) || scalars.contains(name)) {
          throw new WeightFileException(
              file,
              "'"
                  + file.getFileName()
                  + "' holds two entries named '"
                  + MessageText.clip(e.getName())
                  + "'; an .npz file holds each array once.");
        }
        byte[] bytes = readEntry(file, zip, e, name, budget);
        Decoded d = decode(file, name, bytes, budget);
        if (d.array() != null) {
          arrays.put(name, d.array());
        } else {
          scalars.add(name);
          values.put(name, d.scalar());
        }
      }
    } catch (ZipException e) {
      throw new WeightFileException(
          file,
          "'"
              + file.getFileName()
              + "' is not a readable .npz file: it can't be opened as a zip archive ("
              + MessageText.cause(e)
              + "). It may be truncated, or not an .npz file at all.",
          e);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "Can't read '" + file.getFileName() + "': " + MessageText.cause(e), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The JDK's zip classes throw these for entry names that are not valid UTF-8, and for
      // headers whose sizes contradict each other.
      throw new WeightFileException(
          file,
          "'"
              + file.getFileName()
              + "' is not a readable .npz file: its zip directory is damaged ("
              + MessageText.cause(e)
              + ").",
          e);
    }
    LOG.debug(
        "read {}: {} arrays, {} 0-d entries", file.getFileName(), arrays.size(), scalars.size());
    return new NpzArchive(file, arrays, scalars, values);
  }

  /**
   * The bytes of an entry: its header first, so that the size it announces is checked against the
   * memory budget before its data are read, then at most that many data bytes. A forged header or a
   * zip bomb costs no more than the data really there.
   */
  private static byte[] readEntry(
      Path file, ZipFile zip, ZipEntry e, String name, MemoryBudget budget)
      throws WeightFileException {
    try (InputStream in = zip.getInputStream(e)) {
      byte[] prefix = in.readNBytes(NpyHeader.PREFIX);
      int headerEnd;
      try {
        headerEnd = NpyHeader.headerEnd(prefix);
      } catch (NpyFormatException ex) {
        throw new WeightFileException(file, entry(file, name) + " " + ex.getMessage() + ".", ex);
      }
      byte[] header = concat(prefix, in.readNBytes(headerEnd - prefix.length));
      long needed = 0;
      try {
        NpyHeader h = NpyHeader.parse(header);
        needed = dataBytes(file, name, h, budget);
      } catch (NpyFormatException ex) {
        // decode() reports it, with the same words as for an entry read whole.
        return header;
      }
      byte[] bytes = concat(header, in.readNBytes((int) needed));
      if (bytes.length == e.getSize() && in.read() != -1) {
        throw new WeightFileException(
            file,
            entry(file, name)
                + " holds more data than the "
                + e.getSize()
                + " bytes the archive declares; the archive is forged (a zip bomb?) and was not"
                + " inflated further.");
      }
      return bytes;
    } catch (IOException ex) {
      // CRC mismatches, bad deflate data and cut-off entries all end up here.
      throw new WeightFileException(
          file,
          entry(file, name) + " is damaged and can't be read (" + MessageText.cause(ex) + ").",
          ex);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The data bytes a header announces, checked before anything is allocated: at most {@link
   * NpyHeader#MAX_RANK} dimensions, each at most what a Java array holds, and in all within the
   * memory budget and one byte array.
   */
  private static long dataBytes(Path file, String name, NpyHeader h, MemoryBudget budget)
      throws WeightFileException {
    long[] shape = h.shape();
    if (shape.length > NpyHeader.MAX_RANK) {
      throw new WeightFileException(
          file,
          entry(file, name)
              + " has "
              + shape.length
              + " dimensions; RepLens reads arrays of up to "
              + NpyHeader.MAX_RANK
              + ".");
    }
    for (long d : shape) {
      if (d > MemoryBudget.MAX_ELEMENTS) {
        throw new WeightFileException(
            file,
            entry(file, name)
                + " announces a dimension of "
                + d
                + " in its shape "
                + Arrays.toString(shape)
                + ", more than an array can hold.");
      }
    }
    String descr = h.descr();
    String code = NpyType.hasOrderMark(descr) ? descr.substring(1) : descr;
    NpyType type = NpyType.ofCode(code).orElse(null);
    if (type == null) {
      return 0; // decode() names the type
    }
    Optional<String> tooLarge =
        budget.check(entry(file, name), "arrays", type.numpyName(), type.size(), shape);
    if (tooLarge.isPresent()) {
      throw new WeightFileException(file, tooLarge.get() + ".");
    }
    long bytes = MemoryBudget.bytesOf(type.size(), shape);
    // The header is written anew in front of the data (normalize), at most a few kB.
    long limit = MemoryBudget.MAX_ELEMENTS - 4 * NpyHeader.MAX_HEADER;
    if (bytes > limit) {
      throw new WeightFileException(
          file,
          entry(file, name)
              + " would take "
              + MemoryBudget.format(bytes)
              + "; RepLens reads entries of up to "
              + MemoryBudget.format(limit)
              + ".");
    }
    return bytes;
  }

  /** An entry: an array, or the value of a 0-d entry. */
  record Decoded(INDArray array, Number scalar) {}

  /** The array, or the value of a 0-d entry. */
  static Decoded decode(Path file, String name, byte[] bytes, MemoryBudget budget)
      throws WeightFileException {
    NpyHeader h;
    try {
      h = NpyHeader.parse(bytes);
    } catch (NpyFormatException ex) {
      throw new WeightFileException(file, entry(file, name) + " " + ex.getMessage() + ".", ex);
    }
    String descr = h.descr();
    char order = NpyType.hasOrderMark(descr) ? descr.charAt(0) : '=';
    String code = NpyType.hasOrderMark(descr) ? descr.substring(1) : descr;
    NpyType type =
        NpyType.ofCode(code)
            .orElseThrow(
                () ->
                    new WeightFileException(
                        file,
                        entry(file, name)
                            + " holds "
                            + NpyType.describe(descr)
                            + " values ('"
                            + descr
                            + "'); RepLens reads float32, float64, int32 and int64 arrays."
                            + " Convert it (e.g. tensor.float()) and save again."));
    if (h.fortranOrder()) {
      throw new WeightFileException(
          file,
          entry(file, name)
              + " is stored in Fortran (column-major) order; RepLens reads C-ordered arrays."
              + " Save it with numpy.ascontiguousarray(...).");
    }
    long needed = dataBytes(file, name, h, budget);
    long count = needed / type.size();
    long available = bytes.length - (long) h.dataOffset();
    if (available < needed) {
      throw new WeightFileException(
          file,
          entry(file, name)
              + " is truncated: its header announces "
              + type.numpyName()
              + " "
              + Arrays.toString(h.shape())
              + " ("
              + needed
              + " bytes of data) but only "
              + available
              + " bytes follow.");
    }
    if (h.shape().length == 0) {
      return new Decoded(null, scalar(bytes, h.dataOffset(), type, order == '>'));
    }
    if (count == 0) {
      return new Decoded(Nd4j.create(type.dataType(), h.shape(), 'c'), null);
    }
    byte[] normalized = normalize(bytes, h, type, order == '>');
    INDArray a;
    try {
      a = Nd4j.createNpyFromByteArray(normalized);
    } catch (RuntimeException ex) {
      throw new WeightFileException(
          file,
          entry(file, name) + " can't be read as an array (" + MessageText.cause(ex) + ").",
          ex);
    }
    if (NpyType.of(a.dataType()).orElse(null) != type || !Arrays.equals(a.shape(), h.shape())) {
      throw new WeightFileException(
          file,
          entry(file, name)
              + " was read as "
              + a.dataType()
              + " "
              + Arrays.toString(a.shape())
              + " although its header says "
              + type.numpyName()
              + " "
              + Arrays.toString(h.shape())
              + ".");
    }
    return new Decoded(a, null);
  }

  private static Number scalar(byte[] bytes, int offset, NpyType type, boolean bigEndian) {
    ByteBuffer b =
        ByteBuffer.wrap(bytes, offset, type.size())
            .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    return switch (type) {
      case FLOAT32 -> b.getFloat();
      case FLOAT64 -> b.getDouble();
      case INT32 -> b.getInt();
      case INT64 -> b.getLong();
    };
  }

  /**
   * The entry as a canonical little-endian NumPy 1.0 {@code .npy} with exactly its data: the form
   * ND4J's parser handles.
   */
  private static byte[] normalize(byte[] bytes, NpyHeader h, NpyType type, boolean bigEndian) {
    byte[] header = NpyHeader.forWriting(type, h.shape()).encode();
    int n = (int) (h.count() * type.size());
    byte[] out = Arrays.copyOf(header, header.length + n);
    System.arraycopy(bytes, h.dataOffset(), out, header.length, n);
    if (bigEndian) {
      int w = type.size();
      for (int i = header.length; i < out.length; i += w) {
        for (int j = 0; j < w / 2; j++) {
          byte t = out[i + j];
          out[i + j] = out[i + w - 1 - j];
          out[i + w - 1 - j] = t;
        }
      }
    }
    return out;
  }

  private static String entry(Path file, String name) {
    return "Entry '" + MessageText.clip(name) + "' of " + MessageText.name(file);
  }
}
