package dev.replens.engine.io.family;

/**
 * The constructor arguments of an imported block that its state dict doesn't record: they fix the
 * geometry of the conv the block fuses into. A state dict gives some of them away (channels,
 * kernel) and the importer checks those against the file; stride and padding can't be seen in the
 * weights and must be right.
 *
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernel the kernel size K of the fused KxK conv
 * @param stride the block's stride
 * @param padding the block's padding
 * @param groups the block's conv groups
 */
public record Geometry(
    int inChannels, int outChannels, int kernel, int stride, int padding, int groups) {

  /**
   * Checks the values on their own; whether they fit a file is the importer's job.
   *
   * @throws IllegalArgumentException for non-positive sizes or groups that don't divide the
   *     channels
   */
  public Geometry {
    if (inChannels < 1 || outChannels < 1) {
      throw new IllegalArgumentException(
          "channels must be positive (in " + inChannels + ", out " + outChannels + ")");
    }
    if (kernel < 1) {
      throw new IllegalArgumentException("the kernel size must be positive, not " + kernel);
    }
    if (stride < 1) {
      throw new IllegalArgumentException("the stride must be at least 1, not " + stride);
    }
    if (padding < 0) {
      throw new IllegalArgumentException("the padding must be 0 or more, not " + padding);
    }
    if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "groups "
              + groups
              + " must divide both the in channels ("
              + inChannels
              + ") and the out channels ("
              + outChannels
              + ")");
    }
  }

  /** Input channels per group. */
  public int inPerGroup() {
    return inChannels / groups;
  }

  /** Whether the block keeps its input's shape, so an identity branch is possible. */
  public boolean identityPossible() {
    return inChannels == outChannels && stride == 1;
  }

  /** The geometry as the command line writes it. */
  public String describe() {
    return "in "
        + inChannels
        + ", out "
        + outChannels
        + ", kernel "
        + kernel
        + ", stride "
        + stride
        + ", padding "
        + padding
        + ", groups "
        + groups;
  }
}
