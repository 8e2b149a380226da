package dev.replens.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Property: random valid designs (channels 2–8, K ∈ {1, 3, 5}, stride 1–2, padding K/2 ± 1, groups,
 * random chains of every op kind, optional post ops) fuse exactly: every pipeline step matches the
 * training form within 1e-10 and within its round-off bound (float64), and the per-branch
 * equivalents add up to the fused kernel within 1e-12.
 */
class RandomDesignFusionTest {

  private static final int DESIGNS = 80;

  @Test
  void randomValidDesignsFuseExactly() {
    Random r = new Random(20261123);
    int tested = 0;
    for (int attempt = 0; tested < DESIGNS && attempt < 20 * DESIGNS; attempt++) {
      BlockSpec spec = randomSpec(r);
      if (!Validator.isValid(spec)) {
        continue;
      }
      tested++;
      Weights w = WeightInit.forAnalysis(spec, DataType.DOUBLE, r.nextLong());
      Pipeline p = FusionPipeline.run(spec, w);
      assertThat(p.complete()).as("%s: %s", spec, p.blockedBy()).isTrue();
      for (StepCheck c :
          Evaluator.check(p, Evaluator.probe(spec, DataType.DOUBLE, r.nextLong(), 9, 11))) {
        assertThat(c.error().maxAbs()).as("%s\n%s", spec, c.step().title()).isLessThan(1e-10);
        assertThat(c.ok()).as("%s\n%s: %s", spec, c.step().title(), c.verdict()).isTrue();
      }
      var eq = Equivalents.of(p.training()).fused();
      assertThat(eq.weight().sub(p.fusedKernel().weight()).amaxNumber().doubleValue())
          .isLessThan(1e-12);
      assertThat(eq.bias().sub(p.fusedKernel().bias()).amaxNumber().doubleValue())
          .isLessThan(1e-12);
    }
    assertThat(tested).isEqualTo(DESIGNS);
  }

  static BlockSpec randomSpec(Random r) {
    int k = new int[] {1, 3, 3, 5}[r.nextInt(4)];
    int groups = new int[] {1, 1, 2}[r.nextInt(3)];
    int in = groups * (1 + r.nextInt(3));
    int out = r.nextInt(3) == 0 ? in : groups * (1 + r.nextInt(4));
    int stride = 1 + r.nextInt(2);
    int padding = Math.max(0, k / 2 + r.nextInt(3) - 1);
    List<Branch> branches = new ArrayList<>();
    int n = 1 + r.nextInt(5);
    for (int b = 0; b < n; b++) {
      branches.add(
          Branch.of("b" + b, randomChain(r, in, out, k, groups, stride).toArray(Op[]::new)));
    }
    List<Op> post = new ArrayList<>();
    if (r.nextBoolean()) {
      post.add(BatchNorm.of("bn"));
    }
    if (r.nextInt(4) == 0) {
      post.add(ChannelScale.of("s"));
    }
    return new BlockSpec(in, out, k, stride, padding, groups, branches, post, Activation.RELU);
  }

  private static int oddUpTo(Random r, int k) {
    return 1 + 2 * r.nextInt(k / 2 + 1);
  }

  private static List<Op> randomChain(Random r, int in, int out, int k, int g, int stride) {
    List<Op> ops = new ArrayList<>();
    switch (r.nextInt(8)) {
      case 0 -> {
        ops.add(new Conv("c", out, oddUpTo(r, k), oddUpTo(r, k), g, r.nextBoolean()));
        ops.add(BatchNorm.of("bn"));
      }
      case 1 -> {
        int mid = g * (1 + r.nextInt(3));
        ops.add(Conv.square("c1", mid, 1, g));
        ops.add(BatchNorm.of("bn1"));
        ops.add(Conv.square("c2", out, k, g));
        ops.add(BatchNorm.of("bn2"));
      }
      case 2 -> {
        ops.add(Conv.square("c", out, 1, g));
        ops.add(BatchNorm.of("bn"));
        ops.add(new AvgPool("avg", oddUpTo(r, k)));
        ops.add(BatchNorm.of("bn2"));
      }
      case 3 -> {
        ops.add(new Identity("id"));
        ops.add(BatchNorm.of("bn"));
        if (in != out) {
          ops.add(Conv.square("c", out, 1, g));
        }
      }
      case 4 -> {
        ops.add(new FrequencyFilter("f", out, k, g));
        ops.add(ChannelScale.of("s"));
      }
      case 5 -> {
        ops.add(new Conv("dw", in * 2, oddUpTo(r, k), oddUpTo(r, k), in, false));
        ops.add(Conv.square("pw", out, 1, g));
        ops.add(ChannelScale.of("s"));
        ops.add(new ChannelBias("t"));
      }
      case 6 -> {
        ops.add(BatchNorm.of("pre"));
        ops.add(Conv.square("c", out, oddUpTo(r, k), g));
      }
      default -> {
        int k1 = oddUpTo(r, Math.max(1, k - 2));
        ops.add(Conv.square("c1", out, k1, g));
        ops.add(Conv.square("c2", out, oddUpTo(r, k - k1 + 1), g));
        ops.add(BatchNorm.of("bn"));
      }
    }
    return ops;
  }
}
