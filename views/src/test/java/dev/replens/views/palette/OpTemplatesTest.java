package dev.replens.views.palette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in templates create correctly sized ops with fresh ids. */
class OpTemplatesTest {

  /** A 5x5 block, 8 → 8 channels, 2 groups: sizes that show which number went where. */
  private static final BlockSpec BLOCK =
      new BlockSpec(
          8,
          8,
          5,
          1,
          2,
          2,
          List.of(Branch.of("main", Conv.square("conv", 8, 5, 2), BatchNorm.of("bn"))),
          List.of(),
          Activation.RELU);

  @Test
  void theCatalogHoldsEveryKindTheExplorerOffers() {
    assertThat(OpTemplates.builtIn().stream().map(OpTemplate::id))
        .containsExactly(
            "conv-kxk",
            "conv-1x1",
            "conv-1xk",
            "conv-kx1",
            "depthwise",
            "frequency",
            "identity",
            "avg-pool",
            "bn",
            "scale",
            "shift",
            "relu",
            "chain-kxk-bn",
            "chain-1x1-bn",
            "chain-identity-bn",
            "chain-1x1-kxk",
            "chain-1x1-avg");
    assertThat(OpTemplates.find("nope")).isEmpty();
    assertThatThrownBy(() -> OpTemplates.get("nope")).hasMessageContaining("'nope'");
  }

  @Test
  void singleOpsAreSizedForTheBlock() {
    Conv kxk = (Conv) only("conv-kxk");
    assertThat(List.of(kxk.kernelH(), kxk.kernelW(), kxk.groups(), kxk.outChannels()))
        .containsExactly(5, 5, 2, 8);
    Conv hor = (Conv) only("conv-1xk");
    assertThat(List.of(hor.kernelH(), hor.kernelW())).containsExactly(1, 5);
    Conv ver = (Conv) only("conv-kx1");
    assertThat(List.of(ver.kernelH(), ver.kernelW())).containsExactly(5, 1);
    Conv dw = (Conv) only("depthwise");
    assertThat(dw.depthwise(8)).isTrue();
    assertThat(((AvgPool) only("avg-pool")).kernel()).isEqualTo(5);
    FrequencyFilter f = (FrequencyFilter) only("frequency");
    assertThat(List.of(f.kernel(), f.groups(), f.outChannels())).containsExactly(5, 2, 8);
    assertThat(OpKind.of(kxk, 8)).isEqualTo(OpKind.CONV_KXK);
    assertThat(OpKind.of(hor, 8)).isEqualTo(OpKind.CONV_1XK);
    assertThat(OpKind.of(ver, 8)).isEqualTo(OpKind.CONV_KX1);
    assertThat(OpKind.of(dw, 8)).isEqualTo(OpKind.DEPTHWISE);
  }

  private static Op only(String id) {
    List<Op> ops = OpTemplates.get(id).create(BLOCK, Set.of());
    assertThat(ops).hasSize(1);
    return ops.get(0);
  }

  @Test
  void dbbChainKeepsTheInputChannelsUntilItsKxkConv() {
    BlockSpec widening = BLOCK.withGeometry(8, 16, 3, 1, 1, 1);
    List<Op> ops = OpTemplates.get("chain-1x1-kxk").create(widening, Set.of());
    assertThat(ops.stream().map(Op::id)).containsExactly("conv1", "bn1", "conv2", "bn2");
    assertThat(ops.stream().map(Op::describe)).containsExactly("conv 1x1", "BN", "conv 3x3", "BN");
    assertThat(((Conv) ops.get(0)).outChannels()).isEqualTo(8);
    assertThat(((Conv) ops.get(2)).outChannels()).isEqualTo(16);
  }

  @Test
  void idsAvoidThoseAlreadyInTheBranch() {
    List<Op> ops = OpTemplates.get("chain-kxk-bn").create(BLOCK, Set.of("conv", "bn", "bn_2"));
    assertThat(ops.stream().map(Op::id)).containsExactly("conv_2", "bn_3");
    assertThat(OpTemplate.uniqueId("x", Set.of())).isEqualTo("x");
  }

  @Test
  void createdBranchesAreValidInTheBlockExceptTheNonlinearOne() {
    BlockSpec square =
        new BlockSpec(
            8,
            8,
            3,
            1,
            1,
            1,
            List.of(Branch.of("main", Conv.square("conv", 8, 3, 1), BatchNorm.of("bn"))),
            List.of(),
            Activation.RELU);
    for (OpTemplate t : OpTemplates.builtIn()) {
      if (t.kinds().get(0).channelWise()) {
        continue; // a branch that is only a BN or scale has no spatial op; tested below
      }
      List<Branch> branches = new ArrayList<>(square.branches());
      Branch b = t.createBranch(square);
      branches.add(b);
      List<Problem> errors =
          Validator.validate(square.withBranches(branches)).stream()
              .filter(Problem::isError)
              .toList();
      if (t.fusable()) {
        assertThat(errors).as("template %s", t.id()).isEmpty();
      } else {
        assertThat(errors).as("template %s", t.id()).isNotEmpty();
      }
    }
  }

  @Test
  void createdBranchGetsAFreshBranchId() {
    OpTemplate bn = OpTemplates.get("chain-kxk-bn");
    BlockSpec block = BLOCK.withGeometry(8, 8, 3, 1, 1, 1);
    Branch first = bn.createBranch(block);
    assertThat(first.id()).isEqualTo("conv3x3_bn");
    Branch second = bn.createBranch(block.withBranches(List.of(first)));
    assertThat(second.id()).isEqualTo("conv3x3_bn_2");
  }

  @Test
  void onlyReluIsMarkedNotFusable() {
    assertThat(OpTemplates.builtIn().stream().filter(t -> !t.fusable()).map(OpTemplate::id))
        .containsExactly("relu");
  }
}
