package dev.replens.engine.io.checkpoint;

import static dev.replens.engine.io.checkpoint.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writing .pth, .safetensors and .npz: checkpoints read from the fixtures of {@code
 * make_checkpoints.py} (the small conv net's state dict in float32/float64/float16, the integer
 * buffers, the views) are written and read back identically, and PyTorch's {@code
 * torch.load(weights_only=True)} and NumPy read what was written to the same values.
 */
class CheckpointWritersTest {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "sd_f32.pth, pth",
    "sd_f32.pth, safetensors",
    "sd_f32.pth, npz",
    "sd_f64.safetensors, pth",
    "sd_f64.pth, npz",
    "sd_f16.pth, pth",
    "sd_bf16.safetensors, safetensors",
    "buffers.pth, pth",
    "buffers.pth, safetensors",
    "views.pth, pth",
    "views.pth, safetensors"
  })
  void whatIsWrittenReadsBackIdentically(String source, String extension) throws Exception {
    Checkpoint in = Checkpoints.read(file(source), Progress.NONE);
    Path out = tmp.resolve("out." + extension);
    Checkpoints.write(out, in, Progress.NONE);
    Checkpoint back = Checkpoints.read(out, Progress.NONE);
    assertThat(new ArrayList<>(back.tensors().keySet()))
        .isEqualTo(new ArrayList<>(in.tensors().keySet()));
    assertThat(back.scalars()).isEqualTo(in.scalars());
    in.tensors()
        .forEach(
            (k, v) -> {
              INDArray w = back.tensors().get(k);
              assertThat(w.dataType()).as(k).isEqualTo(v.dataType());
              assertThat(w.shape()).as(k).isEqualTo(v.shape());
              assertThat(w.equals(v) || sameBits(v, w)).as(k).isTrue();
            });
    for (String k : in.scalars().keySet()) {
      assertThat(back.storedTypes().get(k)).as(k).isEqualTo(in.storedTypes().get(k));
    }
  }

  /** Equal element for element, NaN matching NaN (ND4J's equals says NaN != NaN). */
  private static boolean sameBits(INDArray a, INDArray b) {
    double[] x = a.dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    double[] y = b.dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    for (int i = 0; i < x.length; i++) {
      if (Double.doubleToLongBits(x[i]) != Double.doubleToLongBits(y[i])) {
        return false;
      }
    }
    return x.length == y.length;
  }

  @Test
  void numBatchesTrackedIsWrittenAsA0dInt64() throws Exception {
    Path out = tmp.resolve("bn.pth");
    Checkpoints.write(
        out,
        Map.of("bn.running_mean", Nd4j.zeros(3)),
        Map.of("bn.num_batches_tracked", 0L),
        Progress.NONE);
    Checkpoint back = Checkpoints.read(out, Progress.NONE);
    assertThat(back.scalars()).containsExactly(Map.entry("bn.num_batches_tracked", 0L));
    assertThat(back.storedTypes()).containsEntry("bn.num_batches_tracked", "int64");
  }

  @Test
  void everyStorageOfOurPthStartsAtAMultipleOf64Bytes() throws Exception {
    Path out = tmp.resolve("aligned.pth");
    Checkpoints.write(out, Checkpoints.read(file("buffers.pth"), Progress.NONE), Progress.NONE);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    int storages = 0;
    int at = 0;
    while (b.getInt(at) == 0x04034b50) {
      int size = b.getInt(at + 18);
      int nameLength = b.getShort(at + 26) & 0xffff;
      int extraLength = b.getShort(at + 28) & 0xffff;
      String name = new String(b.array(), at + 30, nameLength, StandardCharsets.UTF_8);
      int data = at + 30 + nameLength + extraLength;
      if (name.startsWith("archive/data/")) {
        assertThat(data % 64).as(name).isZero();
        storages++;
      }
      at = data + size;
    }
    assertThat(storages).isEqualTo(9);
  }

  @Test
  void typesAnNpzCantHoldAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path out = Files.writeString(tmp.resolve("kept.npz"), "the user's file");
    Checkpoint buffers = Checkpoints.read(file("buffers.pth"), Progress.NONE);
    assertThatThrownBy(() -> Checkpoints.write(out, buffers, Progress.NONE))
        .isInstanceOf(WeightFileException.class)
        .hasMessage(
            "Can't write 'kept.npz': 'short' is int16, and .npz files hold float32, float64, int32"
                + " and int64; write .pth or .safetensors instead.");
    assertThat(Files.readString(out)).isEqualTo("the user's file");
    try (var files = Files.list(tmp)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void anUnknownExtensionOrMissingFolderIsAMessage() {
    Map<String, INDArray> one = Map.of("w", Nd4j.ones(2));
    assertThatThrownBy(() -> Checkpoints.write(tmp.resolve("w.onnx"), one, Progress.NONE))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("name it .pth, .safetensors or .npz");
    assertThatThrownBy(
            () -> Checkpoints.write(tmp.resolve("no/such/dir/w.pth"), one, Progress.NONE))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("doesn't exist");
  }

  /**
   * PyTorch reads our .pth with {@code torch.load(f, weights_only=True)}, NumPy our .npz, and a
   * plain JSON + NumPy reading of our .safetensors gives the same values; all are compared bit for
   * bit with what was written. One Python process reads every file (importing torch takes seconds).
   */
  @Test
  void pytorchAndNumpyReadWhatWeWrite() throws Exception {
    assumeTrue(
        pythonHasTorch(),
        "/usr/bin/python3 with torch (Debian's python3-torch) is not installed: the check that"
            + " torch.load reads our files is skipped");
    String[][] cases = {
      {"sd_f32.pth", "pth"},
      {"sd_f64.pth", "pth"},
      {"sd_f16.pth", "pth"},
      {"buffers.pth", "pth"},
      {"views.pth", "pth"},
      {"sd_f32.pth", "npz"},
      {"sd_f32.pth", "safetensors"},
      {"buffers.pth", "safetensors"}
    };
    Map<String, Checkpoint> written = new LinkedHashMap<>();
    for (int i = 0; i < cases.length; i++) {
      Checkpoint in = Checkpoints.read(file(cases[i][0]), Progress.NONE);
      Path out = tmp.resolve("ours" + i + "." + cases[i][1]);
      Checkpoints.write(out, in, Progress.NONE);
      written.put(out.toString(), in);
    }
    JsonNode all = JSON.readTree(python(READ_BACK, written.keySet().toArray(String[]::new)));
    assertThat(all.size()).isEqualTo(cases.length);
    for (Map.Entry<String, Checkpoint> w : written.entrySet()) {
      assertReadAsWritten(w.getKey(), all.get(w.getKey()), w.getValue());
    }
  }

  private static void assertReadAsWritten(String path, JsonNode seen, Checkpoint in) {
    Map<String, String> types = new LinkedHashMap<>(in.storedTypes());
    in.tensors().forEach((k, v) -> types.put(k, TensorType.of(v.dataType()).get().typeName()));
    List<String> keys = new ArrayList<>(in.tensors().keySet());
    keys.addAll(in.scalars().keySet());
    List<String> pythonKeys = new ArrayList<>();
    seen.fieldNames().forEachRemaining(pythonKeys::add);
    assertThat(pythonKeys).as(path).containsExactlyInAnyOrderElementsOf(keys);
    if (path.endsWith(".pth")) {
      assertThat(pythonKeys).as(path).isEqualTo(keys);
    }
    for (String k : keys) {
      JsonNode x = seen.get(k);
      String what = path + " " + k;
      assertThat(x.get("dtype").asText()).as(what).isEqualTo(types.get(k));
      INDArray a = in.tensors().get(k);
      if (a == null) {
        assertThat(x.get("shape").size()).as(what).isZero();
        Fixtures.assertSameDouble(
            what, in.scalars().get(k).doubleValue(), x.get("values").get(0).asDouble());
        continue;
      }
      assertThat(x.get("shape").size()).as(what).isEqualTo(a.rank());
      INDArray flat = a.dup('c').reshape(a.length());
      assertThat(x.get("values").size()).as(what).isEqualTo(flat.length());
      for (int i = 0; i < flat.length(); i++) {
        if (a.dataType().isFPType()) {
          Fixtures.assertSameDouble(
              what + "[" + i + "]", flat.getDouble(i), x.get("values").get(i).asDouble());
        } else {
          assertThat(flat.getLong(i)).as(what).isEqualTo(x.get("values").get(i).asLong());
        }
      }
    }
  }

  /**
   * For every path argument: a .pth read with torch.load(weights_only=True), an .npz with numpy, a
   * .safetensors by hand (json + numpy); prints {path: {key: {dtype, shape, values}}}.
   */
  private static final String READ_BACK =
      String.join(
          "\n",
          "import json, struct, sys",
          "import numpy as np",
          "import torch",
          "CODES = {'F32': 'float32', 'F64': 'float64', 'I64': 'int64', 'I32': 'int32',",
          "         'I16': 'int16', 'I8': 'int8', 'U8': 'uint8', 'BOOL': 'bool'}",
          "def read(path):",
          "  out = {}",
          "  def put(k, dtype, shape, values):",
          "    out[k] = {'dtype': dtype, 'shape': list(shape), 'values': values}",
          "  if path.endswith('.pth'):",
          "    sd = torch.load(path, weights_only=True)",
          "    assert type(sd).__name__ == 'OrderedDict', type(sd)",
          "    for k, v in sd.items():",
          "      vals = v.contiguous().reshape(-1)",
          "      if v.dtype == torch.bool: vals = vals.to(torch.int64)",
          "      put(k, str(v.dtype).replace('torch.', ''), v.shape, vals.tolist())",
          "  elif path.endswith('.npz'):",
          "    with np.load(path) as z:",
          "      for k in z.files:",
          "        put(k, str(z[k].dtype), z[k].shape, z[k].reshape(-1).tolist())",
          "  else:",
          "    data = open(path, 'rb').read()",
          "    n = struct.unpack('<Q', data[:8])[0]",
          "    for k, t in json.loads(data[8:8 + n]).items():",
          "      if k == '__metadata__': continue",
          "      b, e = t['data_offsets']",
          "      v = np.frombuffer(data[8 + n + b:8 + n + e], dtype=CODES[t['dtype']])",
          "      if t['dtype'] == 'BOOL': v = v.astype(np.int64)",
          "      put(k, CODES[t['dtype']], t['shape'], v.tolist())",
          "  return out",
          "print(json.dumps({p: read(p) for p in sys.argv[1:]}))");

  private static Boolean hasTorch;

  private static synchronized boolean pythonHasTorch() {
    if (hasTorch == null) {
      try {
        // find_spec looks torch up without importing it, which takes seconds
        hasTorch =
            Files.isExecutable(Path.of("/usr/bin/python3"))
                && python(
                        "import importlib.util as u;"
                            + " print(u.find_spec('torch') is not None"
                            + " and u.find_spec('numpy') is not None)")
                    .strip()
                    .equals("True");
      } catch (IOException | InterruptedException | AssertionError e) {
        hasTorch = false;
      }
    }
    return hasTorch;
  }

  private static String python(String script, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("replens-python", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("python: " + Files.readString(err)).isZero();
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
