package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * A channel-wise scale {@code y_c = s_c · x_c}: OREPA's linear scaling layer, and the constant
 * scales of RepOptimizer's CSLA blocks. The vector is stored as {@code weight}.
 *
 * @param id the op id within its branch
 * @param trainable false for a constant scale (CSLA) that training must not change
 */
public record ChannelScale(String id, boolean trainable) implements Op {

  public ChannelScale {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static ChannelScale fromJson(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty("trainable") Boolean trainable) {
    return new ChannelScale(id, trainable == null || trainable);
  }

  /** A learnable scale. */
  public static ChannelScale of(String id) {
    return new ChannelScale(id, true);
  }

  @Override
  public int outChannels(int inChannels) {
    return inChannels;
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    return List.of(new ParamSpec("weight", new long[] {inChannels}, trainable));
  }

  @Override
  public String describe() {
    return "scale";
  }
}
