package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A padding per dimension; negative values crop. Design files write {@code 1} or {@code [0, 1]}
 * (height, width).
 *
 * @param h rows added (or, if negative, removed) at the top and at the bottom
 * @param w columns added (or removed) at the left and at the right
 */
public record Padding2D(int h, int w) {

  @JsonCreator
  static Padding2D fromJson(JsonNode node) {
    if (node.isInt()) {
      return new Padding2D(node.intValue(), node.intValue());
    }
    if (node.isArray() && node.size() == 2 && node.get(0).isInt() && node.get(1).isInt()) {
      return new Padding2D(node.get(0).intValue(), node.get(1).intValue());
    }
    throw new IllegalArgumentException(
        "a padding is a number such as 1 or a pair such as [0, 1], not " + node);
  }

  @JsonValue
  Object toJson() {
    return h == w ? (Object) h : new int[] {h, w};
  }

  @Override
  public String toString() {
    return h == w ? Integer.toString(h) : "(" + h + ", " + w + ")";
  }
}
