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
 *   <tr><td>{@code vaeTraining}</td><td>{@code steps}?, {@code latent}?, {@code seed}?</td>
 *       <td>a tiny VAE trained on the lesson shapes with {@code z = μ + σ ⊙ ε}: its loss and KL
 *       per step and validation images against their reconstructions ({@link VaeStudy})</td></tr>
 *   <tr><td>{@code trainingCost}</td><td>{@code width}?, {@code steps}?, {@code seed}?</td>
 *       <td>the current design trained offline and online: milliseconds and bytes per step, and
 *       the branch similarity with and without the scaling layers ({@link
 *       TrainingCostStudy})</td></tr>
 *   <tr><td>{@code repoptTrajectories}</td><td>{@code steps}?, {@code seed}?</td>
 *       <td>the current (CSLA) design and its RepOpt twin trained side by side: the kernel
 *       difference and both losses per step ({@link RepOptStudy})</td></tr>
 *   <tr><td>{@code dyrepGrowth}</td><td>{@code steps}?, {@code interval}?, {@code seed}?</td>
 *       <td>the plain form of the current design trained with DyRep: the grow and cut events and
 *       the block's graph at each change ({@link DyRepStudy})</td></tr>
 * </table>
 *
 * <p>The settings a learner can change in a demo, for {@code demoParameter} checks: {@code mu} and
 * {@code sigma} (VAE), {@code width} (training cost), {@code mismatch} (1 when the RepOpt model
 * gets the wrong multipliers, else 0), {@code replayStep} and {@code layer} (the DyRep structure
 * shown: the step it holds from and the layer's index).
 */
public sealed interface Demo {

  /** The demo's name in lesson files. */
  String name();

  /** Every demo name, for messages. */
  static List<String> names() {
    return List.of(
        "batchStatistics",
        "vaeGradients",
        "vaeTraining",
        "trainingCost",
        "repoptTrajectories",
        "dyrepGrowth");
  }

  /** Every setting a demo lets the learner change, for {@code demoParameter} checks. */
  static List<String> parameterNames() {
    return List.of("mu", "sigma", "width", "mismatch", "replayStep", "layer");
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

  /**
   * A tiny VAE trained with the reparameterization trick; it does not use the design.
   *
   * @param steps Adam steps
   * @param latent dimensions of z
   * @param seed weights, batches and noise
   */
  record VaeTraining(int steps, int latent, long seed) implements Demo {
    public VaeTraining {
      new VaeStudy.Settings(steps, latent, seed);
    }

    @Override
    public String name() {
      return "vaeTraining";
    }

    /** The study's settings. */
    public VaeStudy.Settings settings() {
      return new VaeStudy.Settings(steps, latent, seed);
    }
  }

  /**
   * OREPA's training cost and branch similarity, measured on the current design.
   *
   * @param width the channels of the network's layers at the start (the learner can change it)
   * @param steps steps per run
   * @param seed weights, batches and data
   */
  record TrainingCost(int width, int steps, long seed) implements Demo {
    public TrainingCost {
      new TrainingCostStudy.Settings(width, steps, 16, 2, seed);
    }

    @Override
    public String name() {
      return "trainingCost";
    }

    /** The study's settings. */
    public TrainingCostStudy.Settings settings() {
      return new TrainingCostStudy.Settings(width, steps, 16, 2, seed);
    }
  }

  /**
   * A CSLA network and its RepOpt twin trained side by side.
   *
   * @param steps steps
   * @param seed weights, batches and data
   */
  record RepOptTrajectories(int steps, long seed) implements Demo {
    public RepOptTrajectories {
      new RepOptStudy.Settings(steps, false, seed);
    }

    @Override
    public String name() {
      return "repoptTrajectories";
    }

    /** The study's settings. */
    public RepOptStudy.Settings settings() {
      return new RepOptStudy.Settings(steps, false, seed);
    }
  }

  /**
   * DyRep growing and cutting a plain network of the current design.
   *
   * @param steps steps
   * @param interval adjust every this many steps
   * @param seed weights and batches
   */
  record DyRepGrowth(int steps, int interval, long seed) implements Demo {
    public DyRepGrowth {
      new DyRepStudy.Settings(steps, interval, 0.1, seed);
    }

    @Override
    public String name() {
      return "dyrepGrowth";
    }

    /** The study's settings (the reference's cut threshold, 0.1). */
    public DyRepStudy.Settings settings() {
      return new DyRepStudy.Settings(steps, interval, 0.1, seed);
    }
  }
}
