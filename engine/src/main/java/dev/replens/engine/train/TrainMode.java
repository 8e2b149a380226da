package dev.replens.engine.train;

import java.util.Locale;

/** How a block is trained. Every mode ends in the same deploy form: one conv per block. */
public enum TrainMode {
  /**
   * Every branch computed separately, each BN in train mode with its own batch statistics, as
   * RepVGG and DBB train [RepVGG; DBB].
   */
  OFFLINE("offline", "multi-branch, BN per branch"),
  /**
   * OREPA's online squeezing: branch BNs become learnable channel-wise scales, the branch kernels
   * are generated and summed inside the graph, and one conv plus one BN runs per block [OREPA].
   */
  ONLINE("online", "squeezed kernel, one conv + BN per block"),
  /** A single KxK conv with BN per block: the baseline. */
  PLAIN("plain", "one KxK conv + BN per block"),
  /**
   * One KxK conv trained with per-element gradient multipliers that reproduce a constant-scale
   * multi-branch block (CSLA) [RepOptimizer: Ding et al., "Re-parameterizing Your Optimizers rather
   * than Architectures", ICLR 2023].
   */
  REPOPT("repopt", "one KxK conv + BN, gradient multipliers"),
  /**
   * RepOptimizer's constant-scale linear addition (CSLA) block trained as it is: a KxK conv, a 1x1
   * conv and an identity, each times a channel-wise scale, summed, then BN. The conv scales are
   * constants; the identity's scale is trained, as in the reference implementation [RepOptimizer:
   * Ding et al., ICLR 2023; DingXiaoH/RepOptimizers, {@code LinearAddBlock(is_csla=True)}]. From
   * the same seed it follows the same trajectory as {@link #REPOPT} under SGD.
   */
  CSLA("csla", "scaled KxK + 1x1 + identity, then BN (constant conv scales)");

  private final String id;
  private final String summary;

  TrainMode(String id, String summary) {
    this.id = id;
    this.summary = summary;
  }

  /** The name on the command line. */
  public String id() {
    return id;
  }

  /** One line on what the mode trains. */
  public String summary() {
    return summary;
  }

  /** The mode named {@code text} (case-insensitive). */
  public static TrainMode parse(String text) {
    for (TrainMode m : values()) {
      if (m.id.equalsIgnoreCase(text) || m.name().equalsIgnoreCase(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown mode '" + text + "' (expected offline, online, plain, repopt or csla)");
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }
}
