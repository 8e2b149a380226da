package dev.replens.engine.train;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.samples.SampleCatalog;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/** Prints where a lean step's time goes (not a test). */
final class LeanProfileMain {
  public static void main(String[] a) throws Exception {
    TrainMode mode = TrainMode.parse(a[0]);
    DataType dt = a.length > 1 ? DataType.DOUBLE : DataType.FLOAT;
    BlockSpec spec = SampleCatalog.load("dbb").block();
    NetworkSpec net = new NetworkSpec(spec, 1, 32, 32, 3, 32, 32, 10);
    DatasetSplit data = ShapesDataset.split(ShapesDataset.Variant.RGB_32, 64 * 30, 16, 1);
    TrainConfig cfg =
        TrainConfig.defaults(mode, 30, 1)
            .withBatchSize(64)
            .withOptimizer(OptimizerConfig.sgd(0.05, 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 16)
            .withDtype(dt);
    try (Trainer t = Trainer.create(net, cfg, data)) {
      double[] ms = new double[20];
      for (int i = 0; i < 25; i++) {
        StepMetrics s = t.step(false);
        if (i >= 5) {
          ms[i - 5] = s.stepMillis();
        }
      }
      Arrays.sort(ms);
      System.out.println("median " + ms[10]);
      System.out.println(t.leanProfile());
    }
  }
}
