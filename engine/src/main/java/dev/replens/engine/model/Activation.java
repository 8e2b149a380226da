package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An element-wise activation, after a block or (unfusably) inside a branch. */
public enum Activation {
  NONE("none"),
  RELU("ReLU"),
  SILU("SiLU"),
  SIGMOID("sigmoid");

  private final String label;

  Activation(String label) {
    this.label = label;
  }

  /** The name shown to people. */
  public String label() {
    return label;
  }

  @JsonValue
  String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  static Activation fromJson(String text) {
    for (Activation a : values()) {
      if (a.name().equalsIgnoreCase(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '"
            + text
            + "' (expected one of "
            + Arrays.stream(values()).map(Activation::json).collect(Collectors.joining(", "))
            + ")");
  }
}
