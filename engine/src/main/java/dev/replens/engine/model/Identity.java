package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The identity map {@code y = x}: RepVGG's shortcut branch. It needs equal in and out channels and
 * stride 1.
 *
 * @param id the op id within its branch
 */
public record Identity(String id) implements Op {

  public Identity {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static Identity fromJson(@JsonProperty(value = "id", required = true) String id) {
    return new Identity(id);
  }

  @Override
  public int outChannels(int inChannels) {
    return inChannels;
  }

  @Override
  public boolean spatial() {
    return true;
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    return List.of();
  }

  @Override
  public String describe() {
    return "identity";
  }
}
