package dev.replens.engine.network;

/**
 * The stride and padding of one block, where the defaults (stride 1, the family's standard padding
 * {@code K/2}) are wrong. A state dict can't record either; they don't change the fused kernel,
 * only the geometry of the check.
 *
 * @param stride the block's stride, at least 1
 * @param padding the block's padding, 0 or more
 */
public record BlockOverride(int stride, int padding) {

  public BlockOverride {
    if (stride < 1) {
      throw new IllegalArgumentException("the stride must be at least 1, not " + stride);
    }
    if (padding < 0) {
      throw new IllegalArgumentException("the padding must be 0 or more, not " + padding);
    }
  }

  /**
   * Parses {@code stride,padding}, e.g. {@code 2,1}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static BlockOverride parse(String text) {
    String[] parts = text == null ? new String[0] : text.strip().split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "a block override is stride,padding (e.g. 2,1), not '" + text + "'");
    }
    try {
      return new BlockOverride(
          Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a block override is stride,padding with whole numbers (e.g. 2,1), not '" + text + "'");
    }
  }
}
