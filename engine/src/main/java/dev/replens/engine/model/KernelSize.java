package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A kernel size. Design files write it as {@code 3} (square) or {@code [1, 3]} (height, width).
 *
 * @param h height
 * @param w width
 */
public record KernelSize(int h, int w) {

  /** Reads {@code 3} or {@code [1, 3]}. */
  @JsonCreator
  static KernelSize fromJson(JsonNode node) {
    if (node.isInt()) {
      return new KernelSize(node.intValue(), node.intValue());
    }
    if (node.isArray() && node.size() == 2 && node.get(0).isInt() && node.get(1).isInt()) {
      return new KernelSize(node.get(0).intValue(), node.get(1).intValue());
    }
    throw new IllegalArgumentException(
        "a kernel size is a number such as 3 or a pair such as [1, 3], not " + node);
  }

  @JsonValue
  Object toJson() {
    return h == w ? (Object) h : new int[] {h, w};
  }

  @Override
  public String toString() {
    return h + "x" + w;
  }
}
