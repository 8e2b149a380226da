package dev.replens.engine.io.checkpoint;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of a storage, by offset,
 * size and stride (all in elements). Nothing is read until the state dict is assembled.
 *
 * @param storage the storage the tensor views
 * @param offset the storage offset of the first element
 * @param size the shape; empty for a 0-d tensor
 * @param stride the step between neighbours along each dimension
 */
record TorchTensorRef(TorchStorage storage, long offset, long[] size, long[] stride) {

  TorchTensorRef {
    size = size.clone();
    stride = stride.clone();
  }

  @Override
  public long[] size() {
    return size.clone();
  }

  @Override
  public long[] stride() {
    return stride.clone();
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return storage.type().typeName() + Arrays.toString(size);
  }
}
