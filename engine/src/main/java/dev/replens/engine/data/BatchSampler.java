package dev.replens.engine.data;

/**
 * Draws mini-batches of a fixed size from a dataset in a seeded order: each epoch is a new
 * permutation of the whole set, and a batch never spans two epochs (the remainder of an epoch is
 * dropped, as PyTorch's {@code drop_last=True} does). The same seed gives the same batches.
 *
 * <p>Not thread-safe: one sampler per training run.
 */
public final class BatchSampler {

  private final Dataset data;
  private final int batchSize;
  private final long seed;
  private int epoch;
  private int position;
  private int[] order;

  /**
   * @throws IllegalArgumentException if the dataset has fewer images than one batch
   */
  public BatchSampler(Dataset data, int batchSize, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be positive, not " + batchSize);
    }
    if (data.size() < batchSize) {
      throw new IllegalArgumentException(
          data.name() + " has " + data.size() + " images, fewer than one batch of " + batchSize);
    }
    this.data = data;
    this.batchSize = batchSize;
    this.seed = seed;
    this.order = Shuffle.permutation(data.size(), mix(seed, 0));
  }

  /** The next batch, in arrays of its own. */
  public Batch next() {
    return next(new float[batchSize * data.imageLength()]);
  }

  /**
   * The next batch, its images written into {@code images} (which the batch then holds): a training
   * loop passes the same array every step, so that drawing a batch allocates next to nothing on the
   * heap.
   *
   * @param images {@code batchSize · imageLength} floats, overwritten
   * @throws IllegalArgumentException if {@code images} is not one batch long
   */
  public Batch next(float[] images) {
    if (images.length != batchSize * data.imageLength()) {
      throw new IllegalArgumentException(
          "a batch of "
              + batchSize
              + " images needs "
              + batchSize * data.imageLength()
              + " floats, not "
              + images.length);
    }
    if (position + batchSize > order.length) {
      epoch++;
      position = 0;
      order = Shuffle.permutation(data.size(), mix(seed, epoch));
    }
    int[] idx = new int[batchSize];
    System.arraycopy(order, position, idx, 0, batchSize);
    position += batchSize;
    data.copyImages(idx, images);
    int[] y = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      y[i] = data.label(idx[i]);
    }
    return new Batch(images, y, idx, data.channels(), data.height(), data.width());
  }

  /** The epoch the next batch comes from, starting at 0. */
  public int epoch() {
    return position + batchSize > order.length ? epoch + 1 : epoch;
  }

  /** Batches per epoch. */
  public int batchesPerEpoch() {
    return data.size() / batchSize;
  }

  private static long mix(long seed, int epoch) {
    return seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 1;
  }
}
