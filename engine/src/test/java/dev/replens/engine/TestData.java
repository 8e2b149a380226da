package dev.replens.engine;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;

/** Small data sets for tests that train. */
public final class TestData {

  private TestData() {}

  /**
   * The gray shapes (28×28) average-pooled 2×2 to 14×14: a quarter of the pixels, so float64 and
   * multi-branch runs stay fast.
   */
  public static DatasetSplit shapes14(int train, int validation, long seed) {
    DatasetSplit s = ShapesDataset.split(ShapesDataset.Variant.GRAY_28, train, validation, seed);
    return new DatasetSplit(pool(s.train()), pool(s.validation()));
  }

  private static Dataset pool(Dataset d) {
    int side = d.height() / 2;
    float[] out = new float[d.size() * side * side];
    for (int n = 0; n < d.size(); n++) {
      float[] im = d.image(n);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          int p = 2 * y * d.width() + 2 * x;
          out[(n * side + y) * side + x] =
              (im[p] + im[p + 1] + im[p + d.width()] + im[p + d.width() + 1]) / 4;
        }
      }
    }
    return new Dataset(d.name(), 1, side, side, out, d.labels(), d.classNames());
  }
}
