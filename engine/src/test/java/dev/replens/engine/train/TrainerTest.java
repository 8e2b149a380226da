package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
import dev.replens.engine.model.WeightCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer on a tiny network: one DBB block, 4 channels, 28×28 gray shapes, batch 16. Checks
 * determinism, the NaN/Inf guard, gradient multipliers, hooks, RepOpt's start and structure
 * rebuilds.
 */
class TrainerTest {

  static final DatasetSplit DATA = ShapesDataset.split(ShapesDataset.Variant.GRAY_28, 200, 40, 3);

  static NetworkSpec net() {
    return new NetworkSpec(TestDesigns.dbb(4, 4, 3, 1, 1), 1, 4, 4, 1, 28, 28, 10);
  }

  static TrainConfig config(TrainMode mode, OptimizerConfig opt) {
    return TrainConfig.defaults(mode, 10, 7)
        .withBatchSize(16)
        .withOptimizer(opt)
        .withMetricsEvery(0)
        .withValidation(0, 40);
  }

  private static double[] losses(TrainConfig cfg, int steps) {
    try (Trainer t = Trainer.create(net(), cfg, DATA)) {
      double[] out = new double[steps];
      for (int i = 0; i < steps; i++) {
        out[i] = t.step().loss();
      }
      return out;
    }
  }

  @Test
  void sameSeedGivesTheSameLossSequence() {
    TrainConfig cfg = config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 1e-4));
    double[] a = losses(cfg, 4);
    double[] b = losses(cfg, 4);
    double[] other = losses(cfg.withSeed(8), 4);
    assertThat(b).containsExactly(a);
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void lossGoesDownOnTheSameBatchDistribution() {
    double[] l = losses(config(TrainMode.ONLINE, OptimizerConfig.adam(0.01, 0)), 12);
    double first = (l[0] + l[1] + l[2]) / 3;
    double last = (l[9] + l[10] + l[11]) / 3;
    assertThat(last).isLessThan(first);
  }

  @Test
  void aNonFiniteUpdateIsRolledBackAndNamed() {
    try (Trainer t =
        Trainer.create(net(), config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 0)), DATA)) {
      t.step();
      ModelState before = t.state();
      String key = "block0/dbb_origin.conv.weight";
      INDArray inf =
          Nd4j.valueArrayOf(
              before.flatten().get(key).shape(), Double.POSITIVE_INFINITY, DataType.FLOAT);
      t.setGradientMultiplier(key, inf);
      assertThatThrownBy(t::step)
          .isInstanceOfSatisfying(
              TrainingDivergedException.class,
              e -> {
                assertThat(e.step()).isEqualTo(2);
                assertThat(e.parameter()).isEqualTo(key);
              })
          .hasMessageContaining("step 2")
          .hasMessageContaining(key);
      ModelState after = t.state();
      assertThat(after.step()).isEqualTo(1);
      Map<String, INDArray> a = before.flatten();
      Map<String, INDArray> b = after.flatten();
      for (String k : a.keySet()) {
        assertThat(b.get(k)).as(k).isEqualTo(a.get(k));
        assertThat(WeightCheck.firstNonFinite(b.get(k))).as(k).isEqualTo(-1);
      }
    }
  }

  @Test
  void aNonFiniteLossStopsBeforeAnyUpdate() {
    float[] nan = new float[DATA.train().size() * DATA.train().imageLength()];
    java.util.Arrays.fill(nan, Float.NaN);
    DatasetSplit bad =
        new DatasetSplit(
            new dev.replens.engine.data.Dataset(
                "nan", 1, 28, 28, nan, DATA.train().labels(), DATA.train().classNames()),
            DATA.validation());
    try (Trainer t =
        Trainer.create(net(), config(TrainMode.PLAIN, OptimizerConfig.sgd(0.05, 0, 0)), bad)) {
      Map<String, INDArray> before = t.state().flatten();
      assertThatThrownBy(t::step)
          .isInstanceOf(TrainingDivergedException.class)
          .hasMessageContaining("the loss is NaN");
      assertThat(t.state().flatten()).isEqualTo(before);
    }
  }

  @Test
  void aGradientMultiplierScalesTheUpdateElementWise() {
    TrainConfig cfg = config(TrainMode.PLAIN, OptimizerConfig.sgd(0.05, 0, 0));
    String key = "block0/conv.conv.weight";
    INDArray plainDelta;
    INDArray scaledDelta;
    INDArray m;
    try (Trainer t = Trainer.create(net(), cfg, DATA)) {
      INDArray w0 = t.state().flatten().get(key);
      t.step();
      plainDelta = t.state().flatten().get(key).sub(w0);
    }
    try (Trainer t = Trainer.create(net(), cfg, DATA)) {
      INDArray w0 = t.state().flatten().get(key);
      m = Nd4j.rand(DataType.FLOAT, w0.shape()).muli(3);
      t.setGradientMultiplier(key, m);
      t.step();
      scaledDelta = t.state().flatten().get(key).sub(w0);
    }
    INDArray expected = plainDelta.mul(m);
    double err = expected.sub(scaledDelta).amaxNumber().doubleValue();
    assertThat(err).isLessThan(1e-6 * Math.max(1, expected.amaxNumber().doubleValue()));
    assertThat(plainDelta.amaxNumber().doubleValue()).isGreaterThan(1e-6);
  }

  @Test
  void aHookSeesAndCanChangeTheGradientsBeforeTheUpdate() {
    TrainConfig cfg = config(TrainMode.PLAIN, OptimizerConfig.sgd(0.05, 0, 0));
    try (Trainer t = Trainer.create(net(), cfg, DATA)) {
      Map<String, INDArray> seen = new LinkedHashMap<>();
      t.addHook(
          new StepHook() {
            @Override
            public void beforeUpdate(
                int step, Map<String, INDArray> gradients, Map<String, INDArray> parameters) {
              gradients.forEach(
                  (k, g) -> {
                    seen.put(k, g.dup());
                    g.assign(0);
                  });
            }
          });
      Map<String, INDArray> before = t.state().flatten();
      t.step();
      Map<String, INDArray> after = t.state().flatten();
      assertThat(seen).containsOnlyKeys(t.trainedKeys());
      assertThat(seen.get("block0/conv.conv.weight").amaxNumber().doubleValue()).isGreaterThan(0);
      for (String k : t.trainedKeys()) {
        assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
      }
    }
  }

  @Test
  void repOptStartsFromTheCslaKernelAndUsesItsMultipliers() {
    TrainConfig cfg = config(TrainMode.REPOPT, OptimizerConfig.sgd(0.05, 0.9, 0));
    NetworkSpec net = new NetworkSpec(TestDesigns.repvgg(4, 1), 1, 4, 4, 1, 28, 28, 10);
    try (Trainer t = Trainer.create(net, cfg, DATA)) {
      RepOptForm form = t.repOptForms().get(0);
      assertThat(form.scale1x1()).isNotNull();
      assertThat(form.scaleIdentity()).isNotNull();
      INDArray m = t.gradientMultipliers().get("block0/conv.conv.weight");
      // s = 1: 1 on every tap, 2 at the centre, 3 at the centre where out = in.
      assertThat(m.getDouble(0, 1, 0, 0)).isEqualTo(1.0);
      assertThat(m.getDouble(0, 1, 1, 1)).isEqualTo(2.0);
      assertThat(m.getDouble(2, 2, 1, 1)).isEqualTo(3.0);
    }
  }

  @Test
  void repOptInitialWeightAddsTheScaledIdentityAndOneByOne() {
    double[] two = {2, 2, 2, 2};
    double[] zero = {0, 0, 0, 0};
    double[] three = {3, 3, 3, 3};
    RepOptForm kxkOnly = new RepOptForm(3, 4, 4, 1, two, null, null);
    RepOptForm withIdentity = new RepOptForm(3, 4, 4, 1, two, zero, three);
    INDArray diff =
        withIdentity
            .initialWeight(DataType.DOUBLE, 9)
            .sub(kxkOnly.initialWeight(DataType.DOUBLE, 9));
    INDArray expected =
        dev.replens.engine.transform.Transforms.identityKernel(4, 1, 3, DataType.DOUBLE)
            .weight()
            .mul(3);
    assertThat(diff.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-12);
    INDArray adam = withIdentity.multipliers(OptimizerConfig.Kind.ADAM, DataType.DOUBLE);
    assertThat(adam.getDouble(0, 1, 0, 0)).isEqualTo(2.0);
    assertThat(adam.getDouble(1, 1, 1, 1)).isEqualTo(3.0);
  }

  @Test
  void rebuildingBetweenStepsContinuesTheSameTrajectory() {
    TrainConfig cfg = config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 1e-4));
    double[] straight = losses(cfg, 4);
    try (Trainer t = Trainer.create(net(), cfg, DATA)) {
      double[] l = new double[4];
      l[0] = t.step().loss();
      l[1] = t.step().loss();
      t.rebuild(t.state());
      l[2] = t.step().loss();
      l[3] = t.step().loss();
      for (int i = 0; i < 4; i++) {
        assertThat(l[i])
            .as("step %d", i + 1)
            .isCloseTo(straight[i], org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  @Test
  void branchMetricsCoverEveryBranchAndAreCopies() {
    TrainConfig cfg = config(TrainMode.OFFLINE, OptimizerConfig.sgd(0.05, 0.9, 0));
    try (Trainer t = Trainer.create(net(), cfg, DATA)) {
      StepMetrics m = t.step(true);
      assertThat(m.blocks()).hasSize(1);
      BlockMetrics b = m.blocks().get(0);
      assertThat(b.branches()).containsExactly("dbb_origin", "dbb_1x1", "dbb_avg", "dbb_1x1_kxk");
      for (int i = 0; i < 4; i++) {
        assertThat(b.kernelCosine(i, i)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.gradientNorms()[i]).isGreaterThan(0);
        assertThat(b.gradientCosineToTotal()[i]).isBetween(-1.0, 1.0);
      }
      assertThat(b.fusedKernel().out()).isEqualTo(4);
      double[][] copy = b.kernelCosine();
      copy[0][1] = 42;
      assertThat(b.kernelCosine(0, 1)).isNotEqualTo(42);
    }
  }
}
