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
 */
public record GraphTuning(boolean recycleStepMemory, boolean maskRelu, boolean fullShapeScale) {

  /** Every workaround on. */
  public static final GraphTuning DEFAULT = new GraphTuning(true, true, true);

  /** A short description of what is switched off, e.g. {@code no step memory}. */
  public String describe() {
    if (this.equals(DEFAULT)) {
      return "all workarounds";
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
