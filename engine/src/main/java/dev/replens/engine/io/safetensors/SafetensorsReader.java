package dev.replens.engine.io.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.io.WeightFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reads the float32 and float64 tensors of a {@code .safetensors} file, in the file's order. */
public final class SafetensorsReader {

  private SafetensorsReader() {}

  /**
   * Reads every tensor.
   *
   * @throws WeightFileException if the file is missing, truncated, or holds another dtype, naming
   *     the file and the tensor
   */
  public static Map<String, INDArray> read(Path file) throws WeightFileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new WeightFileException(file, "'" + file + "' doesn't exist.", e);
    } catch (IOException e) {
      throw new WeightFileException(file, "Can't read '" + file + "': " + e.getMessage(), e);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw new WeightFileException(file, "'" + file + "' is not a safetensors file (too short).");
    }
    long headerSize = buf.getLong();
    if (headerSize < 2 || headerSize > bytes.length - 8) {
      throw new WeightFileException(
          file, "'" + file + "' is not a safetensors file (its header size makes no sense).");
    }
    JsonNode header;
    try {
      header = new ObjectMapper().readTree(bytes, 8, (int) headerSize);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "'" + file + "' has an unreadable safetensors header: " + e.getMessage(), e);
    }
    int dataStart = 8 + (int) headerSize;
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      out.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), buf, dataStart));
    }
    return out;
  }

  private static INDArray tensor(Path file, String name, JsonNode info, ByteBuffer buf, int start)
      throws WeightFileException {
    String dtype = info.path("dtype").asText();
    DataType type =
        switch (dtype) {
          case "F32" -> DataType.FLOAT;
          case "F64" -> DataType.DOUBLE;
          default ->
              throw new WeightFileException(
                  file,
                  "'"
                      + file
                      + "': tensor '"
                      + name
                      + "' is "
                      + dtype
                      + "; design weights must be F32 or F64.");
        };
    JsonNode shapeNode = info.path("shape");
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      count *= shape[i];
    }
    long begin = info.path("data_offsets").path(0).asLong(-1);
    long end = info.path("data_offsets").path(1).asLong(-1);
    if (begin < 0 || end - begin != count * type.width() || start + end > buf.capacity()) {
      throw new WeightFileException(
          file, "'" + file + "': tensor '" + name + "' has data offsets that don't fit its shape.");
    }
    ByteBuffer data = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    data.position(start + (int) begin);
    if (type == DataType.DOUBLE) {
      double[] v = new double[(int) count];
      data.asDoubleBuffer().get(v);
      return Nd4j.create(v, shape, DataType.DOUBLE);
    }
    float[] v = new float[(int) count];
    data.asFloatBuffer().get(v);
    return Nd4j.create(v, shape, DataType.FLOAT);
  }

  /** The safetensors name of a data type, or null if design weights can't have it. */
  static String typeName(DataType t) {
    return switch (t) {
      case FLOAT -> "F32";
      case DOUBLE -> "F64";
      default -> null;
    };
  }
}
