package dev.replens.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * State dicts damaged the ways real ones are (keys dropped or renamed, tensors of the wrong shape,
 * rank or type, NaN): the inspector reports findings and never throws; the converter either
 * converts or refuses with its own exception.
 */
class NetworkInspectorFuzzTest {

  static final String[] SEGMENTS = {
    "rbr_dense",
    "rbr_1x1",
    "rbr_identity",
    "rbr_reparam",
    "dbb_origin",
    "dbb_avg",
    "dbb_1x1_kxk",
    "dbb_kxk",
    "square_conv",
    "weight_orepa_origin",
    "vector",
    "bn",
    "conv",
    "weight0",
    "fused_conv"
  };

  @ParameterizedTest
  @ValueSource(strings = {"repvgg_groups.npz", "dbb_resnet.npz", "mixed.npz"})
  void damagedNetworksGiveFindingsNotExceptions(String file) throws Exception {
    Checkpoint base = Checkpoints.read(NetworkGoldenTest.dir().resolve(file), Progress.NONE);
    Random rnd = new Random(file.hashCode());
    int refused = 0;
    for (int round = 0; round < 20; round++) {
      Map<String, INDArray> t = new LinkedHashMap<>(base.tensors());
      Map<String, Number> s = new LinkedHashMap<>(base.scalars());
      List<String> keys = new ArrayList<>(t.keySet());
      int edits = 1 + rnd.nextInt(3);
      for (int e = 0; e < edits; e++) {
        String k = keys.get(rnd.nextInt(keys.size()));
        if (!t.containsKey(k)) {
          continue;
        }
        INDArray v = t.get(k);
        switch (rnd.nextInt(7)) {
          case 0 -> t.remove(k);
          case 1 -> {
            t.remove(k);
            String[] segs = k.split("\\.");
            segs[rnd.nextInt(segs.length)] = SEGMENTS[rnd.nextInt(SEGMENTS.length)];
            t.put(String.join(".", segs), v);
          }
          case 2 -> t.put(k, Nd4j.zeros(DataType.FLOAT, 1 + rnd.nextInt(5), 1 + rnd.nextInt(3)));
          case 3 -> t.put(k, Nd4j.zeros(DataType.FLOAT, v.length()));
          case 4 -> t.put(k, v.castTo(DataType.INT64));
          case 5 -> {
            INDArray nan = v.castTo(DataType.FLOAT).dup();
            nan.putScalar(0, Float.NaN);
            t.put(k, nan);
          }
          default ->
              t.put(k, Nd4j.zeros(DataType.FLOAT, 2, 3, 1 + rnd.nextInt(4), 1 + rnd.nextInt(4)));
        }
      }
      Checkpoint damaged = new Checkpoint(base.file(), base.format(), t, s, Map.of(), List.of());
      NetworkReport r = NetworkInspector.inspect(damaged, Progress.NONE);
      assertThat(r.blocks().size() + r.passThroughKeys()).isPositive();
      try {
        Checkpoint d = NetworkConverter.convert(damaged, r, Progress.NONE);
        assertThat(d.keys()).isNotEmpty();
      } catch (NetworkConversionException e) {
        refused++;
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
    assertThat(refused).isPositive();
  }
}
