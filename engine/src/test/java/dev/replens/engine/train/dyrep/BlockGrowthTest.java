package dev.replens.engine.train.dyrep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.train.TrainingForms;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grow and cut on one block: a plain 3x3 conv + BN of 8 → 8 channels with non-trivial BN statistics
 * ({@link WeightInit#forAnalysis}), probed with a {@code [2, 8, 10, 10]} standard-normal input.
 */
class BlockGrowthTest {

  private static final Logger LOG = LoggerFactory.getLogger(BlockGrowthTest.class);

  static BlockState plain(DataType dt) {
    BlockSpec spec = TrainingForms.plain(TestDesigns.repvgg(8, 1));
    return new BlockState(spec, WeightInit.forAnalysis(spec, dt, 4));
  }

  static INDArray probe() {
    Nd4j.getRandom().setSeed(9);
    return Nd4j.randn(DataType.DOUBLE, 2, 8, 10, 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLOAT", "DOUBLE"})
  void growingAddsSixBranchesAndKeepsTheEvalOutput(String dtype) {
    DataType dt = DataType.valueOf(dtype);
    BlockState before = plain(dt);
    BlockState after = BlockGrowth.grow(before, 0.01, 5);
    assertThat(after.spec().branches().stream().map(Branch::id))
        .containsExactly(
            "conv",
            BlockGrowth.B_1X1,
            BlockGrowth.B_1X1_KXK,
            BlockGrowth.B_1X1_AVG,
            BlockGrowth.B_1XK,
            BlockGrowth.B_KX1,
            BlockGrowth.B_ID);
    assertThat(Validator.isValid(after.spec())).isTrue();
    assertThat(after.weights().dtype()).isEqualTo(dt);
    double change = BlockGrowth.outputChange(before, after, probe());
    LOG.info("grow, {}: max eval output change {}", dt, change);
    assertThat(change).isLessThan(dt == DataType.DOUBLE ? 1e-12 : 1e-4);
    assertThat(BlockGrowth.branchWeights(after).get(BlockGrowth.B_ID))
        .isGreaterThan(0)
        .isLessThan(0.1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLOAT", "DOUBLE"})
  void cuttingFoldsBranchesIntoTheKxKAndKeepsTheEvalOutput(String dtype) {
    DataType dt = DataType.valueOf(dtype);
    BlockState grown = BlockGrowth.grow(plain(dt), 0.01, 5);
    // Give the grown block trained-looking statistics so that folding is exercised.
    BlockState trained = new BlockState(grown.spec(), WeightInit.forAnalysis(grown.spec(), dt, 6));
    BlockState cut =
        BlockGrowth.cut(
            trained, Set.of(BlockGrowth.B_1X1_AVG, BlockGrowth.B_ID, BlockGrowth.B_1X1_KXK));
    assertThat(cut.spec().branches()).hasSize(4);
    double change = BlockGrowth.outputChange(trained, cut, probe());
    BlockState single =
        BlockGrowth.cut(cut, Set.of(BlockGrowth.B_1X1, BlockGrowth.B_1XK, BlockGrowth.B_KX1));
    double all = BlockGrowth.outputChange(trained, single, probe());
    LOG.info("cut, {}: max eval output change {} (three branches), {} (all six)", dt, change, all);
    assertThat(change).isLessThan(dt == DataType.DOUBLE ? 1e-12 : 1e-4);
    assertThat(all).isLessThan(dt == DataType.DOUBLE ? 1e-12 : 1e-4);
    assertThat(BlockGrowth.canGrow(single.spec())).isTrue();
  }

  @Test
  void theKxKBranchCantBeCut() {
    BlockState grown = BlockGrowth.grow(plain(DataType.DOUBLE), 0.01, 5);
    assertThatThrownBy(() -> BlockGrowth.cut(grown, Set.of("conv")))
        .hasMessageContaining("KxK branch 'conv'");
  }

  @Test
  void aBlockOfSeveralBranchesCantGrow() {
    assertThat(BlockGrowth.canGrow(TestDesigns.repvgg(8, 1))).isFalse();
    assertThatThrownBy(() -> BlockGrowth.grownSpec(TestDesigns.repvgg(8, 1)))
        .hasMessageContaining("one KxK conv and a BN");
  }
}
