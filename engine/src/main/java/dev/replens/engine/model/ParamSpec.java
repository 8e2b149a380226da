package dev.replens.engine.model;

import java.util.Arrays;

/**
 * A parameter or buffer of an op: its name within the op, its shape and whether training updates
 * it.
 *
 * @param name the name within the op, e.g. {@code weight} or {@code running_var}
 * @param shape the shape, e.g. OIHW for a conv weight
 * @param trainable false for buffers such as BN running statistics and fixed filter bases
 */
public record ParamSpec(String name, long[] shape, boolean trainable) {

  public ParamSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The shape as text, e.g. {@code [8, 4, 3, 3]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParamSpec p
        && p.name.equals(name)
        && Arrays.equals(p.shape, shape)
        && p.trainable == trainable;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape) + (trainable ? 1 : 0);
  }

  @Override
  public String toString() {
    return name + shapeText() + (trainable ? "" : " (buffer)");
  }
}
