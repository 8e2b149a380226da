package dev.replens.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import dev.replens.engine.samples.SampleCatalog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Sizes are multiplied in long arithmetic and checked against the memory budget before anything is
 * allocated. The 20000-channel DBB design is the case that used to print {@code -694967296}:
 * 20000·20000·3·3 = 3.6·10⁹ wraps around in an int.
 */
class SizeChecksTest {

  private static final MemoryBudget BUDGET = MemoryBudget.of(1_600_000_000L);

  @AfterEach
  void restoreTheBudget() {
    System.clearProperty(MemoryBudget.PROPERTY);
  }

  /** The DBB sample with every channel count set to {@code c}. */
  static BlockSpec dbb(int c) throws Exception {
    String json = DesignIO.toJson(SampleCatalog.load("dbb"));
    return DesignIO.parse(
            json.replace("\"inChannels\" : 8", "\"inChannels\" : " + c)
                .replace("\"outChannels\" : 8", "\"outChannels\" : " + c),
            "dbb.json")
        .block();
  }

  @Test
  void productsSaturateInsteadOfWrappingAround() {
    assertThat(MemoryBudget.bytesOf(4, 20000, 20000, 3, 3)).isEqualTo(14_400_000_000L);
    assertThat(MemoryBudget.bytesOf(8, Long.MAX_VALUE / 2, 3)).isEqualTo(Long.MAX_VALUE);
    assertThat(MemoryBudget.bytesOf(4, 1L << 40, 1L << 40, 0)).isZero();
    assertThat(MemoryBudget.bytesOf(4, 3, -1)).isEqualTo(-1);
    assertThatThrownBy(() -> MemoryBudget.length("w", 20000, 20000, 3, 3))
        .isInstanceOf(TooLargeException.class)
        .hasMessage(
            "w of 20000×20000×3×3 values is larger than a Java array holds (at most 2147483639"
                + " values)");
  }

  @Test
  void theMessageNamesWhatHowLargeAndTheLimit() {
    assertThat(
            BUDGET.check("this block's fused kernel", "blocks", "float32", 4, 20000, 20000, 3, 3))
        .contains(
            "this block's fused kernel would take 14.4 GB (20000×20000×3×3 float32); RepLens"
                + " handles blocks up to 1.6 GB on this machine");
    assertThat(BUDGET.check("x", "arrays", "float32", 4, 8, 8, 3, 3)).isEmpty();
    // One byte per element: the Java array limit, 2.1 GB, is below a 3 GB budget.
    assertThat(MemoryBudget.of(3_000_000_000L).check("raw", "files", "bytes", 1, 2_500_000_000L))
        .hasValueSatisfying(m -> assertThat(m).endsWith("up to 2.1 GB on this machine"));
  }

  @Test
  void theSystemPropertyLowersTheBudget() {
    System.setProperty(MemoryBudget.PROPERTY, "64m");
    assertThat(MemoryBudget.ofThisMachine().bytes()).isEqualTo(64L << 20);
    System.setProperty(MemoryBudget.PROPERTY, "not a size");
    assertThat(MemoryBudget.ofThisMachine().bytes()).isGreaterThan(64L << 20);
  }

  @Test
  void a20000ChannelDesignIsAnErrorOfTheBlockNamingTheFusedKernelsSize() throws Exception {
    List<Problem> errors =
        Validator.validate(dbb(20000), DataType.FLOAT, BUDGET).stream()
            .filter(Problem::isError)
            .toList();
    assertThat(errors.get(0).location()).isEqualTo("block");
    assertThat(errors.get(0).message())
        .isEqualTo(
            "this block's fused kernel would take 14.4 GB (20000×20000×3×3 float32); RepLens"
                + " handles blocks up to 1.6 GB on this machine");
    // Every conv weight of that size is named where it is.
    assertThat(errors)
        .anySatisfy(
            p -> {
              assertThat(p.location()).isEqualTo("branch 'dbb_origin', op 'conv'");
              assertThat(p.message()).startsWith("the weight 'dbb_origin.conv.weight' would take");
            });
    assertThat(Validator.validate(dbb(8), DataType.FLOAT, BUDGET)).noneMatch(Problem::isError);
  }

  @Test
  void float64CountsEightBytesAValue() {
    MemoryBudget small = MemoryBudget.of(50_000_000L);
    // One 3x3 conv of 1000 → 1000 channels: 9·10⁶ values, 36 MB in float32, 72 MB in float64.
    BlockSpec s =
        new BlockSpec(
            1000,
            1000,
            3,
            1,
            1,
            1,
            List.of(
                dev.replens.engine.model.Branch.of(
                    "b", dev.replens.engine.model.Conv.square("conv", 1000, 3, 1))),
            List.of(),
            dev.replens.engine.model.Activation.NONE);
    assertThat(Validator.sizeProblems(s, DataType.FLOAT, small)).isEmpty();
    assertThat(Validator.sizeProblems(s, DataType.DOUBLE, small))
        .first()
        .satisfies(p -> assertThat(p.message()).contains("72.0 MB (1000×1000×3×3 float64)"));
  }

  @Test
  void tooLargeADesignGetsNoWeightsAndAPipelineBlockedByItsSize() throws Exception {
    System.setProperty(MemoryBudget.PROPERTY, "16m");
    BlockSpec s = dbb(1000); // each 3x3 conv weight: 36 MB
    Weights w = WeightInit.forAnalysis(s, DataType.FLOAT, 1);
    assertThat(w.keys()).doesNotContain("dbb_origin.conv.weight").contains("dbb_origin.bn.weight");
    Pipeline p = FusionPipeline.run(s, w);
    assertThat(p.complete()).isFalse();
    assertThat(p.blockedBy()).startsWith("block: this block's fused kernel would take 36.0 MB");
  }

  @Test
  void theWeightsOfADesignCountAllTogether() {
    List<dev.replens.engine.model.Branch> branches = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      branches.add(
          dev.replens.engine.model.Branch.of(
              "b" + i, dev.replens.engine.model.Conv.square("conv", 256, 3, 1)));
    }
    BlockSpec s =
        new BlockSpec(
            256, 256, 3, 1, 1, 1, branches, List.of(), dev.replens.engine.model.Activation.NONE);
    // 40 weights of 2.4 MB each fit one by one; together they take 94 MB.
    List<Problem> p = Validator.sizeProblems(s, DataType.FLOAT, MemoryBudget.of(50_000_000L));
    assertThat(p).hasSize(1);
    assertThat(p.get(0).message())
        .isEqualTo(
            "this block's weights, all together, would take 94.4 MB (23592960 float32 values);"
                + " RepLens handles blocks up to 50.0 MB on this machine");
  }

  @Test
  void aHugeProbeIsRefusedBeforeItIsDrawn() throws Exception {
    DesignDocument d = SampleCatalog.load("repvgg");
    assertThatThrownBy(
            () ->
                dev.replens.engine.eval.Evaluator.probe(
                    d.block(), DataType.FLOAT, 1, 100000, 100000))
        .isInstanceOf(TooLargeException.class)
        .hasMessageStartingWith("the probe input would take");
  }
}
