package dev.replens.engine.io.npz;

import dev.replens.engine.io.AtomicFiles;
import dev.replens.engine.io.WeightFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
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
 * <p>The file is written atomically ({@link AtomicFiles}): a failed or interrupted write never
 * leaves a half-written {@code .npz} behind.
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
    AtomicFiles.write(
        file,
        os -> {
          ZipOutputStream zip = new ZipOutputStream(os);
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
          zip.finish();
        });
    LOG.debug("wrote {} arrays to {}", arrays.size(), file.toAbsolutePath());
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
