package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Fuse and verify after a few training steps in every mode (one 4-channel DBB block on 28×28 gray
 * shapes, 40 validation images): the deploy form's logits stay within the network's round-off bound
 * of the trained form's and every prediction is the same, in float64 and in float32; the bound
 * itself stays within 10^4 of the observed difference.
 */
class DeployCheckTest {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DeployCheckTest.class);

  @Test
  void everyModeFusesIntoAnExactDeployForm() {
    for (TrainMode mode :
        List.of(TrainMode.OFFLINE, TrainMode.ONLINE, TrainMode.PLAIN, TrainMode.REPOPT)) {
      try (Trainer t =
          Trainer.create(
              TrainerTest.net(),
              TrainerTest.config(mode, OptimizerConfig.sgd(0.05, 0.9, 1e-4)),
              TrainerTest.DATA)) {
        for (int i = 0; i < 5; i++) {
          t.step();
        }
        ModelState s = t.state();
        DeployReport r64 = DeployCheck.run(s, TrainerTest.DATA.validation(), 0);
        DeployReport r32 = DeployCheck.run(s, TrainerTest.DATA.validation(), 0, DataType.FLOAT);
        assertThat(r64.images()).isEqualTo(40);
        assertThat(r64.maxLogitDiff()).as("%s float64", mode).isLessThan(1e-10);
        assertThat(r64.passes()).as("%s: %s", mode, r64.summary()).isTrue();
        LOG.info("{}: float64 {}; float32 {}", mode, r64.summary(), r32.summary());
        assertThat(r32.passes()).as("%s: %s", mode, r32.summary()).isTrue();
        assertThat(r32.maxLogitDiff()).as("%s float32", mode).isLessThan(1e-4);
        assertThat(r32.logitBound())
            .as("%s float32 bound", mode)
            .isLessThan(1e5 * r32.maxLogitDiff());
        assertThat(r32.verdict().text()).startsWith("within round-off (bound ");
        assertThat(r64.deployAccuracy()).isEqualTo(r64.trainingFormAccuracy());
      }
    }
  }

  @Test
  void theReportNamesADifference() {
    DeployReport r = new DeployReport(10, 0.5, 0.4, 0.3, 1e-13, 2, "float64");
    assertThat(r.passes()).isFalse();
    assertThat(r.summary())
        .contains("2 predictions differ")
        .contains("3.00e-01")
        .contains("real mismatch, 3.0e+12× the bound 1.0e-13");
    assertThat(new DeployReport(10, 0.5, 0.5, 3e-14, 1e-13, 0, "float64").passes()).isTrue();
  }

  @Test
  void deployFormHasOneConvPerLayer() {
    try (Trainer t =
        Trainer.create(
            TrainerTest.net(),
            TrainerTest.config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 0)),
            TrainerTest.DATA)) {
      t.step();
      var layers = Deploy.fusedLayers(t.state());
      assertThat(layers).hasSize(2);
      for (var l : layers) {
        assertThat(l.spec().branches()).hasSize(1);
        assertThat(l.spec().branches().get(0).ops()).hasSize(1);
        assertThat(l.spec().post()).isEmpty();
      }
      assertThat(TestDesigns.dbb(4, 4, 3, 1, 1).branches()).hasSize(4);
    }
  }
}
