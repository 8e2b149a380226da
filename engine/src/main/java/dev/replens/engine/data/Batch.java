package dev.replens.engine.data;

/**
 * One mini-batch, NCHW.
 *
 * @param images {@code size · channels · height · width} floats
 * @param labels {@code size} class indices
 * @param indices the dataset index of each image
 * @param channels channels per image
 * @param height image height
 * @param width image width
 */
public record Batch(
    float[] images, int[] labels, int[] indices, int channels, int height, int width) {

  /** The number of images. */
  public int size() {
    return labels.length;
  }
}
