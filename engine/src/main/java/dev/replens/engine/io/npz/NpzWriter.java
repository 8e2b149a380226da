package dev.replens.engine.io.npz;

import dev.replens.engine.io.WeightFileException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes arrays as a NumPy {@code .npz} archive that {@code numpy.load} reads: one uncompressed
 * {@code <name>.npy} entry per array (NumPy format 1.0, little-endian, C order), as {@code
 * numpy.savez} writes it.
 *
 * <p>The file is written atomically: into a temporary file next to the target, which is then moved
 * over it. A failed or interrupted write never leaves a half-written {@code .npz} behind.
 */
public final class NpzWriter {

  private static final Logger LOG = LoggerFactory.getLogger(NpzWriter.class);

  private NpzWriter() {}

  /**
   * Writes the arrays in the map's order.
   *
   * @param file the target; replaced if it exists
   * @param arrays float32, float64, int32 or int64 arrays of any rank (0-d included), by name
   * @throws WeightFileException if the file can't be written, naming it
   * @throws IllegalArgumentException if an array has another data type or a name is empty
   */
  public static void write(Path file, Map<String, INDArray> arrays) throws WeightFileException {
    arrays.forEach(NpzWriter::checkWritable);
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new WeightFileException(
          file, "Can't write '" + file + "': the folder '" + dir + "' doesn't exist.");
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp));
          ZipOutputStream zip = new ZipOutputStream(os)) {
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
          byte[] npy = encode(e.getValue());
          ZipEntry z = new ZipEntry(e.getKey() + ".npy");
          z.setMethod(ZipEntry.STORED);
          z.setSize(npy.length);
          z.setCompressedSize(npy.length);
          CRC32 crc = new CRC32();
          crc.update(npy);
          z.setCrc(crc.getValue());
          zip.putNextEntry(z);
          zip.write(npy);
          zip.closeEntry();
        }
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      LOG.debug("wrote {} arrays to {}", arrays.size(), target);
    } catch (IOException e) {
      throw new WeightFileException(file, "Can't write '" + file + "': " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("could not delete the temporary file {}", tmp, e);
        }
      }
    }
  }

  /** One array as the bytes of an {@code .npy} file. */
  static byte[] encode(INDArray a) {
    NpyType type = NpyType.of(a.dataType()).orElseThrow();
    byte[] header = NpyHeader.forWriting(type, a.shape()).encode();
    INDArray c = a.dup('c');
    int n = (int) a.length();
    ByteBuffer out =
        ByteBuffer.allocate(header.length + n * type.size()).order(ByteOrder.LITTLE_ENDIAN);
    out.put(header);
    switch (type) {
      case FLOAT32 -> out.asFloatBuffer().put(Arrays.copyOf(c.data().asFloat(), n));
      case FLOAT64 -> out.asDoubleBuffer().put(Arrays.copyOf(c.data().asDouble(), n));
      case INT32 -> out.asIntBuffer().put(Arrays.copyOf(c.data().asInt(), n));
      case INT64 -> out.asLongBuffer().put(Arrays.copyOf(c.data().asLong(), n));
    }
    return out.array();
  }

  private static void checkWritable(String name, INDArray a) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an array name must not be empty");
    }
    if (NpyType.of(a.dataType()).isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is "
              + a.dataType()
              + "; .npz export writes float32, float64, int32, int64");
    }
  }
}
