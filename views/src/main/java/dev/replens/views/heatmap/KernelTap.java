package dev.replens.views.heatmap;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.views.NumberText;

/**
 * One tap of a kernel as a heatmap shows it: out channel, absolute in channel, row and column, with
 * the value. Where groups leave the in channel unconnected to the out channel, {@link #inGroup()}
 * is −1 and the value is 0. A bias entry has {@code in = y = x = −1}.
 *
 * @param out out channel {@code o}
 * @param in absolute in channel {@code i} (0..in−1), or −1 for the bias
 * @param inGroup the in channel's index within {@code o}'s group (the weight's second OIHW index,
 *     as {@code Equivalents.contributionsAt} takes it), or −1 where not connected or for the bias
 * @param y kernel row
 * @param x kernel column
 * @param value the weight (or bias) value
 */
public record KernelTap(int out, int in, int inGroup, int y, int x, double value) {

  /** The tap at {@code [o, in, y, x]} of a kernel, {@code in} absolute. */
  public static KernelTap at(KernelSnapshot k, int o, int in, int y, int x) {
    if (o < 0
        || o >= k.out()
        || in < 0
        || in >= k.in()
        || y < 0
        || y >= k.kh()
        || x < 0
        || x >= k.kw()) {
      throw new IndexOutOfBoundsException(
          "tap [" + o + ", " + in + ", " + y + ", " + x + "] is outside kernel " + k);
    }
    int group = o / (k.out() / k.groups());
    int local = in - group * k.inPerGroup();
    if (local < 0 || local >= k.inPerGroup()) {
      return new KernelTap(o, in, -1, y, x, 0.0);
    }
    return new KernelTap(o, in, local, y, x, k.at(o, local, y, x));
  }

  /** The bias entry of out channel {@code o}. */
  public static KernelTap bias(KernelSnapshot k, int o) {
    return new KernelTap(o, -1, -1, -1, -1, k.bias()[o]);
  }

  /** Whether this is a bias entry rather than a weight tap. */
  public boolean isBias() {
    return in < 0;
  }

  /** Whether the in channel feeds the out channel (always true for a bias entry). */
  public boolean connected() {
    return isBias() || inGroup >= 0;
  }

  /** This tap's index in another kernel of the same shape, with that kernel's value. */
  public KernelTap in(KernelSnapshot k) {
    return isBias() ? bias(k, out) : at(k, out, in, y, x);
  }

  /** A readout such as {@code w[3, 5, 1, 2] = −0.0123} or {@code w[3, 5, :, :] not connected}. */
  public String describe() {
    if (isBias()) {
      return "b[" + out + "] = " + NumberText.exact(value);
    }
    String index = "w[" + out + ", " + in + ", " + y + ", " + x + "]";
    if (!connected()) {
      return index + ": not connected (groups)";
    }
    return index + " = " + NumberText.exact(value);
  }
}
