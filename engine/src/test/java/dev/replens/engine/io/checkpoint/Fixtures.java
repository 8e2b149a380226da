package dev.replens.engine.io.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fixtures of {@code tools/checkpoint/make_checkpoints.py} (test resources under {@code
 * checkpoint/}), and their expected values as PyTorch holds them ({@code <name>.expected.json}).
 */
final class Fixtures {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private Fixtures() {}

  /** The folder of the fixtures. */
  static Path dir() {
    try {
      return Path.of(Fixtures.class.getResource("/checkpoint/sd_f32.pth").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One fixture. */
  static Path file(String name) {
    return dir().resolve(name);
  }

  /** The expected values of a fixture family, e.g. {@code sd_f32}. */
  static JsonNode expected(String family) {
    try {
      return JSON.readTree(file(family + ".expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tensor keys of an expected file, in PyTorch's order. */
  static List<String> tensorKeys(JsonNode expected) {
    List<String> keys = new ArrayList<>();
    expected.get("tensors").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** The 0-d keys of an expected file, in PyTorch's order. */
  static List<String> scalarKeys(JsonNode expected) {
    List<String> keys = new ArrayList<>();
    expected.get("scalars").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /**
   * Asserts that a checkpoint holds exactly the expected keys, stored types, shapes and values:
   * every element bit for bit (signed zeros, infinities and NaN included).
   */
  static void assertMatches(Checkpoint c, JsonNode expected) {
    assertThat(c.tensors().keySet()).containsExactlyInAnyOrderElementsOf(tensorKeys(expected));
    assertThat(c.scalars().keySet()).containsExactlyInAnyOrderElementsOf(scalarKeys(expected));
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("tensors").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode x = e.getValue();
      assertThat(c.storedTypes().get(key)).as(key).isEqualTo(x.get("dtype").asText());
      INDArray a = c.tensors().get(key);
      long[] shape = new long[x.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = x.get("shape").get(i).asLong();
      }
      assertThat(a.shape()).as(key).containsExactly(shape);
      INDArray flat = a.dup('c').reshape(a.length());
      JsonNode values = x.get("values");
      assertThat(flat.length()).as(key).isEqualTo(values.size());
      for (int i = 0; i < values.size(); i++) {
        assertElement(key + "[" + i + "]", flat, i, values.get(i), x.get("dtype").asText());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("scalars").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode x = e.getValue();
      assertThat(c.storedTypes().get(key)).as(key).isEqualTo(x.get("dtype").asText());
      Number v = c.scalars().get(key);
      assertScalar(key, v, x.get("value"), x.get("dtype").asText());
    }
  }

  private static void assertElement(String what, INDArray flat, int i, JsonNode x, String type) {
    if (type.startsWith("float") || type.equals("bfloat16")) {
      double actual = type.equals("float64") ? flat.getDouble(i) : (double) flat.getFloat(i);
      assertSameDouble(what, actual, x.asDouble());
    } else {
      assertThat(flat.getLong(i)).as(what).isEqualTo(x.asLong());
    }
  }

  private static void assertScalar(String key, Number v, JsonNode x, String type) {
    if (type.startsWith("float") || type.equals("bfloat16")) {
      assertSameDouble(key, v.doubleValue(), x.asDouble());
    } else if (type.equals("bool")) {
      assertThat(v.longValue()).as(key).isEqualTo(x.asBoolean() ? 1 : 0);
    } else {
      assertThat(v.longValue()).as(key).isEqualTo(x.asLong());
    }
  }

  /** Equal bit for bit, but any NaN equals any NaN. */
  static void assertSameDouble(String what, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
    } else {
      assertThat(Double.doubleToLongBits(actual))
          .as(what + ": " + actual + " vs " + expected)
          .isEqualTo(Double.doubleToLongBits(expected));
    }
  }
}
