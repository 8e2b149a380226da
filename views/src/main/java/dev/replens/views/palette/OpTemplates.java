package dev.replens.views.palette;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.views.palette.OpTemplate.Category;
import dev.replens.views.palette.OpTemplate.Part;
import java.util.List;
import java.util.Optional;

/**
 * The built-in templates: the ops and chains the re-parameterization papers build their blocks from
 * (RepVGG, ACNet, DBB, OREPA).
 */
public final class OpTemplates {

  private static final Part CONV_KXK =
      new Part(
          "conv",
          OpKind.CONV_KXK,
          (id, s) -> Conv.square(id, s.outChannels(), s.kernel(), s.groups()));
  private static final Part CONV_1X1 =
      new Part("conv", OpKind.CONV_1X1, (id, s) -> Conv.square(id, s.outChannels(), 1, s.groups()));
  private static final Part BN = new Part("bn", OpKind.BATCH_NORM, (id, s) -> BatchNorm.of(id));
  private static final Part IDENTITY = new Part("id", OpKind.IDENTITY, (id, s) -> new Identity(id));
  private static final Part AVG =
      new Part("avg", OpKind.AVG_POOL, (id, s) -> new AvgPool(id, s.kernel()));

  private static final List<OpTemplate> BUILT_IN =
      List.of(
          single(
              "conv-kxk",
              "conv K×K",
              Category.CONVOLUTION,
              "A K×K convolution with the block's groups: the main branch of every block.",
              "conv{K}x{K}",
              CONV_KXK),
          single(
              "conv-1x1",
              "conv 1×1",
              Category.CONVOLUTION,
              "A 1×1 convolution (RepVGG's 1x1 branch); it fuses as a K×K kernel with one centre"
                  + " tap.",
              "conv1x1",
              CONV_1X1),
          single(
              "conv-1xk",
              "conv 1×K",
              Category.CONVOLUTION,
              "A horizontal 1×K convolution (ACNet's asymmetric branch).",
              "hor",
              new Part(
                  "conv",
                  OpKind.CONV_1XK,
                  (id, s) -> new Conv(id, s.outChannels(), 1, s.kernel(), s.groups(), false))),
          single(
              "conv-kx1",
              "conv K×1",
              Category.CONVOLUTION,
              "A vertical K×1 convolution (ACNet's asymmetric branch).",
              "ver",
              new Part(
                  "conv",
                  OpKind.CONV_KX1,
                  (id, s) -> new Conv(id, s.outChannels(), s.kernel(), 1, s.groups(), false))),
          single(
              "depthwise",
              "depthwise conv K×K",
              Category.CONVOLUTION,
              "A K×K conv with one group per channel; it keeps the channel count (OREPA's"
                  + " depthwise-separable branch).",
              "dw{K}x{K}",
              new Part(
                  "dw",
                  OpKind.DEPTHWISE,
                  (id, s) ->
                      new Conv(id, s.inChannels(), s.kernel(), s.kernel(), s.inChannels(), false))),
          single(
              "frequency",
              "frequency filter (DCT)",
              Category.CONVOLUTION,
              "OREPA's prior filter: a fixed DCT basis times learnable coefficients.",
              "prior",
              new Part(
                  "freq",
                  OpKind.FREQUENCY,
                  (id, s) -> new FrequencyFilter(id, s.outChannels(), s.kernel(), s.groups()))),
          single(
              "identity",
              "identity",
              Category.SPATIAL,
              "The shortcut y = x (RepVGG); needs equal in and out channels and stride 1.",
              "identity",
              IDENTITY),
          single(
              "avg-pool",
              "avg-pool K×K",
              Category.SPATIAL,
              "K×K average pooling; it fuses as a conv with 1/K² on each channel's own taps.",
              "avg",
              AVG),
          single(
              "bn",
              "BN",
              Category.CHANNEL_WISE,
              "Batch normalization; with fixed statistics a channel-wise scale and shift.",
              "bn",
              BN),
          single(
              "scale",
              "channel-wise scale",
              Category.CHANNEL_WISE,
              "A learnable per-channel scale (OREPA's linear scaling layer).",
              "scale",
              new Part("scale", OpKind.SCALE, (id, s) -> ChannelScale.of(id))),
          single(
              "shift",
              "shift",
              Category.CHANNEL_WISE,
              "A per-channel constant added to the map.",
              "shift",
              new Part("shift", OpKind.SHIFT, (id, s) -> new ChannelBias(id))),
          new OpTemplate(
              "relu",
              "ReLU",
              Category.NONLINEAR,
              "A ReLU inside a branch: the engine can evaluate it, but the branch is no longer"
                  + " linear and can't be fused.",
              "relu",
              false,
              List.of(
                  new Part(
                      "relu",
                      OpKind.NONLINEARITY,
                      (id, s) -> new Nonlinearity(id, Activation.RELU)))),
          chain(
              "chain-kxk-bn",
              "conv K×K → BN",
              "RepVGG's and DBB's main branch.",
              "conv{K}x{K}_bn",
              CONV_KXK,
              BN),
          chain(
              "chain-1x1-bn", "conv 1×1 → BN", "RepVGG's 1x1 branch.", "conv1x1_bn", CONV_1X1, BN),
          chain(
              "chain-identity-bn",
              "identity → BN",
              "RepVGG's identity branch.",
              "identity_bn",
              IDENTITY,
              BN),
          chain(
              "chain-1x1-kxk",
              "1×1 → BN → K×K → BN",
              "DBB's 1x1-KxK branch; the 1x1 keeps the input channels and the K×K maps them to the"
                  + " output.",
              "1x1_{K}x{K}",
              new Part(
                  "conv1",
                  OpKind.CONV_1X1,
                  (id, s) -> Conv.square(id, s.inChannels(), 1, s.groups())),
              new Part("bn1", OpKind.BATCH_NORM, (id, s) -> BatchNorm.of(id)),
              new Part(
                  "conv2",
                  OpKind.CONV_KXK,
                  (id, s) -> Conv.square(id, s.outChannels(), s.kernel(), s.groups())),
              new Part("bn2", OpKind.BATCH_NORM, (id, s) -> BatchNorm.of(id))),
          chain(
              "chain-1x1-avg",
              "1×1 → BN → avg → BN",
              "DBB's 1x1-average branch.",
              "1x1_avg",
              CONV_1X1,
              BN,
              AVG,
              new Part("avgbn", OpKind.BATCH_NORM, (id, s) -> BatchNorm.of(id))));

  private OpTemplates() {}

  /** Every built-in template, grouped by category in palette order. */
  public static List<OpTemplate> builtIn() {
    return BUILT_IN;
  }

  /** The built-in template with this id. */
  public static Optional<OpTemplate> find(String id) {
    return BUILT_IN.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** The built-in template with this id; fails with the id in the message if there is none. */
  public static OpTemplate get(String id) {
    return find(id).orElseThrow(() -> new IllegalArgumentException("no op template '" + id + "'"));
  }

  private static OpTemplate single(
      String id, String name, Category category, String description, String branch, Part part) {
    return new OpTemplate(id, name, category, description, branch, true, List.of(part));
  }

  private static OpTemplate chain(
      String id, String name, String description, String branch, Part... parts) {
    return new OpTemplate(id, name, Category.CHAIN, description, branch, true, List.of(parts));
  }
}
