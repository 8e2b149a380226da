package dev.replens.engine.train.dyrep;

import java.util.List;

/**
 * One structure change.
 *
 * @param step the step after which it happened
 * @param layer the layer, e.g. {@code block0}
 * @param kind grown or cut
 * @param branches the branches added (grow) or folded away (cut)
 * @param outputChange the largest change of the layer's eval-mode output on a probe input, which
 *     the change must keep at round-off
 * @param branchWeights for a cut, each branch's weight before it ({@code mean|γ|} ratio); empty for
 *     a grow
 */
public record DyRepEvent(
    int step,
    String layer,
    Kind kind,
    List<String> branches,
    double outputChange,
    java.util.Map<String, Double> branchWeights) {

  /** Grow (Rep) or cut (Dep). */
  public enum Kind {
    GROWN,
    CUT;

    @Override
    public String toString() {
      return this == GROWN ? "grown" : "cut";
    }
  }

  public DyRepEvent {
    branches = List.copyOf(branches);
    branchWeights = java.util.Map.copyOf(branchWeights);
  }
}
