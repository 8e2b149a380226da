package dev.replens.engine.train.repopt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.data.Dataset;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.io.npz.NpzArchive;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.train.ModelInit;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's CSLA and RepOpt training against the independent PyTorch oracle {@code
 * tools/repopt/make_repopt_golden.py} ({@code repopt/oracle.npz}): a stem and two CSLA blocks of 4
 * channels with random per-channel scales, 8 gray 8×8 images in 4 classes as one batch, 25 steps of
 * SGD (lr 0.05, momentum 0.9, weight decay 1e-3) and AdamW (lr 0.01, weight decay 1e-2). The oracle
 * trains its CSLA model with {@code torch.optim} and its RepOpt twin with its own RepOpt SGD/AdamW,
 * and stores the kernel {@code [26, 2, 4, 4, 3, 3]} and the loss of every step.
 *
 * <p>Tolerances: float64 1e-9 on kernels and losses (measured below 1e-12); float32 1e-4 on kernels
 * and 1e-4 on losses.
 */
class RepOptOracleTest {

  private static final Logger LOG = LoggerFactory.getLogger(RepOptOracleTest.class);
  private static Map<String, INDArray> oracle;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of(RepOptOracleTest.class.getResource("/repopt/oracle.npz").toURI());
    NpzArchive a = NpzReader.read(file);
    oracle = new LinkedHashMap<>(a.arrays());
  }

  static NetworkSpec net() {
    return new NetworkSpec(TestDesigns.repvgg(4, 1), 2, 4, 4, 1, 8, 8, 4);
  }

  static DatasetSplit data() {
    INDArray images = oracle.get("images");
    INDArray labels = oracle.get("labels");
    int n = (int) images.size(0);
    float[] x = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = labels.getInt(i);
    }
    Dataset d = new Dataset("oracle", 1, 8, 8, x, y, List.of("a", "b", "c", "d"));
    return new DatasetSplit(d, d);
  }

  /** The scales the oracle drew, in the structure of each block. */
  static List<RepOptForm> forms(NetworkSpec net) {
    List<RepOptForm> out = new ArrayList<>();
    for (int i = 0; i < net.depth(); i++) {
      String b = "block" + i + "/";
      out.add(
          RepOptForm.of(net.layerBlock(i))
              .withScales(
                  vector(b + "conv_kxk.scale.weight"),
                  vector(b + "conv_1x1.scale.weight"),
                  vector(b + "identity.scale.weight")));
    }
    return out;
  }

  private static double[] vector(String key) {
    return oracle.get(key).castTo(DataType.DOUBLE).dup().data().asDouble();
  }

  /** The oracle's starting weights in a state of {@code mode} (BNs at the identity as its own). */
  static ModelState start(NetworkSpec net, TrainMode mode, DataType dt, List<RepOptForm> forms) {
    ModelState template =
        ModelInit.initial(net, mode, dt, 0, new double[] {0}, new double[] {1}, forms);
    Map<String, INDArray> values = new LinkedHashMap<>();
    template
        .flatten()
        .keySet()
        .forEach(
            k -> {
              if (oracle.containsKey(k)) {
                values.put(k, oracle.get(k));
              }
            });
    return template.with(values, 0);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "sgd, split, float64",
    "sgd, split, float32",
    "adamw, split, float64",
    "adamw, split, float32",
    "adamw, reference, float64"
  })
  void engineTrajectoriesMatchTheOracle(String kind, String rule, String dtype) {
    DataType dt = dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
    double tol = dt == DataType.DOUBLE ? 1e-9 : 1e-4;
    NetworkSpec net = net();
    List<RepOptForm> forms = forms(net);
    DatasetSplit data = data();
    OptimizerConfig opt;
    if (kind.equals("sgd")) {
      double[] h = vector("hparams_sgd");
      opt = OptimizerConfig.sgd(h[0], h[1], h[2]);
    } else {
      double[] h = vector("hparams_adamw");
      opt = new OptimizerConfig(OptimizerConfig.Kind.ADAMW, h[0], 0, h[1], h[2], h[3], h[4]);
    }
    String prefix = rule.equals("reference") ? kind + "_reference" : kind;
    INDArray goldenKernels =
        oracle.get(prefix + (rule.equals("reference") ? "_repopt_kernels" : "_csla_kernels"));
    INDArray goldenLoss = oracle.get(prefix + "_repopt_loss");
    int steps = (int) goldenLoss.length();
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.CSLA, steps, 1)
            .withBatchSize(8)
            .withOptimizer(opt)
            .withMetricsEvery(0)
            .withValidation(0, 8)
            .withDtype(dt);
    double worstCsla = 0;
    double worstRepopt = 0;
    double worstLoss = 0;
    try (Trainer csla = Trainer.resume(start(net, TrainMode.CSLA, dt, forms), cfg, data, forms);
        Trainer repopt =
            Trainer.resume(start(net, TrainMode.REPOPT, dt, forms), cfg, data, forms)) {
      if (rule.equals("reference")) {
        for (int i = 0; i < net.depth(); i++) {
          repopt.setBranchScales(RepOptComparison.multiplierKey(i), null);
        }
      }
      for (int t = 0; t <= steps; t++) {
        if (t > 0) {
          StepMetrics a = csla.step(false);
          StepMetrics b = repopt.step(false);
          double want = goldenLoss.getDouble(t - 1);
          worstLoss = Math.max(worstLoss, Math.abs(b.loss() - want));
          if (!rule.equals("reference")) {
            worstLoss = Math.max(worstLoss, Math.abs(a.loss() - want));
          }
        }
        ModelState sa = csla.state();
        ModelState sb = repopt.state();
        for (int i = 0; i < net.depth(); i++) {
          INDArray want =
              goldenKernels
                  .get(NDArrayIndex.point(t), NDArrayIndex.point(i))
                  .castTo(DataType.DOUBLE);
          worstRepopt =
              Math.max(
                  worstRepopt, maxAbs(RepOptComparison.repoptKernel(sb.blocks().get(i)), want));
          if (!rule.equals("reference")) {
            worstCsla =
                Math.max(worstCsla, maxAbs(RepOptComparison.cslaKernel(sa.blocks().get(i)), want));
          }
        }
      }
    }
    LOG.info(
        "{} {} {} vs the oracle over {} steps: max kernel error CSLA {} RepOpt {}, loss {}",
        kind,
        rule,
        dtype,
        steps,
        worstCsla,
        worstRepopt,
        worstLoss);
    assertThat(worstCsla).isLessThan(tol);
    assertThat(worstRepopt).isLessThan(tol);
    assertThat(worstLoss).isLessThan(tol);
  }

  private static double maxAbs(INDArray a, INDArray b) {
    return Transforms.abs(a.sub(b), false).maxNumber().doubleValue();
  }
}
