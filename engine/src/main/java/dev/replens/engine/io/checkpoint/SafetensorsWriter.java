package dev.replens.engine.io.checkpoint;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replens.engine.io.AtomicFiles;
import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a state dict as a safetensors file ({@link SafetensorsReader} describes the format). The
 * header lists the tensors in the map's order, with {@code "__metadata__": {"format": "pt"}} first,
 * as the Python library writes it for PyTorch; it is padded with spaces to a multiple of 8 bytes.
 * The data are laid out by element size, largest first (in the map's order within one size), so
 * that every tensor starts at a multiple of its element size, as the reference writer lays them
 * out. The file is written atomically ({@link AtomicFiles}).
 */
final class SafetensorsWriter {

  private static final JsonMapper JSON = new JsonMapper();

  private SafetensorsWriter() {}

  /**
   * Writes the entries.
   *
   * @param entries arrays of any rank (0-d included) of a type {@link TensorType#of} knows
   */
  static void write(Path file, Map<String, INDArray> entries, Progress progress)
      throws WeightFileException {
    List<String> layout = new ArrayList<>(entries.keySet());
    layout.sort(Comparator.comparingInt(k -> -type(entries.get(k)).size()));
    Map<String, long[]> offsets = new HashMap<>();
    long at = 0;
    for (String k : layout) {
      INDArray a = entries.get(k);
      long bytes = a.length() * type(a).size();
      offsets.put(k, new long[] {at, at + bytes});
      at += bytes;
    }
    long total = at;
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    for (Map.Entry<String, INDArray> e : entries.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", type(e.getValue()).safetensorsCode());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long[] o = offsets.get(e.getKey());
      t.putArray("data_offsets").add(o[0]).add(o[1]);
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new WeightFileException(file, "Can't write '" + file + "': " + MessageText.cause(e), e);
    }
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    AtomicFiles.write(
        file,
        os -> {
          RawTensors.copy(head, os);
          long done = 0;
          for (String k : layout) {
            INDArray a = entries.get(k);
            RawTensors.withBytes(a, type(a), bytes -> RawTensors.copy(bytes, os));
            done += a.length() * type(a).size();
            progress.update(done, total, "writing " + k);
          }
        });
  }

  private static TensorType type(INDArray a) {
    return TensorType.of(a.dataType()).orElseThrow();
  }
}
