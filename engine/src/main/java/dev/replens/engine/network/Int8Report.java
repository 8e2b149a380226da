package dev.replens.engine.network;

/**
 * How a fused kernel survives symmetric INT8 quantization of its weight, {@code q = clamp(round(w /
 * s), −127, 127)}, {@code s = max|w| / 127}: with one scale for the whole tensor, and with one
 * scale per output channel. The error is relative and taken per output channel, then averaged over
 * the channels: {@code mean_o ‖w_o − s·q_o‖₂ / ‖w_o‖₂}, so that a narrow channel crushed by a
 * shared scale counts as much as the wide channel that set it.
 *
 * <p>Per-tensor quantization suffers when one channel's range is much wider than the others': the
 * shared scale leaves the narrow channels only a few levels. In re-parameterized blocks the cause
 * is usually a branch that adds a large value to a few entries, most often the identity branch
 * ({@code γ/σ} at the kernel centre with a small running variance) or the 1x1 branch (Chu et al.,
 * "Make RepVGG Greater Again: A Quantization-aware Approach", AAAI 2024).
 *
 * @param perTensorError mean relative channel error with one scale for the tensor
 * @param perChannelError mean relative channel error with one scale per output channel
 * @param dynamicRange the widest channel's {@code max|w|} over the median channel's
 * @param inflatingBranch the branch that contributes most to the kernel's largest entry, or null
 *     when the kernel has no branches to tell apart (a deploy-form block)
 * @param channelMin the smallest weight of each output channel
 * @param channelMax the largest weight of each output channel
 */
public record Int8Report(
    double perTensorError,
    double perChannelError,
    double dynamicRange,
    String inflatingBranch,
    float[] channelMin,
    float[] channelMax) {

  public Int8Report {
    channelMin = channelMin.clone();
    channelMax = channelMax.clone();
  }

  @Override
  public float[] channelMin() {
    return channelMin.clone();
  }

  @Override
  public float[] channelMax() {
    return channelMax.clone();
  }

  /** How many times the per-tensor error exceeds the per-channel error (∞ if the latter is 0). */
  public double perTensorPenalty() {
    if (perChannelError == 0) {
      return perTensorError == 0 ? 1 : Double.POSITIVE_INFINITY;
    }
    return perTensorError / perChannelError;
  }

  /** The output channel with the widest range. */
  public int widestChannel() {
    int best = 0;
    double bestAbs = -1;
    for (int o = 0; o < channelMin.length; o++) {
      double a = Math.max(Math.abs(channelMin[o]), Math.abs(channelMax[o]));
      if (a > bestAbs) {
        bestAbs = a;
        best = o;
      }
    }
    return best;
  }
}
