package dev.replens.engine.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Safetensors files: a hand-built file with a 2x3 float32 tensor, and design weights round trip.
 */
class SafetensorsTest {

  @TempDir Path dir;

  @Test
  void readsAHandBuiltFileWithMetadata() throws Exception {
    byte[] header =
        ("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + 24).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    for (int i = 0; i < 6; i++) {
      b.putFloat(i * 0.5f);
    }
    Path f = dir.resolve("w.safetensors");
    Files.write(f, b.array());
    Map<String, INDArray> a = SafetensorsReader.read(f);
    assertThat(a).containsOnlyKeys("w");
    assertThat(a.get("w").shape()).containsExactly(2, 3);
    assertThat(a.get("w").getFloat(1, 2)).isEqualTo(2.5f);
  }

  @Test
  void designWeightsRoundTripInBothPrecisions() throws Exception {
    BlockSpec spec = TestDesigns.dbb(4, 8, 3, 1, 1);
    for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Weights w = WeightInit.forAnalysis(spec, dt, 3);
      Path f = dir.resolve("d-" + dt + ".safetensors");
      DesignWeights.write(f, w);
      Weights back = DesignWeights.read(f, spec);
      assertThat(back.dtype()).isEqualTo(dt);
      assertThat(back.keys()).containsExactlyElementsOf(w.keys());
      for (String k : w.keys()) {
        assertThat(back.get(k).equalsWithEps(w.get(k), 0)).as(k).isTrue();
      }
    }
  }

  @Test
  void anIntegerTensorIsRefusedNamingIt() throws Exception {
    Map<String, INDArray> m = new LinkedHashMap<>();
    m.put("a", Nd4j.ones(DataType.FLOAT, 2));
    Path f = dir.resolve("x.safetensors");
    SafetensorsWriter.write(f, m);
    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
    Files.write(f, text.replace("F32", "I32").getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> SafetensorsReader.read(f))
        .isInstanceOf(WeightFileException.class)
        .hasMessageContaining("tensor 'a' is I32");
  }
}
