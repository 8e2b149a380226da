package dev.replens.engine.io.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.memory.MemoryBudget;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Hugging Face safetensors files (the format of github.com/huggingface/safetensors, README
 * "Format"):
 *
 * <pre>
 * 8 bytes         N, an unsigned little-endian 64-bit integer: the size of the header
 * N bytes         a UTF-8 JSON object: {"__metadata__": {"k": "v", ...},
 *                   "name": {"dtype": "F32", "shape": [4, 3], "data_offsets": [begin, end]}, ...}
 * rest            the tensors' raw little-endian, C-ordered bytes; offsets count from here
 * </pre>
 *
 * The header is parsed with Jackson, with duplicate keys refused. Every number in it is checked
 * before it is used, as the reference implementation checks it: the header against the file and 100
 * MB, each tensor's byte range against its dtype and shape (in overflow-checked long arithmetic)
 * and the end of the data, and the ranges together: sorted by offset they must cover the data
 * exactly, without overlaps or gaps. Sizes are checked against the {@link MemoryBudget} before
 * anything is allocated; the tensors are then read from the file channel straight into their
 * arrays.
 *
 * <p>Types: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL (half precision widened to float32).
 * The tensors keep the header's order; {@code __metadata__} becomes a note.
 */
final class SafetensorsReader {

  private static final Logger LOG = LoggerFactory.getLogger(SafetensorsReader.class);

  /** The largest header, as the reference implementation allows. */
  static final long MAX_HEADER = 100_000_000L;

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private record Entry(String key, TensorType type, long[] shape, long begin, long end) {}

  private SafetensorsReader() {}

  static Checkpoint read(Path file, Progress progress, MemoryBudget budget)
      throws WeightFileException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(file, ch, progress, budget);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "Can't read " + MessageText.name(file) + ": " + MessageText.cause(e) + ".", e);
    }
  }

  private static Checkpoint read(Path file, FileChannel ch, Progress progress, MemoryBudget budget)
      throws WeightFileException, IOException {
    long size = ch.size();
    if (size < 8) {
      throw error(file, "it is only " + size + " bytes, too short for a safetensors file");
    }
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, len, 0);
    long n = len.getLong(0);
    if (n < 0 || n > size - 8) {
      throw error(
          file,
          "its header length says "
              + Long.toUnsignedString(n)
              + " bytes, but only "
              + (size - 8)
              + " bytes follow; the file is truncated or not a safetensors file");
    }
    if (n > MAX_HEADER) {
      throw error(
          file,
          "its header is "
              + MemoryBudget.format(n)
              + ", more than the "
              + MemoryBudget.format(MAX_HEADER)
              + " the safetensors format allows");
    }
    ByteBuffer header = ByteBuffer.allocate((int) n);
    readFully(ch, header, 8);
    long dataStart = 8 + n;
    long dataLength = size - dataStart;
    JsonNode root;
    try {
      root = JSON.readTree(header.array());
    } catch (JsonProcessingException e) {
      String m = String.valueOf(e.getOriginalMessage());
      int quote = m.lastIndexOf('\'');
      if (m.startsWith("Duplicate field '") && quote > "Duplicate field '".length()) {
        String key = m.substring("Duplicate field '".length(), quote);
        throw error(
            file,
            "its header names " + MessageText.key(key) + " twice; the file is forged or damaged");
      }
      throw error(
          file,
          "its header is not valid JSON ("
              + MessageText.clip(e.getOriginalMessage())
              + (e.getLocation() == null
                  ? ""
                  : ", at byte " + (8 + Math.max(0, e.getLocation().getByteOffset())))
              + ")");
    }
    if (root == null || !root.isObject()) {
      throw error(file, "its header is not a JSON object");
    }
    List<String> notes = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("__metadata__")) {
        notes.addAll(metadata(file, f.getValue()));
      } else {
        entries.add(entry(file, f.getKey(), f.getValue(), dataLength));
      }
    }
    checkCoverage(file, entries, dataLength);
    long total = 0;
    long memory = 0;
    for (Entry e : entries) {
      TensorChecks.fits(budget, file, "tensor " + MessageText.key(e.key()), e.type(), e.shape());
      total += e.end() - e.begin();
      memory += (e.end() - e.begin()) / e.type().size() * e.type().memorySize();
    }
    TensorChecks.totalFits(budget, file, memory);

    Map<String, INDArray> tensors = new LinkedHashMap<>();
    Map<String, Number> scalars = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    long[] done = {0};
    final long all = total;
    for (Entry e : entries) {
      INDArray a;
      try {
        a =
            RawTensors.read(
                RawTensors.of(ch, dataStart + e.begin()),
                e.type(),
                e.shape(),
                ByteOrder.LITTLE_ENDIAN,
                step -> {
                  done[0] += step;
                  progress.update(done[0], all, "reading " + e.key());
                });
      } catch (EOFException ex) {
        throw error(
            file, "tensor " + MessageText.key(e.key()) + " is cut off; the file is truncated");
      }
      types.put(e.key(), e.type().typeName());
      if (e.shape().length == 0) {
        scalars.put(e.key(), RawTensors.scalar(a, 0, e.type()));
      } else {
        tensors.put(e.key(), a);
      }
    }
    notes.addAll(TensorType.widenedNotes(types));
    LOG.debug("read {}: {} tensors, {} bytes", file.getFileName(), entries.size(), total);
    return new Checkpoint(file, CheckpointFormat.SAFETENSORS, tensors, scalars, types, notes);
  }

  private static List<String> metadata(Path file, JsonNode m) throws WeightFileException {
    if (!m.isObject()) {
      throw error(file, "its __metadata__ is not an object of strings");
    }
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual()) {
        throw error(
            file, "its __metadata__ entry " + MessageText.key(f.getKey()) + " is not a string");
      }
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(f.getKey())
          .append('=')
          .append(f.getValue().asText());
    }
    return sb.length() == 0
        ? List.of()
        : List.of("safetensors metadata: " + MessageText.clip(sb.toString()));
  }

  private static Entry entry(Path file, String key, JsonNode v, long dataLength)
      throws WeightFileException {
    String what = "tensor " + MessageText.key(key);
    if (!v.isObject()) {
      throw error(file, what + " is described by " + v.getNodeType() + " instead of an object");
    }
    JsonNode dtype = v.get("dtype");
    JsonNode shape = v.get("shape");
    JsonNode offsets = v.get("data_offsets");
    if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()) {
      throw error(file, what + " lacks its dtype or shape");
    }
    TensorType type =
        TensorType.ofSafetensorsCode(dtype.asText())
            .orElseThrow(
                () ->
                    error(
                        file,
                        what
                            + " is of dtype "
                            + MessageText.clip(dtype.asText())
                            + ", which RepLens doesn't read (it reads "
                            + TensorType.allSafetensorsCodes()
                            + ")"));
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = shape.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
        throw error(file, what + " has a shape that is not a list of non-negative integers");
      }
      dims[i] = d.asLong();
    }
    if (offsets == null
        || !offsets.isArray()
        || offsets.size() != 2
        || !offsets.get(0).isIntegralNumber()
        || !offsets.get(1).isIntegralNumber()
        || !offsets.get(0).canConvertToLong()
        || !offsets.get(1).canConvertToLong()) {
      throw error(file, what + " lacks its data_offsets [begin, end]");
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin) {
      throw error(file, what + " has the impossible data_offsets [" + begin + ", " + end + "]");
    }
    if (end > dataLength) {
      throw error(
          file,
          what
              + " ends at byte "
              + end
              + " of the data, but the file has only "
              + dataLength
              + " bytes of data; it is truncated or its offsets are out of range");
    }
    long count = TensorChecks.elements(file, what, dims);
    long bytes;
    try {
      bytes = Math.multiplyExact(count, type.size());
    } catch (ArithmeticException e) {
      throw error(file, what + " announces the impossible shape " + Arrays.toString(dims));
    }
    if (end - begin != bytes) {
      throw error(
          file,
          what
              + " holds "
              + (end - begin)
              + " bytes, but its shape "
              + Arrays.toString(dims)
              + " of "
              + type.safetensorsCode()
              + " needs "
              + bytes);
    }
    return new Entry(key, type, dims, begin, end);
  }

  /** The byte ranges, sorted, must tile the data: no overlap, no gap, nothing after. */
  private static void checkCoverage(Path file, List<Entry> entries, long dataLength)
      throws WeightFileException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long at = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin() < at) {
        throw error(
            file,
            "tensors "
                + MessageText.key(previous.key())
                + " and "
                + MessageText.key(e.key())
                + " overlap in the data; the file is forged or damaged");
      }
      if (e.begin() > at) {
        throw error(
            file,
            "bytes "
                + at
                + " to "
                + e.begin()
                + " of the data belong to no tensor; the file is forged or damaged");
      }
      at = e.end();
      previous = e;
    }
    if (at != dataLength) {
      throw error(
          file,
          "its last "
              + (dataLength - at)
              + " bytes belong to no tensor; the file is forged or damaged");
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, at);
      if (n < 0) {
        throw new EOFException();
      }
      at += n;
    }
  }

  private static WeightFileException error(Path file, String what) {
    return new WeightFileException(
        file, "Can't read " + MessageText.name(file) + ": " + what + ".");
  }
}
