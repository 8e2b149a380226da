package dev.replens.engine.pipeline;

/**
 * Which transform a pipeline step applied, with its formula in the LaTeX subset the formula view
 * renders ({@code \frac}, {@code ^}, {@code _}, {@code \sum}, {@code \sqrt}, {@code \cdot}, {@code
 * \odot}, {@code \ast}, Greek letters, {@code \quad}, {@code \mathrm}).
 */
public enum TransformKind {
  DESIGN("The block as designed", "y = \\sum_{b} \\mathrm{branch}_{b}(x)"),
  LINEARIZE_BN(
      "BN → scale + shift",
      "\\mathrm{BN}(u) = \\frac{\\gamma}{\\sigma} \\odot u + (\\beta - \\frac{\\mu\\gamma}{\\sigma}),"
          + " \\quad \\sigma = \\sqrt{\\mathrm{var} + \\epsilon}"),
  LINEARIZE_BIAS(
      "Bias moved after the sum", "W \\ast u + b \\;\\to\\; W \\ast u, \\quad t \\mathrel{+}= b"),
  LINEARIZE_SHIFT(
      "Shift moved after the sum", "u + t \\;\\to\\; u, \\quad t_{post} \\mathrel{+}= t"),
  IDENTITY_TO_KERNEL("Identity → kernel", "I[o, o \\bmod \\frac{C}{g}, c, c] = 1"),
  AVG_TO_KERNEL("Avg-pool → kernel", "W[o, o \\bmod \\frac{C}{g}, :, :] = \\frac{1}{k^{2}}"),
  FREQUENCY_TO_KERNEL("Frequency filter → kernel", "W[o,i,h,w] = c[o,i] \\cdot B[o,h,w]"),
  CHANNELWISE_TO_KERNEL("Channel-wise op → 1x1 kernel", "W = \\mathrm{diag}(s), \\quad b = t"),
  FUSE_BN(
      "Fold BN into conv",
      "W' = W \\cdot \\frac{\\gamma}{\\sigma}, \\quad b' = \\beta + (b - \\mu)\\frac{\\gamma}{\\sigma}"),
  SCALE("Fold scale into conv", "W' = s \\odot W, \\quad b' = s \\odot b"),
  SHIFT("Fold shift into bias", "b' = b + t"),
  MERGE_SEQUENTIAL(
      "Merge 1x1 → KxK",
      "W[o,i] = \\sum_{t} W_{2}[o,t] \\cdot W_{1}[t,i], \\quad b = b_{2} + \\sum_{t,h,w}"
          + " W_{2}[o,t,h,w] \\cdot b_{1}[t]"),
  COMPOSE("Compose kernels", "W[o,i] = \\sum_{t} W_{2}[o,t] \\ast W_{1}[t,i]"),
  PAD(
      "Pad kernel to KxK",
      "W'[:, :, \\frac{K-k_{h}}{2} + y, \\frac{K-k_{w}}{2} + x] = W[:, :, y, x]"),
  REGROUP("Regroup kernel", "W_{g} = \\mathrm{blockdiag}(W)"),
  ADD_BRANCHES("Add branches", "W = \\sum_{b} s_{b} \\odot W_{b}, \\quad b = \\sum_{b} b_{b}");

  private final String title;
  private final String formula;

  TransformKind(String title, String formula) {
    this.title = title;
    this.formula = formula;
  }

  /** A short title. */
  public String title() {
    return title;
  }

  /** The formula, in the LaTeX subset. */
  public String formula() {
    return formula;
  }
}
