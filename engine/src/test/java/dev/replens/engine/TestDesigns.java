package dev.replens.engine;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import java.util.List;

/** Small designs shared by engine tests. */
public final class TestDesigns {
  private TestDesigns() {}

  /** RepVGG: 3x3+BN, 1x1+BN, identity+BN. */
  public static BlockSpec repvgg(int c, int groups) {
    return new BlockSpec(
        c,
        c,
        3,
        1,
        1,
        groups,
        List.of(
            Branch.of("rbr_dense", Conv.square("conv", c, 3, groups), BatchNorm.of("bn")),
            Branch.of("rbr_1x1", Conv.square("conv", c, 1, groups), BatchNorm.of("bn")),
            Branch.of("rbr_identity", new Identity("id"), BatchNorm.of("bn"))),
        List.of(),
        Activation.RELU);
  }

  /** DBB: KxK, 1x1, 1x1→BN→avg→BN, 1x1→BN→KxK→BN. */
  public static BlockSpec dbb(int in, int out, int k, int stride, int groups) {
    return new BlockSpec(
        in,
        out,
        k,
        stride,
        k / 2,
        groups,
        List.of(
            Branch.of("dbb_origin", Conv.square("conv", out, k, groups), BatchNorm.of("bn")),
            Branch.of("dbb_1x1", Conv.square("conv", out, 1, groups), BatchNorm.of("bn")),
            Branch.of(
                "dbb_avg",
                Conv.square("conv", out, 1, groups),
                BatchNorm.of("bn"),
                new AvgPool("avg", k),
                BatchNorm.of("avgbn")),
            Branch.of(
                "dbb_1x1_kxk",
                Conv.square("conv1", in, 1, groups),
                BatchNorm.of("bn1"),
                Conv.square("conv2", out, k, groups),
                BatchNorm.of("bn2"))),
        List.of(),
        Activation.RELU);
  }

  /** ACNet with padding p (p = 0 crops the 1xK and Kx1 branches). */
  public static BlockSpec acnet(int c, int k, int p) {
    return new BlockSpec(
        c,
        c,
        k,
        1,
        p,
        1,
        List.of(
            Branch.of("square", Conv.square("conv", c, k, 1), BatchNorm.of("bn")),
            Branch.of("ver", new Conv("conv", c, k, 1, 1, false), BatchNorm.of("bn")),
            Branch.of("hor", new Conv("conv", c, 1, k, 1, false), BatchNorm.of("bn"))),
        List.of(),
        Activation.NONE);
  }

  /** OREPA-style: branches with scales, one BN after the sum, a frequency branch. */
  public static BlockSpec orepa(int in, int out, int k) {
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
}
