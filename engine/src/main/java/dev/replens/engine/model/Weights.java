package dev.replens.engine.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters and buffers of a block, keyed by {@link BlockSpec#key}, all of one data type
 * (float32 or float64). A value: every "change" returns a new instance, and the engine never writes
 * into an array it got from here or put here.
 */
public final class Weights {

  private final Map<String, INDArray> arrays;
  private final DataType dtype;

  private Weights(Map<String, INDArray> arrays, DataType dtype) {
    this.arrays = Collections.unmodifiableMap(arrays);
    this.dtype = dtype;
  }

  /** Weights from a map; every array must have the given floating-point data type. */
  public static Weights of(Map<String, INDArray> arrays, DataType dtype) {
    if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
      throw new IllegalArgumentException("weights must be float32 or float64, not " + dtype);
    }
    Map<String, INDArray> copy = new LinkedHashMap<>();
    arrays.forEach(
        (k, v) -> {
          if (v.dataType() != dtype) {
            throw new IllegalArgumentException(
                "weight '" + k + "' is " + v.dataType() + " but the set is " + dtype);
          }
          copy.put(k, v);
        });
    return new Weights(copy, dtype);
  }

  /** No weights. */
  public static Weights empty(DataType dtype) {
    return of(Map.of(), dtype);
  }

  /** The data type of every array. */
  public DataType dtype() {
    return dtype;
  }

  /** The array stored under the key. */
  public INDArray get(String key) {
    INDArray a = arrays.get(key);
    if (a == null) {
      throw new IllegalArgumentException("no weight '" + key + "'");
    }
    return a;
  }

  /** The array of an op's parameter. */
  public INDArray get(String branchId, String opId, String param) {
    return get(BlockSpec.key(branchId, opId, param));
  }

  /** The array under the key, if present. */
  public Optional<INDArray> find(String key) {
    return Optional.ofNullable(arrays.get(key));
  }

  /** Whether the key is present. */
  public boolean contains(String key) {
    return arrays.containsKey(key);
  }

  /** All keys, in insertion order. */
  public Set<String> keys() {
    return arrays.keySet();
  }

  /** The arrays, read-only. */
  public Map<String, INDArray> asMap() {
    return arrays;
  }

  /** A copy with one array added or replaced. */
  public Weights with(String key, INDArray value) {
    Map<String, INDArray> copy = new LinkedHashMap<>(arrays);
    copy.put(key, value.dataType() == dtype ? value : value.castTo(dtype));
    return new Weights(copy, dtype);
  }

  /** A copy with every array of {@code other} added or replaced. */
  public Weights withAll(Weights other) {
    Map<String, INDArray> copy = new LinkedHashMap<>(arrays);
    other.arrays.forEach((k, v) -> copy.put(k, v.dataType() == dtype ? v : v.castTo(dtype)));
    return new Weights(copy, dtype);
  }

  /** A copy without the keys that start with {@code prefix}. */
  public Weights withoutPrefix(String prefix) {
    Map<String, INDArray> copy = new LinkedHashMap<>(arrays);
    copy.keySet().removeIf(k -> k.startsWith(prefix));
    return new Weights(copy, dtype);
  }

  /** A copy with only the keys the design uses, in the design's order. */
  public Weights restrictTo(BlockSpec spec) {
    Map<String, INDArray> copy = new LinkedHashMap<>();
    for (BlockSpec.KeyedParam p : spec.params()) {
      INDArray a = arrays.get(p.key());
      if (a != null) {
        copy.put(p.key(), a);
      }
    }
    return new Weights(copy, dtype);
  }

  /** A copy converted to another data type. */
  public Weights castTo(DataType target) {
    if (target == dtype) {
      return this;
    }
    Map<String, INDArray> copy = new LinkedHashMap<>();
    arrays.forEach((k, v) -> copy.put(k, v.castTo(target)));
    return of(copy, target);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Weights[" + dtype + "]{");
    arrays.forEach((k, v) -> sb.append(k).append(Arrays.toString(v.shape())).append(' '));
    return sb.append('}').toString();
  }
}
