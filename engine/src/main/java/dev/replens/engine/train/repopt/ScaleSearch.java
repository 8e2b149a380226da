package dev.replens.engine.train.repopt;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.train.ModelInit;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingForms;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * RepOptimizer's hyper-search: train the CSLA network with every scale learnable for a short while,
 * then read the scales off and freeze them [RepOptimizer: Ding et al., ICLR 2023, Sec. 3.3, "the
 * hyper-search (HS) model"; DingXiaoH/RepOptimizers trains {@code RepOptVGG(mode='hs')} and reads
 * {@code scale_identity}, {@code scale_1x1}, {@code scale_conv} with {@code extract_scales}].
 */
public final class ScaleSearch {

  private ScaleSearch() {}

  /**
   * The searched scales of every block.
   *
   * @param config optimizer, batch, seed and dtype of the search (its mode and step count are
   *     ignored)
   * @param start the scales the search starts from, one form per block
   * @param steps how many steps to train
   * @param progress told the number of each finished step (on the calling thread), may be null
   * @throws IllegalArgumentException if the data doesn't fit or there isn't one form per block
   */
  public static List<RepOptForm> run(
      NetworkSpec net,
      TrainConfig config,
      DatasetSplit data,
      List<RepOptForm> start,
      int steps,
      IntConsumer progress) {
    if (steps < 1) {
      throw new IllegalArgumentException("the search needs at least one step, not " + steps);
    }
    double[][] stats = data.train().channelStats();
    ModelState init =
        ModelInit.initial(
            net, TrainMode.CSLA, config.dtype(), config.seed(), stats[0], stats[1], start);
    List<BlockState> learnable = new ArrayList<>();
    for (int i = 0; i < init.blocks().size(); i++) {
      learnable.add(
          new BlockState(
              TrainingForms.csla(net.layerBlock(i), true), init.blocks().get(i).weights()));
    }
    ModelState hs =
        new ModelState(
            net,
            TrainMode.CSLA,
            init.stem(),
            learnable,
            init.head(),
            init.inputMean(),
            init.inputStd(),
            0);
    TrainConfig c = config.withMode(TrainMode.CSLA).withSteps(steps).withMetricsEvery(0);
    try (Trainer t = Trainer.resume(hs, c, data)) {
      for (int i = 0; i < steps; i++) {
        t.step(false);
        if (progress != null) {
          progress.accept(i + 1);
        }
      }
      ModelState end = t.state();
      List<RepOptForm> out = new ArrayList<>();
      for (int i = 0; i < start.size(); i++) {
        out.add(scalesOf(start.get(i), end.blocks().get(i).weights()));
      }
      return out;
    }
  }

  /** The scales a CSLA block's weights hold, in the structure of {@code form}. */
  public static RepOptForm scalesOf(RepOptForm form, Weights w) {
    return form.withScales(
        read(w, TrainingForms.CSLA_KXK),
        form.scale1x1() == null ? null : read(w, TrainingForms.CSLA_1X1),
        form.scaleIdentity() == null ? null : read(w, TrainingForms.CSLA_IDENTITY));
  }

  private static double[] read(Weights w, String branch) {
    return w.get(ModelInit.scaleKey(branch)).castTo(DataType.DOUBLE).dup().data().asDouble();
  }
}
