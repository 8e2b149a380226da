package dev.replens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.TestDesigns;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorTest {

  private static List<Problem> errors(BlockSpec s) {
    return Validator.validate(s).stream().filter(Problem::isError).toList();
  }

  private static BlockSpec block(
      int in, int out, int k, int stride, int pad, int groups, Branch... b) {
    return new BlockSpec(in, out, k, stride, pad, groups, List.of(b), List.of(), Activation.NONE);
  }

  @Test
  void shippedShapesAreValid() {
    assertThat(Validator.validate(TestDesigns.repvgg(8, 2))).isEmpty();
    assertThat(Validator.validate(TestDesigns.dbb(4, 8, 5, 2, 2))).isEmpty();
    assertThat(Validator.validate(TestDesigns.acnet(4, 3, 0))).isEmpty();
  }

  @Test
  void identityBranchNeedsEqualChannels() {
    var p = errors(block(4, 8, 3, 1, 1, 1, Branch.of("id", new Identity("i"), BatchNorm.of("bn"))));
    assertThat(p)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.branchId()).isEqualTo("id");
              assertThat(e.opId()).isEqualTo("i");
              assertThat(e.message()).contains("equal in and out channels").contains("4 to 8");
            });
  }

  @Test
  void identityBranchNeedsStrideOne() {
    var p = errors(block(4, 4, 3, 2, 1, 1, Branch.of("id", new Identity("i"))));
    assertThat(p).singleElement().satisfies(e -> assertThat(e.message()).contains("stride 1"));
  }

  @Test
  void groupsMustDivideChannels() {
    var p = errors(block(6, 6, 3, 1, 1, 4, Branch.of("a", Conv.square("c", 6, 3, 4))));
    assertThat(p)
        .first()
        .satisfies(
            e -> {
              assertThat(e.branchId()).isNull();
              assertThat(e.message()).contains("groups 4 must divide");
            });
  }

  @Test
  void opGroupsMustRespectTheBlocksGroups() {
    var p = errors(block(4, 4, 3, 1, 1, 2, Branch.of("a", Conv.square("c", 4, 3, 1))));
    assertThat(p)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.opId()).isEqualTo("c");
              assertThat(e.message()).contains("mix channels across the block's groups");
            });
  }

  @Test
  void kernelLargerThanKOrEvenIsRejected() {
    assertThat(errors(block(4, 4, 3, 1, 1, 1, Branch.of("a", Conv.square("c", 4, 5, 1)))))
        .anySatisfy(e -> assertThat(e.message()).contains("larger than the block's K = 3"));
    assertThat(errors(block(4, 4, 3, 1, 1, 1, Branch.of("a", Conv.square("c", 4, 2, 1)))))
        .anySatisfy(e -> assertThat(e.message()).contains("even"));
    assertThat(errors(block(4, 4, 4, 1, 1, 1, Branch.of("a", Conv.square("c", 4, 3, 1)))))
        .anySatisfy(e -> assertThat(e.message()).contains("must be odd"));
  }

  @Test
  void chainWiderThanKIsRejected() {
    var p =
        errors(
            block(
                4,
                4,
                3,
                1,
                1,
                1,
                Branch.of("a", Conv.square("c1", 4, 3, 1), Conv.square("c2", 4, 3, 1))));
    assertThat(p).singleElement().satisfies(e -> assertThat(e.message()).contains("5x5 window"));
  }

  @Test
  void nonlinearityInsideABranchCantBeFused() {
    var p =
        errors(
            block(
                4,
                4,
                3,
                1,
                1,
                1,
                Branch.of(
                    "a", Conv.square("c", 4, 3, 1), new Nonlinearity("relu", Activation.RELU))));
    assertThat(p)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.opId()).isEqualTo("relu");
              assertThat(e.message()).contains("can't be fused").contains("block's activation");
            });
  }

  @Test
  void inconsistentStrideOrPaddingBetweenBranchesIsRejected() {
    Branch stride2 =
        new Branch("b", List.of(Conv.square("c", 4, 1, 1)), PaddingMode.AT_INPUT, 2, null);
    assertThat(errors(block(4, 4, 3, 1, 1, 1, Branch.of("a", Conv.square("c", 4, 3, 1)), stride2)))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("stride 2").contains("can't be summed"));
    Branch wrongPad =
        new Branch(
            "b",
            List.of(Conv.square("c", 4, 1, 1)),
            PaddingMode.AT_INPUT,
            null,
            new Padding2D(1, 1));
    assertThat(errors(block(4, 4, 3, 1, 1, 1, Branch.of("a", Conv.square("c", 4, 3, 1)), wrongPad)))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("needs padding p − K/2 + k/2 = 0"));
    Branch cropped =
        new Branch(
            "b",
            List.of(new Conv("c", 4, 1, 3, 1, false)),
            PaddingMode.AT_INPUT,
            null,
            new Padding2D(-1, 0));
    assertThat(errors(block(4, 4, 3, 1, 0, 1, Branch.of("a", Conv.square("c", 4, 3, 1)), cropped)))
        .isEmpty();
  }

  @Test
  void perOpPaddingAfterABnIsAWarningNamingBothOps() {
    BlockSpec spec = TestDesigns.dbb(4, 8, 3, 1, 1);
    BlockSpec perOp =
        spec.withBranch(
            spec.branch("dbb_1x1_kxk").orElseThrow().withPaddingMode(PaddingMode.PER_OP));
    assertThat(Validator.validate(perOp))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.severity()).isEqualTo(Severity.WARNING);
              assertThat(w.opId()).isEqualTo("conv2");
              assertThat(w.message()).contains("'bn1'").contains("BNAndPad");
            });
  }

  @Test
  void duplicateIdsAndReservedNamesAreRejected() {
    assertThat(
            errors(
                block(
                    4,
                    4,
                    3,
                    1,
                    1,
                    1,
                    Branch.of("a", Conv.square("c", 4, 3, 1)),
                    Branch.of("a", Conv.square("c", 4, 3, 1)))))
        .anySatisfy(e -> assertThat(e.message()).contains("two branches are named 'a'"));
    assertThat(errors(block(4, 4, 3, 1, 1, 1, Branch.of("post", Conv.square("c", 4, 3, 1)))))
        .anySatisfy(e -> assertThat(e.message()).contains("reserved"));
  }

  @Test
  void branchMustEndWithTheBlocksOutChannels() {
    assertThat(errors(block(4, 8, 3, 1, 1, 1, Branch.of("a", Conv.square("c", 6, 3, 1)))))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("ends with 6 channels").contains("8 out"));
  }
}
