package dev.replens.engine.train;

/**
 * The ND4J 1.0.0-M2.1 workarounds the training graph applies, each of which can be switched off to
 * measure what it buys ({@code replens bench train --ablation}). All on by default.
 *
 * @param recycleStepMemory recycle every array of a step for the next step ({@link StepMemory})
 *     instead of leaving them to the Java GC
 * @param maskRelu build ReLU as {@code x · cast(x > 0)} instead of ND4J's relu op, whose backprop
 *     is slow
 * @param fullShapeScale broadcast a per-channel scale to the full map with an add before
 *     multiplying, instead of a broadcast multiply, whose backprop is slow
 * @param lean train with the hand-written step ({@link LeanNetwork}) wherever it covers the
 *     network, and with the SameDiff graph (tuned by the other flags) elsewhere
 */
public record GraphTuning(
    boolean recycleStepMemory, boolean maskRelu, boolean fullShapeScale, boolean lean) {

  /** The lean step where it applies, the graph with every workaround elsewhere. */
  public static final GraphTuning DEFAULT = new GraphTuning(true, true, true, true);

  /** Always the SameDiff graph, with every workaround. */
  public static final GraphTuning GRAPH = new GraphTuning(true, true, true, false);

  /** The SameDiff graph with the given workarounds. */
  public GraphTuning(boolean recycleStepMemory, boolean maskRelu, boolean fullShapeScale) {
    this(recycleStepMemory, maskRelu, fullShapeScale, false);
  }

  /** A short description of what is switched off, e.g. {@code no step memory}. */
  public String describe() {
    if (this.equals(DEFAULT)) {
      return "lean step";
    }
    if (this.equals(GRAPH)) {
      return "graph, all workarounds";
    }
    StringBuilder sb = new StringBuilder();
    if (!recycleStepMemory) {
      sb.append("no step memory, ");
    }
    if (!maskRelu) {
      sb.append("relu op, ");
    }
    if (!fullShapeScale) {
      sb.append("broadcast multiply, ");
    }
    return sb.substring(0, sb.length() - 2);
  }
}
