package dev.replens.engine.lesson;

import dev.replens.engine.vae.TestFunction;
import java.util.List;
import java.util.Objects;

/**
 * A live demo a lesson shows in its panel ({@code {"do": "startDemo", "demo": "..."}}). Every
 * number a demo shows is computed by the engine when it is shown.
 *
 * <table>
 *   <caption>The demos</caption>
 *   <tr><th>{@code demo}</th><th>fields</th><th>shows</th></tr>
 *   <tr><td>{@code batchStatistics}</td><td>{@code seed}?</td>
 *       <td>the current design run with train-mode BN (batch statistics) against eval-mode BN
 *       and the fused conv, on a probe ({@link TrainModeBatchNorm})</td></tr>
 *   <tr><td>{@code vaeGradients}</td><td>{@code function}? ({@code square}, {@code sine},
 *       {@code exp}), {@code mu}?, {@code sigma}?, {@code seed}?</td>
 *       <td>the variance of the score-function and the reparameterized gradient estimators
 *       against the number of samples ({@link dev.replens.engine.vae.EstimatorStudy}), with
 *       controls for μ, σ and f</td></tr>
 * </table>
 */
public sealed interface Demo {

  /** The demo's name in lesson files. */
  String name();

  /** Every demo name, for messages. */
  static List<String> names() {
    return List.of("batchStatistics", "vaeGradients");
  }

  /**
   * Train-mode BN against eval-mode BN and the fused conv, on the current design.
   *
   * @param seed the probe's seed
   */
  record BatchStatistics(long seed) implements Demo {
    @Override
    public String name() {
      return "batchStatistics";
    }
  }

  /**
   * Score-function against reparameterized gradients of {@code E[f(z)]}, {@code z ~ N(μ, σ²)}.
   *
   * @param function f
   * @param mu μ at the start (the learner can change it)
   * @param sigma σ at the start, positive
   * @param seed the noise seed
   */
  record VaeGradients(TestFunction function, double mu, double sigma, long seed) implements Demo {
    public VaeGradients {
      Objects.requireNonNull(function, "function");
      if (!(sigma > 0)) {
        throw new IllegalArgumentException("σ must be positive, got " + sigma);
      }
    }

    @Override
    public String name() {
      return "vaeGradients";
    }
  }
}
