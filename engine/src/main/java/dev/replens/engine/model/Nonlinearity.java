package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * A nonlinearity inside a branch. The engine can evaluate it, but a branch that contains one is not
 * linear and cannot be fused into a single conv; validation reports it.
 *
 * @param id the op id within its branch
 * @param kind which function
 */
public record Nonlinearity(String id, Activation kind) implements Op {

  public Nonlinearity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
  }

  @JsonCreator
  static Nonlinearity fromJson(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "kind", required = true) Activation kind) {
    return new Nonlinearity(id, kind);
  }

  @Override
  public int outChannels(int inChannels) {
    return inChannels;
  }

  @Override
  public boolean linear() {
    return kind == Activation.NONE;
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    return List.of();
  }

  @Override
  public String describe() {
    return kind.label();
  }
}
