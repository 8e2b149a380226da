package dev.replens.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeded batches: same seed, same batches; each epoch a permutation without repeats. */
class BatchSamplerTest {

  private static final Dataset DATA = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 50, 1);

  @Test
  void theSameSeedGivesTheSameBatches() {
    BatchSampler a = new BatchSampler(DATA, 8, 3);
    BatchSampler b = new BatchSampler(DATA, 8, 3);
    BatchSampler c = new BatchSampler(DATA, 8, 4);
    for (int i = 0; i < 10; i++) {
      Batch x = a.next();
      assertThat(b.next().indices()).containsExactly(x.indices());
      if (i == 0) {
        assertThat(c.next().indices()).isNotEqualTo(x.indices());
      }
    }
  }

  @Test
  void anEpochVisitsEveryImageAtMostOnceAndDropsTheRemainder() {
    BatchSampler s = new BatchSampler(DATA, 8, 9);
    assertThat(s.batchesPerEpoch()).isEqualTo(6);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Batch b = s.next();
      assertThat(b.size()).isEqualTo(8);
      for (int k = 0; k < 8; k++) {
        assertThat(seen.add(b.indices()[k])).isTrue();
        assertThat(b.labels()[k]).isEqualTo(DATA.label(b.indices()[k]));
      }
    }
    assertThat(seen).hasSize(48);
    assertThat(s.epoch()).isEqualTo(1);
  }

  @Test
  void aBatchDrawnIntoTheCallersArrayEqualsAFreshOne() {
    BatchSampler fresh = new BatchSampler(DATA, 8, 3);
    BatchSampler reused = new BatchSampler(DATA, 8, 3);
    float[] into = new float[8 * DATA.imageLength()];
    for (int i = 0; i < 9; i++) { // past the end of the first epoch
      Batch a = fresh.next();
      Batch b = reused.next(into);
      assertThat(b.images()).isSameAs(into).containsExactly(a.images());
      assertThat(b.labels()).containsExactly(a.labels());
      assertThat(b.indices()).containsExactly(a.indices());
    }
    assertThatThrownBy(() -> reused.next(new float[7 * DATA.imageLength()]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a batch of 8 images needs");
  }

  @Test
  void aBatchLargerThanTheDataIsRejected() {
    assertThatThrownBy(() -> new BatchSampler(DATA, 64, 1))
        .hasMessageContaining("fewer than one batch of 64");
  }

  @Test
  void aSplitIsStratifiedAndDisjoint() {
    Dataset d = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 100, 2);
    DatasetSplit s = d.split(0.2, 5);
    assertThat(s.validation().classCounts()).containsOnly(2);
    assertThat(s.train().classCounts()).containsOnly(8);
  }
}
