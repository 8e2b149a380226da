package dev.replens.views.network;

import java.util.Arrays;
import java.util.Objects;

/**
 * The range of a fused kernel's weights in each output channel.
 *
 * @param min the smallest weight of each output channel
 * @param max the largest weight of each output channel, as many as {@code min}
 */
public record ChannelRanges(float[] min, float[] max) {

  public ChannelRanges {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.length != max.length) {
      throw new IllegalArgumentException(
          "channel ranges need as many maxima as minima: " + min.length + " vs " + max.length);
    }
    min = min.clone();
    max = max.clone();
  }

  /** The number of output channels. */
  public int channels() {
    return min.length;
  }

  /** The largest |w| of a channel. */
  public double absMax(int channel) {
    return Math.max(Math.abs(min[channel]), Math.abs(max[channel]));
  }

  /** The largest |w| over all channels (0 if there are none). */
  public double absMax() {
    double m = 0;
    for (int c = 0; c < channels(); c++) {
      m = Math.max(m, absMax(c));
    }
    return m;
  }

  /** The channel with the largest |w|, or −1 if there are none. */
  public int widestChannel() {
    int best = -1;
    for (int c = 0; c < channels(); c++) {
      if (best < 0 || absMax(c) > absMax(best)) {
        best = c;
      }
    }
    return best;
  }

  /** The median over channels of |w| max (0 if there are none). */
  public double medianAbsMax() {
    if (channels() == 0) {
      return 0;
    }
    double[] a = new double[channels()];
    for (int c = 0; c < a.length; c++) {
      a[c] = absMax(c);
    }
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
  }

  @Override
  public float[] min() {
    return min.clone();
  }

  @Override
  public float[] max() {
    return max.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelRanges r && Arrays.equals(min, r.min) && Arrays.equals(max, r.max);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
  }

  @Override
  public String toString() {
    return "ChannelRanges[" + channels() + " channels]";
  }

  float minAt(int c) {
    return min[c];
  }

  float maxAt(int c) {
    return max[c];
  }
}
