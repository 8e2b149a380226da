package dev.replens.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.RoundOff;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round-off bound is neither vacuous nor meaningless: on random valid designs ({@link
 * RandomDesignFusionTest#randomSpec}, seeded), fused in float32 and in float64 on a 9×11 probe, the
 * fused form's observed {@code max |Δ|} never exceeds its bound, and the bound is within 10³ of
 * what is observed. The distribution of observed / bound is logged.
 */
class RandomDesignRoundOffTest {

  private static final Logger LOG = LoggerFactory.getLogger(RandomDesignRoundOffTest.class);
  private static final int DESIGNS = 40;

  @Test
  void theBoundHoldsAndIsWithinAThousandOfTheObservedError() {
    for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
      Random r = new Random(20261203);
      List<Double> ratios = new ArrayList<>();
      int tested = 0;
      for (int attempt = 0; tested < DESIGNS && attempt < 20 * DESIGNS; attempt++) {
        BlockSpec spec = RandomDesignFusionTest.randomSpec(r);
        if (!Validator.isValid(spec)) {
          continue;
        }
        tested++;
        Weights w = WeightInit.forAnalysis(spec, dt, r.nextLong());
        Pipeline p = FusionPipeline.run(spec, w);
        assertThat(p.complete()).as("%s: %s", spec, p.blockedBy()).isTrue();
        Verdict v =
            RoundOff.measure(
                p.training(), p.fused(), Evaluator.probe(spec, dt, r.nextLong(), 9, 11));
        assertThat(v.withinRoundOff()).as("%s %s: %s", dt, spec, v).isTrue();
        ratios.add(v.ratio());
      }
      Collections.sort(ratios);
      List<Double> nonzero = ratios.stream().filter(x -> x > 0).toList();
      LOG.info(
          String.format(
              Locale.ROOT,
              "%s: fused observed/bound over %d random designs: %d exact, min %.2e, 10%% %.2e,"
                  + " median %.2e, 90%% %.2e, max %.2e",
              dt,
              ratios.size(),
              ratios.size() - nonzero.size(),
              nonzero.get(0),
              nonzero.get(nonzero.size() / 10),
              nonzero.get(nonzero.size() / 2),
              nonzero.get(nonzero.size() * 9 / 10),
              nonzero.get(nonzero.size() - 1)));
      assertThat(ratios.get(0)).as("%s: the bound over the observed error", dt).isGreaterThan(1e-3);
    }
  }
}
