package dev.replens.engine.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.io.family.Family;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every family found by its key signature inside a network: the single-block golden cases of {@code
 * tools/golden/make_golden.py}, their keys put under a module prefix, must be recognized with their
 * channels and groups, fused to the official kernel and written under the official deploy name.
 */
class NetworkFamiliesTest {

  static Path golden(String name) {
    try {
      return Path.of(NetworkFamiliesTest.class.getResource("/golden/manifest.json").toURI())
          .resolveSibling(name);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "acb_k3p1_c4to8_f32, ACB, 4, 8, 3, 1, fused_conv",
    "acb_k3p1_c4to8_f64, ACB, 4, 8, 3, 1, fused_conv",
    "dbb_k3_c4to8_f32, DBB, 4, 8, 3, 1, dbb_reparam",
    "dbb_k5_c8_g2_s2_f32, DBB, 8, 8, 5, 2, dbb_reparam",
    "dyrep_k3_c8_all_f32, DYREP_DBB, 8, 8, 3, 1, conv_deployed",
    "dyrep_k5_c8_dw_s2_f64, DYREP_DBB, 8, 8, 5, 8, conv_deployed",
    "orepa1x1_c4to8_f32, OREPA_1X1, 4, 8, 1, 1, or1x1_reparam",
    "orepa_k3_c4to8_f32, OREPA, 4, 8, 3, 1, orepa_reparam",
    "orepa_k5_c8_dw_f32, OREPA, 8, 8, 5, 8, orepa_reparam",
    "orepa_large_k5_c4to8_f32, OREPA_LARGE, 4, 8, 5, 1, or_large_reparam",
    "orepa_repvgg_c8_id_f32, OREPA_REPVGG, 8, 8, 3, 1, rbr_reparam",
    "repvgg_k3_c8_dw_f32, REPVGG, 8, 8, 3, 8, rbr_reparam",
    "repvgg_k3_c8_id_f64, REPVGG, 8, 8, 3, 1, rbr_reparam",
  })
  void theBlockIsFoundFusedAndNamed(
      String name, Family family, int in, int out, int k, int groups, String deploy)
      throws Exception {
    Checkpoint block = Checkpoints.read(golden(name + ".npz"), Progress.NONE);
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put("stem.weight", block.tensors().values().iterator().next());
    block.tensors().forEach((key, v) -> t.put("features.3." + key, v));
    t.put("head.fc.weight", block.tensors().values().iterator().next());
    Map<String, Number> s = new LinkedHashMap<>();
    block.scalars().forEach((key, v) -> s.put("features.3." + key, v));
    Checkpoint net =
        new Checkpoint(block.file(), block.format(), t, s, Map.of(), java.util.List.of());

    NetworkReport r = NetworkInspector.inspect(net, Progress.NONE);
    assertThat(r.errors()).isEmpty();
    assertThat(r.blocks()).singleElement();
    BlockReport b = r.blocks().get(0);
    assertThat(b.prefix()).isEqualTo("features.3");
    assertThat(b.family()).isEqualTo(family);
    assertThat(new int[] {b.inChannels(), b.outChannels(), b.kernel(), b.groups()})
        .containsExactly(in, out, k, groups);
    assertThat(b.verdict().withinRoundOff()).as(b.verdict().text()).isTrue();
    assertThat(r.passThroughKeys()).isEqualTo(2);

    Checkpoint d = NetworkConverter.convert(net, r, Progress.NONE);
    Checkpoint expected = Checkpoints.read(golden(name + ".expected.npz"), Progress.NONE);
    assertThat(d.keys())
        .containsExactly(
            "stem.weight",
            "features.3." + deploy + ".weight",
            "features.3." + deploy + ".bias",
            "head.fc.weight");
    double tol = name.endsWith("f64") ? 1e-10 : 1e-5;
    for (String p : new String[] {"weight", "bias"}) {
      INDArray ours = d.tensors().get("features.3." + deploy + "." + p).castTo(DataType.DOUBLE);
      INDArray want = expected.tensors().get(p).castTo(DataType.DOUBLE).reshape(ours.shape());
      double rel = ours.sub(want).amaxNumber().doubleValue() / want.amaxNumber().doubleValue();
      assertThat(rel).as(p).isLessThanOrEqualTo(tol);
    }
  }
}
