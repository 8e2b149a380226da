package dev.replens.engine.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Code that runs inside every training step, on the trainer thread: to read gradients (saliency,
 * DyRep), change them (clipping) or look at the parameters after the update.
 *
 * <p>Order within a step: gradients are computed → checked for NaN/Inf → {@link #beforeUpdate} →
 * per-parameter gradient multipliers → optimizer update → {@link #afterUpdate}. The arrays are the
 * trainer's own and are valid only during the call: copy what you keep. Keys are network-wide
 * ({@link ModelState}).
 */
public interface StepHook {

  /**
   * Called with the raw gradients, which may be modified in place.
   *
   * @param step the step's number, starting at 1
   * @param gradients the gradient of every trained parameter
   * @param parameters the parameters before the update (read-only)
   */
  default void beforeUpdate(
      int step, Map<String, INDArray> gradients, Map<String, INDArray> parameters) {}

  /**
   * Called after the update.
   *
   * @param step the step's number
   * @param parameters the updated parameters (read-only)
   */
  default void afterUpdate(int step, Map<String, INDArray> parameters) {}
}
