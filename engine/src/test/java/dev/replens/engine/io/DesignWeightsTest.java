package dev.replens.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Safetensors files: a hand-built file with a 2x3 float32 tensor, and design weights round trip.
 */
/** Design weights written and read back in every state-dict format, float32 and float64. */
class DesignWeightsTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"npz", "safetensors", "pth"})
  void designWeightsRoundTripInBothPrecisions(String extension) throws Exception {
    BlockSpec spec = TestDesigns.dbb(4, 8, 3, 1, 1);
    for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Weights w = WeightInit.forAnalysis(spec, dt, 3);
      Path f = dir.resolve("d-" + dt + "." + extension);
      DesignWeights.write(f, w);
      Weights back = DesignWeights.read(f, spec);
      assertThat(back.dtype()).isEqualTo(dt);
      assertThat(back.keys()).containsExactlyElementsOf(w.keys());
      for (String k : w.keys()) {
        assertThat(back.get(k).equalsWithEps(w.get(k), 0)).as(k).isTrue();
      }
    }
  }
}
