package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One operation in a branch chain. Ops are immutable values; their parameters live in {@link
 * Weights} under the key {@code <branchId>.<opId>.<param>}.
 *
 * <p>Inside a chain every op is applied "valid" (unpadded) to a map that was zero-padded once at
 * the chain's input; see {@link PaddingMode}. The block's stride is applied by the last spatial op.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Conv.class, name = "conv"),
  @JsonSubTypes.Type(value = BatchNorm.class, name = "bn"),
  @JsonSubTypes.Type(value = ChannelScale.class, name = "scale"),
  @JsonSubTypes.Type(value = ChannelBias.class, name = "shift"),
  @JsonSubTypes.Type(value = Identity.class, name = "identity"),
  @JsonSubTypes.Type(value = AvgPool.class, name = "avgpool"),
  @JsonSubTypes.Type(value = FrequencyFilter.class, name = "frequency"),
  @JsonSubTypes.Type(value = Nonlinearity.class, name = "nonlinearity")
})
public sealed interface Op
    permits Conv,
        BatchNorm,
        ChannelScale,
        ChannelBias,
        Identity,
        AvgPool,
        FrequencyFilter,
        Nonlinearity {

  /** The op's id, unique within its branch. */
  String id();

  /** The number of output channels for the given number of input channels. */
  int outChannels(int inChannels);

  /** Kernel height of a spatial op; 1 for channel-wise ops. */
  default int kernelH() {
    return 1;
  }

  /** Kernel width of a spatial op; 1 for channel-wise ops. */
  default int kernelW() {
    return 1;
  }

  /**
   * Whether the op looks at a spatial neighbourhood (conv, pooling, frequency filter, identity).
   * The block's stride is applied by the last spatial op of a chain.
   */
  default boolean spatial() {
    return false;
  }

  /** The groups the op's channel mixing is split into (1 for dense, channels for depthwise). */
  default int groups(int inChannels) {
    return inChannels;
  }

  /** Whether the op is linear (affine) and can therefore be fused. */
  default boolean linear() {
    return true;
  }

  /** The op's parameters and buffers, with their shapes for the given input channels. */
  List<ParamSpec> params(int inChannels);

  /** A short human name such as "conv 3x3" or "BN". */
  String describe();
}
