package dev.replens.engine.train.dyrep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestData;
import dev.replens.engine.TestDesigns;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingForms;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DyRep run on the built-in shapes (14×14 gray, 320 images), two plain 3x3 conv + BN blocks of 8
 * channels, batch 16, SGD lr 0.05 momentum 0.9, an adjustment every 5 steps, 30 steps. The cut
 * rule's spread gate is 0.005 instead of the reference's 0.02, which is meant for adjustments
 * epochs apart: after 5–10 steps the new branches' γ have only begun to separate.
 */
class DyRepTest {

  private static final Logger LOG = LoggerFactory.getLogger(DyRepTest.class);

  static final DatasetSplit DATA = TestData.shapes14(320, 32, 5);

  @Test
  void aRunOnTheShapesGrowsAndCutsAndEveryChangeKeepsTheEvalOutput() {
    BlockSpec plain = TrainingForms.plain(TestDesigns.repvgg(8, 1));
    NetworkSpec net = new NetworkSpec(plain, 2, 8, 8, 1, 14, 14, 10);
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.OFFLINE, 30, 3)
            .withBatchSize(16)
            .withOptimizer(OptimizerConfig.sgd(0.05, 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 32);
    DyRep d = new DyRep(DyRepConfig.defaults(5).withCut(0.1, 0.005));
    try (Trainer t = Trainer.create(net, cfg, DATA)) {
      d.attach(t);
      for (int i = 0; i < 30; i++) {
        t.step(false);
        d.afterStep(t);
      }
      assertThat(t.steps()).isEqualTo(30);
      assertThat(t.state().blockSpecs()).isEqualTo(d.frames().get(d.frames().size() - 1).blocks());
    }
    d.events().forEach(e -> LOG.info("{}", e));
    assertThat(d.events()).anyMatch(e -> e.kind() == DyRepEvent.Kind.GROWN);
    assertThat(d.events()).anyMatch(e -> e.kind() == DyRepEvent.Kind.CUT);
    assertThat(d.events()).allSatisfy(e -> assertThat(e.outputChange()).isLessThan(1e-4));
    assertThat(d.frames())
        .hasSize(1 + (int) d.events().stream().map(e -> e.step()).distinct().count());
    assertThat(d.samples()).hasSize(30 * 2);
  }

  @Test
  void saliencyOfConvsFollowedByTrainModeBnIsReportedAsCancellingOut() {
    BlockSpec plain = TrainingForms.plain(TestDesigns.repvgg(8, 1));
    NetworkSpec net = new NetworkSpec(plain, 2, 8, 8, 1, 14, 14, 10);
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.OFFLINE, 3, 3)
            .withBatchSize(16)
            .withMetricsEvery(0)
            .withValidation(0, 32);
    DyRep d = new DyRep(DyRepConfig.defaults(3));
    try (Trainer t = Trainer.create(net, cfg, DATA)) {
      d.attach(t);
      for (int i = 0; i < 3; i++) {
        t.step(false);
        d.afterStep(t);
      }
    }
    assertThat(d.samples())
        .allSatisfy(s -> assertThat(s.cancellation()).isLessThan(1e-3))
        .allSatisfy(s -> assertThat(s.magnitude()).isGreaterThan(1e-3));
    assertThat(d.roundOffNote()).isPresent();
    assertThat(d.roundOffNote().get()).contains("block0, block1").contains("noise");
  }
}
