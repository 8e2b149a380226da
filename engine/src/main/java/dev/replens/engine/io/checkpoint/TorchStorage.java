package dev.replens.engine.io.checkpoint;

/**
 * A storage of a {@code torch.save} file: the entry {@code data/<key>} of the zip format, or the
 * storage with this key in the legacy format. Legacy files also have views of a storage: {@code
 * viewOffset} and {@code viewNumel} say which part of the root storage the tensor offsets count
 * from.
 *
 * @param key the storage key, e.g. {@code "0"}
 * @param type the element type
 * @param numel the number of elements of the root storage
 * @param viewOffset where the view begins in the root storage (0 without a view)
 * @param viewNumel the number of elements of the view ({@code numel} without a view)
 */
record TorchStorage(String key, TensorType type, long numel, long viewOffset, long viewNumel) {

  /** A whole storage. */
  static TorchStorage whole(String key, TensorType type, long numel) {
    return new TorchStorage(key, type, numel, 0, numel);
  }

  /** Whether this is a whole storage. */
  boolean isWhole() {
    return viewOffset == 0 && viewNumel == numel;
  }
}
