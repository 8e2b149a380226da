package dev.replens.engine.lesson;

import dev.replens.engine.data.Dataset;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Op;
import dev.replens.engine.train.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The small training setting every lesson demo shares, so that a run takes seconds on a laptop: the
 * built-in gray shapes average-pooled 2×2 to 14×14 (a quarter of the pixels), ten classes, and a
 * network of the lesson's block at a width of a few channels.
 */
public final class LessonTraining {

  /** The side of the lesson images. */
  public static final int SIDE = 14;

  private LessonTraining() {}

  /**
   * {@code train} training and {@code validation} validation images of the gray shapes, pooled to
   * 14×14, drawn from {@code seed}.
   */
  public static DatasetSplit shapes(int train, int validation, long seed) {
    DatasetSplit s = ShapesDataset.split(ShapesDataset.Variant.GRAY_28, train, validation, seed);
    return new DatasetSplit(pool(s.train()), pool(s.validation()));
  }

  /**
   * A network of {@code depth} copies of {@code block}, every layer (the stem included) {@code
   * width} channels wide, for 14×14 gray images in ten classes.
   */
  public static NetworkSpec network(BlockSpec block, int width, int depth) {
    return new NetworkSpec(block, depth, width, width, 1, SIDE, SIDE, 10);
  }

  /**
   * The block without its branch-wise scaling layers: every {@link ChannelScale} inside a branch is
   * removed, so that all branches feed the sum unscaled: the ablation behind OREPA's argument that
   * the scaling layers diversify the branches' optimization [OREPA: Hu et al., "Online
   * Convolutional Re-parameterization", CVPR 2022, Sec. 3].
   *
   * @throws IllegalArgumentException if a branch would be left empty
   */
  public static BlockSpec withoutScaling(BlockSpec spec) {
    List<Branch> out = new ArrayList<>();
    for (Branch b : spec.branches()) {
      List<Op> ops = b.ops().stream().filter(o -> !(o instanceof ChannelScale)).toList();
      if (ops.isEmpty()) {
        throw new IllegalArgumentException(
            "branch '" + b.id() + "' holds nothing but a scale, so it can't go without it");
      }
      out.add(b.withOps(ops));
    }
    return spec.withBranches(out);
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
