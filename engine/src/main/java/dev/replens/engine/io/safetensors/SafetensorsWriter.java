package dev.replens.engine.io.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.io.WeightFileException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes float32 and float64 arrays as a {@code .safetensors} file, in the map's order, atomically
 * (a temporary file moved over the target), so that {@code safetensors.numpy.load_file} and the
 * exported PyTorch module read it.
 */
public final class SafetensorsWriter {

  private SafetensorsWriter() {}

  /**
   * Writes the arrays.
   *
   * @throws WeightFileException if the file can't be written, naming it
   * @throws IllegalArgumentException if an array is neither float32 nor float64
   */
  public static void write(Path file, Map<String, INDArray> arrays) throws WeightFileException {
    Map<String, Object> header = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
      INDArray a = e.getValue();
      String dtype = SafetensorsReader.typeName(a.dataType());
      if (dtype == null) {
        throw new IllegalArgumentException(
            "'" + e.getKey() + "' is " + a.dataType() + "; safetensors weights are F32 or F64");
      }
      long bytes = a.length() * a.dataType().width();
      header.put(
          e.getKey(),
          Map.of(
              "dtype", dtype, "shape", a.shape(), "data_offsets", List.of(offset, offset + bytes)));
      offset += bytes;
    }
    byte[] json;
    try {
      json = new ObjectMapper().writeValueAsBytes(header);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
    int padded = (json.length + 7) / 8 * 8;
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new WeightFileException(
          file, "Can't write '" + file + "': the folder '" + dir + "' doesn't exist.");
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(json);
        out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
        for (INDArray a : arrays.values()) {
          out.write(littleEndian(a));
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new WeightFileException(file, "Can't write '" + file + "': " + e.getMessage() + ".", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The move succeeded or the write failed already; a stray temp file is harmless.
        }
      }
    }
  }

  private static byte[] littleEndian(INDArray a) {
    INDArray c = a.dup('c');
    ByteBuffer b =
        ByteBuffer.allocate((int) (c.length() * c.dataType().width()))
            .order(ByteOrder.LITTLE_ENDIAN);
    if (c.dataType() == DataType.DOUBLE) {
      for (double v : c.data().asDouble()) {
        b.putDouble(v);
      }
    } else {
      for (float v : c.data().asFloat()) {
        b.putFloat(v);
      }
    }
    return b.array();
  }
}
