package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.replens.engine.memory.MemoryBudget;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * OREPA's frequency prior filter: a fixed DCT basis per output channel times learnable
 * coefficients, {@code W[o,i,h,w] = c[o,i] · B[o,h,w]}. Parameters: {@code weight} (the
 * coefficients, {@code [out, in/groups, 1, 1]}) and the buffer {@code prior} ({@code [out, k, k]}).
 *
 * <p>Reference: Hu et al., "Online Convolutional Re-parameterization", CVPR 2022, Sec. 3.2.
 *
 * @param id the op id within its branch
 * @param outChannels output channels
 * @param kernel the basis size k
 * @param groups channel groups of the coefficient matrix
 */
public record FrequencyFilter(String id, int outChannels, int kernel, int groups) implements Op {

  public FrequencyFilter {
    Objects.requireNonNull(id, "id");
  }

  @JsonCreator
  static FrequencyFilter fromJson(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "outChannels", required = true) int outChannels,
      @JsonProperty(value = "kernel", required = true) int kernel,
      @JsonProperty("groups") Integer groups) {
    return new FrequencyFilter(id, outChannels, kernel, groups == null ? 1 : groups);
  }

  @Override
  public int outChannels(int inChannels) {
    return outChannels;
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
  public int groups(int inChannels) {
    return groups;
  }

  @Override
  public List<ParamSpec> params(int inChannels) {
    return List.of(
        new ParamSpec("weight", new long[] {outChannels, inChannels / groups, 1, 1}, true),
        new ParamSpec("prior", new long[] {outChannels, kernel, kernel}, false));
  }

  @Override
  public String describe() {
    return "frequency " + kernel + "x" + kernel;
  }

  /**
   * OREPA's DCT prior, generalized from K=3 to any k: the first half of the output channels vary
   * along rows, the second half along columns.
   *
   * <pre>
   *   B[o,h,w] = cos(π (h + ½)(o + 1) / k)          for o &lt; O/2
   *   B[o,h,w] = cos(π (w + ½)(o + 1 − O/2) / k)    otherwise
   * </pre>
   *
   * <p>For k = 3 this equals OREPA's {@code fre_init}, including its non-integer frequencies when O
   * is odd (O/2 is a real division there).
   *
   * @return the basis, {@code [out, k, k]}
   */
  public static INDArray dctPrior(int outChannels, int k, DataType dtype) {
    double half = outChannels / 2.0;
    double[] v = new double[MemoryBudget.length("a DCT basis", outChannels, k, k)];
    for (int o = 0; o < outChannels; o++) {
      for (int h = 0; h < k; h++) {
        for (int w = 0; w < k; w++) {
          v[(o * k + h) * k + w] =
              o < half
                  ? Math.cos(Math.PI * (h + 0.5) * (o + 1) / k)
                  : Math.cos(Math.PI * (w + 0.5) * (o + 1 - half) / k);
        }
      }
    }
    return Nd4j.create(v, new long[] {outChannels, k, k}, DataType.DOUBLE).castTo(dtype);
  }
}
