package dev.replens.engine.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The procedural "shapes" dataset: 10 balanced classes, values in [0, 1], seeded. */
class ShapesDatasetTest {

  @Test
  void theSameSeedGivesTheSamePixelsAndAnotherSeedOthers() {
    Dataset a = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 30, 5);
    Dataset b = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 30, 5);
    Dataset c = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 30, 6);
    for (int i = 0; i < 30; i++) {
      assertThat(b.image(i)).containsExactly(a.image(i));
    }
    assertThat(c.image(0)).isNotEqualTo(a.image(0));
  }

  @Test
  void classesAreBalancedAndPixelsInRange() {
    Dataset d = ShapesDataset.generate(ShapesDataset.Variant.RGB_32, 200, 1);
    assertThat(d.channels()).isEqualTo(3);
    assertThat(d.height()).isEqualTo(32);
    assertThat(d.classCounts()).containsOnly(20);
    assertThat(d.classNames()).hasSize(10).contains("bar 45°", "fine grating", "cross");
    for (int i = 0; i < d.size(); i++) {
      for (float v : d.image(i)) {
        assertThat(v).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void imagesOfOneClassVary() {
    Dataset d = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 40, 2);
    // Images 6, 16, 26, 36 are all circles: each must differ from the others somewhere.
    for (int i = 16; i < 40; i += 10) {
      assertThat(d.image(i)).isNotEqualTo(d.image(6));
    }
  }

  @Test
  void aLargerSetStartsWithTheSmallerOneAndTheSplitIsDisjoint() {
    Dataset small = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 10, 4);
    DatasetSplit split = ShapesDataset.split(ShapesDataset.Variant.GRAY_28, 20, 10, 4);
    for (int i = 0; i < 10; i++) {
      assertThat(split.train().image(i)).containsExactly(small.image(i));
    }
    Dataset all = ShapesDataset.generate(ShapesDataset.Variant.GRAY_28, 30, 4);
    for (int i = 0; i < 10; i++) {
      assertThat(split.validation().image(i)).containsExactly(all.image(20 + i));
    }
  }

  @Test
  void channelStatsMatchAHandComputation() {
    Dataset d =
        new Dataset(
            "t",
            2,
            1,
            2,
            new float[] {0, 1, 2, 2, 1, 1, 4, 4},
            new int[] {0, 1},
            java.util.List.of("a", "b"));
    double[][] s = d.channelStats();
    assertThat(s[0]).containsExactly(0.75, 3.0);
    assertThat(s[1][0]).isCloseTo(Math.sqrt(0.1875), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(s[1][1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
  }
}
