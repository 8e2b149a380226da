package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * Batch normalization in eval mode: {@code y = γ (x − μ) / sqrt(σ² + eps) + β}, per channel.
 * Parameters use PyTorch's names: {@code weight} (γ), {@code bias} (β), {@code running_mean} (μ),
 * {@code running_var} (σ²).
 *
 * @param id the op id within its branch
 * @param eps the variance epsilon
 */
public record BatchNorm(String id, double eps) implements Op {

  /** PyTorch's default epsilon. */
  public static final double DEFAULT_EPS = 1e-5;

  public BatchNorm {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static BatchNorm fromJson(
      @JsonProperty(value = "id", required = true) String id, @JsonProperty("eps") Double eps) {
    return new BatchNorm(id, eps == null ? DEFAULT_EPS : eps);
  }

  /** A BN with the default epsilon. */
  public static BatchNorm of(String id) {
    return new BatchNorm(id, DEFAULT_EPS);
  }

  @Override
  public int outChannels(int inChannels) {
    return inChannels;
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    long[] c = {inChannels};
    return List.of(
        new ParamSpec("weight", c, true),
        new ParamSpec("bias", c, true),
        new ParamSpec("running_mean", c, false),
        new ParamSpec("running_var", c, false));
  }

  @Override
  public String describe() {
    return "BN";
  }
}
