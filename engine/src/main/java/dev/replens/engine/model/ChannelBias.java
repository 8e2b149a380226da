package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * A channel-wise shift {@code y_c = x_c + t_c}. Linearization collects every branch's constant term
 * (BN shifts, conv biases) into one of these after the sum. Stored as {@code bias}.
 *
 * @param id the op id
 */
public record ChannelBias(String id) implements Op {

  public ChannelBias {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static ChannelBias fromJson(@JsonProperty(value = "id", required = true) String id) {
    return new ChannelBias(id);
  }

  @Override
  public int outChannels(int inChannels) {
    return inChannels;
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    return List.of(new ParamSpec("bias", new long[] {inChannels}, true));
  }

  @Override
  public String describe() {
    return "shift";
  }
}
