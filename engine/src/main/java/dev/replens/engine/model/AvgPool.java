package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * Average pooling over a {@code k x k} window, counting padded zeros (PyTorch's default {@code
 * count_include_pad=True}), so that it equals a conv with the kernel {@code 1/k²}.
 *
 * @param id the op id within its branch
 * @param kernel the window size
 */
public record AvgPool(String id, int kernel) implements Op {

  public AvgPool {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static AvgPool fromJson(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "kernel", required = true) int kernel) {
    return new AvgPool(id, kernel);
  }

  @Override
  public int outChannels(int inChannels) {
    return inChannels;
  }

  @Override
  public int kernelH() {
    return kernel;
  }

  @Override
  public int kernelW() {
    return kernel;
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
    return "avg-pool " + kernel + "x" + kernel;
  }
}
