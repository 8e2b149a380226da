package dev.replens.views.graph;

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
import java.util.List;

/** Block designs drawn by the graph tests (the same designs the engine tests use). */
final class GraphFixtures {
  private GraphFixtures() {}

  /** RepVGG: 3x3+BN, 1x1+BN, identity+BN, ReLU. */
  static BlockSpec repvgg(int c) {
    return new BlockSpec(
        c,
        c,
        3,
        1,
        1,
        1,
        List.of(
            Branch.of("rbr_dense", Conv.square("conv", c, 3, 1), BatchNorm.of("bn")),
            Branch.of("rbr_1x1", Conv.square("conv", c, 1, 1), BatchNorm.of("bn")),
            Branch.of("rbr_identity", new Identity("id"), BatchNorm.of("bn"))),
        List.of(),
        Activation.RELU);
  }

  /** RepVGG after linearization: BNs became scales, their shifts one shift after the sum. */
  static BlockSpec repvggLinearized(int c) {
    return new BlockSpec(
        c,
        c,
        3,
        1,
        1,
        1,
        List.of(
            Branch.of("rbr_dense", Conv.square("conv", c, 3, 1), ChannelScale.of("bn")),
            Branch.of("rbr_1x1", Conv.square("conv", c, 1, 1), ChannelScale.of("bn")),
            Branch.of("rbr_identity", new Identity("id"), ChannelScale.of("bn"))),
        List.of(new ChannelBias("shift")),
        Activation.RELU);
  }

  /** RepVGG with each chain squeezed into one 3x3 conv. */
  static BlockSpec repvggSqueezed(int c) {
    return new BlockSpec(
        c,
        c,
        3,
        1,
        1,
        1,
        List.of(
            Branch.of("rbr_dense", new Conv("conv", c, 3, 3, 1, false)),
            Branch.of("rbr_1x1", new Conv("conv", c, 3, 3, 1, false)),
            Branch.of("rbr_identity", new Conv("id", c, 3, 3, 1, false))),
        List.of(new ChannelBias("shift")),
        Activation.RELU);
  }

  /** RepVGG after the branches were added: one conv, the shift still after it. */
  static BlockSpec repvggAdded(int c) {
    return new BlockSpec(
        c,
        c,
        3,
        1,
        1,
        1,
        List.of(Branch.of("fused", new Conv("conv", c, 3, 3, 1, false))),
        List.of(new ChannelBias("shift")),
        Activation.RELU);
  }

  /** RepVGG fused: one 3x3 conv with a bias. */
  static BlockSpec repvggFused(int c) {
    return new BlockSpec(
        c,
        c,
        3,
        1,
        1,
        1,
        List.of(Branch.of("fused", new Conv("conv", c, 3, 3, 1, true))),
        List.of(),
        Activation.RELU);
  }

  /** DBB: KxK, 1x1, 1x1→BN→avg→BN, 1x1→BN→KxK→BN. */
  static BlockSpec dbb(int in, int out, int k) {
    return new BlockSpec(
        in,
        out,
        k,
        1,
        k / 2,
        1,
        List.of(
            Branch.of("dbb_origin", Conv.square("conv", out, k, 1), BatchNorm.of("bn")),
            Branch.of("dbb_1x1", Conv.square("conv", out, 1, 1), BatchNorm.of("bn")),
            Branch.of(
                "dbb_avg",
                Conv.square("conv", out, 1, 1),
                BatchNorm.of("bn"),
                new AvgPool("avg", k),
                BatchNorm.of("avgbn")),
            Branch.of(
                "dbb_1x1_kxk",
                Conv.square("conv1", in, 1, 1),
                BatchNorm.of("bn1"),
                Conv.square("conv2", out, k, 1),
                BatchNorm.of("bn2"))),
        List.of(),
        Activation.RELU);
  }

  /** OREPA-style: branches with scales, one BN after the sum, a frequency branch. */
  static BlockSpec orepa(int in, int out, int k) {
    return new BlockSpec(
        in,
        out,
        k,
        1,
        k / 2,
        1,
        List.of(
            Branch.of("origin", Conv.square("conv", out, k, 1), ChannelScale.of("scale")),
            Branch.of(
                "avg",
                Conv.square("conv", out, 1, 1),
                new AvgPool("avg", k),
                ChannelScale.of("scale")),
            Branch.of("prior", new FrequencyFilter("pfir", out, k, 1), ChannelScale.of("scale")),
            Branch.of(
                "dws",
                new Conv("dw", in, k, k, in, false),
                Conv.square("pw", out, 1, 1),
                ChannelScale.of("scale"))),
        List.of(BatchNorm.of("bn")),
        Activation.RELU);
  }

  /** ACNet: KxK, Kx1 and 1xK branches with BN, no activation. */
  static BlockSpec acnet(int c, int k) {
    return new BlockSpec(
        c,
        c,
        k,
        1,
        k / 2,
        1,
        List.of(
            Branch.of("square", Conv.square("conv", c, k, 1), BatchNorm.of("bn")),
            Branch.of("ver", new Conv("conv", c, k, 1, 1, false), BatchNorm.of("bn")),
            Branch.of("hor", new Conv("conv", c, 1, k, 1, false), BatchNorm.of("bn"))),
        List.of(),
        Activation.NONE);
  }
}
