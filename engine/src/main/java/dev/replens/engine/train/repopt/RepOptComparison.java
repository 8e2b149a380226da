package dev.replens.engine.train.repopt;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.kernel.Kernel;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingForms;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Trains a network of CSLA blocks and its single-conv RepOpt twin side by side, from the same seed
 * and on the same batches, and measures after every step how far the RepOpt kernel {@code W'} is
 * from the kernel the CSLA branches add up to, {@code s_c·W_K + s_1·pad(W_1) + D·I} [RepOptimizer:
 * Ding et al., "Re-parameterizing Your Optimizers rather than Architectures", ICLR 2023, Sec. 3;
 * the reference checks the same thing in DingXiaoH/RepOptimizers {@code check_equivalency.py}].
 *
 * <p>Under SGD (momentum and weight decay included) and AdamW the two trajectories are the same in
 * exact arithmetic, so the difference stays at round-off. Two options break it on purpose: {@link
 * Options#clip} clips each model's gradient to a global norm (the two norms differ), and {@link
 * Options#mismatch} gives the RepOpt model the multiplier of a KxK-only block ({@code M = s_c²}
 * everywhere, the centre-tap terms of the 1x1 and identity left out).
 *
 * <p>Order of calls: {@link #create} → {@link #step} repeatedly → {@link #close}, all on the thread
 * that created it (the two trainers are confined to it).
 */
public final class RepOptComparison implements AutoCloseable {

  /**
   * What may break the equivalence.
   *
   * @param clip clip both models' gradients to a global L2 norm of {@code clipNorm}
   * @param clipNorm the norm to clip to
   * @param mismatch give the RepOpt model the multiplier of a KxK-only block
   * @param referenceAdam under Adam/AdamW, use the reference RepOptimizer rule (one multiplier
   *     {@code M} on the gradient and the step, so one {@code ε} for the sum of the branches at the
   *     centre taps) instead of the branch-split rule that matches the CSLA model for any {@code ε}
   */
  public record Options(boolean clip, double clipNorm, boolean mismatch, boolean referenceAdam) {

    /** Nothing that breaks the equivalence. */
    public static Options exact() {
      return new Options(false, 1.0, false, false);
    }

    public Options withClip(double norm) {
      return new Options(true, norm, mismatch, referenceAdam);
    }

    public Options withoutClip() {
      return new Options(false, clipNorm, mismatch, referenceAdam);
    }

    public Options withMismatch(boolean m) {
      return new Options(clip, clipNorm, m, referenceAdam);
    }

    public Options withReferenceAdam(boolean r) {
      return new Options(clip, clipNorm, mismatch, r);
    }
  }

  /**
   * One step of both models.
   *
   * @param step the step's number (0: the start, before any update)
   * @param maxKernelDifference {@code max |W'_CSLA − W'_RepOpt|} over every block's kernel
   * @param blockDifferences the same per block
   * @param cslaLoss the CSLA model's training loss at this step (NaN at step 0)
   * @param repoptLoss the RepOpt model's training loss at this step (NaN at step 0)
   */
  public record StepResult(
      int step,
      double maxKernelDifference,
      double[] blockDifferences,
      double cslaLoss,
      double repoptLoss) {

    public StepResult {
      blockDifferences = blockDifferences.clone();
    }

    @Override
    public double[] blockDifferences() {
      return blockDifferences.clone();
    }
  }

  private final Trainer csla;
  private final Trainer repopt;
  private final List<RepOptForm> forms;
  private final Options options;
  private final List<KernelSnapshot> multipliers = new ArrayList<>();
  private final GradientClip cslaClip;
  private final GradientClip repoptClip;

  private RepOptComparison(Trainer csla, Trainer repopt, List<RepOptForm> forms, Options options) {
    this.csla = csla;
    this.repopt = repopt;
    this.forms = List.copyOf(forms);
    this.options = options;
    if (options.clip()) {
      cslaClip = new GradientClip(options.clipNorm());
      repoptClip = new GradientClip(options.clipNorm());
      csla.addHook(cslaClip);
      repopt.addHook(repoptClip);
    } else {
      cslaClip = null;
      repoptClip = null;
    }
    for (int i = 0; i < forms.size(); i++) {
      String key = multiplierKey(i);
      RepOptForm form = options.mismatch() ? forms.get(i).kxkOnly() : forms.get(i);
      DataType dt = repopt.config().dtype();
      repopt.setGradientMultiplier(key, form.multipliers(repopt.config().optimizer().kind(), dt));
      if (repopt.hasBranchScales(key)) {
        repopt.setBranchScales(key, options.referenceAdam() ? null : form.branchScales(dt));
      }
      INDArray m = repopt.gradientMultipliers().get(key);
      multipliers.add(
          KernelSnapshot.of(Kernel.of(m.castTo(DataType.DOUBLE), forms.get(i).groups())));
    }
  }

  /**
   * Builds both models: {@code config}'s optimizer, batch, seed and dtype; its mode is replaced by
   * CSLA and REPOPT. Call {@link #close} when done.
   *
   * @param forms the scales of every block (see {@link ScaleSearch} or {@link RepOptForm#of(
   *     BlockSpec, double, double, double)})
   * @throws IllegalArgumentException if the data doesn't fit the network or there isn't one form
   *     per block
   */
  public static RepOptComparison create(
      NetworkSpec net,
      TrainConfig config,
      DatasetSplit data,
      List<RepOptForm> forms,
      Options options) {
    Trainer c = Trainer.create(net, config.withMode(TrainMode.CSLA), data, forms);
    try {
      Trainer r = Trainer.create(net, config.withMode(TrainMode.REPOPT), data, forms);
      return new RepOptComparison(c, r, forms, options);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The network-wide key of block {@code i}'s RepOpt kernel. */
  public static String multiplierKey(int block) {
    return ModelState.key(
        ModelState.blockLayer(block), BlockSpec.key(TrainingForms.SINGLE_BRANCH, "conv", "weight"));
  }

  /** The options. */
  public Options options() {
    return options;
  }

  /** The scales of every block. */
  public List<RepOptForm> forms() {
    return forms;
  }

  /** The multiplier the RepOpt model uses for block {@code i} (the mismatched one if asked). */
  public KernelSnapshot multiplier(int block) {
    return multipliers.get(block);
  }

  /** The CSLA model's trainer. */
  public Trainer cslaTrainer() {
    return csla;
  }

  /** The RepOpt model's trainer. */
  public Trainer repoptTrainer() {
    return repopt;
  }

  /** Steps taken. */
  public int steps() {
    return csla.steps();
  }

  /** Whether the last step clipped either model's gradient (false without clipping). */
  public boolean lastStepClipped() {
    return cslaClip != null && (cslaClip.lastClipped() || repoptClip.lastClipped());
  }

  /** The kernels now, before any step or between steps. */
  public StepResult measure() {
    return measure(csla.steps(), Double.NaN, Double.NaN);
  }

  /** One step of both models, then the kernel difference. */
  public StepResult step() {
    StepMetrics a = csla.step(false);
    StepMetrics b = repopt.step(false);
    return measure(a.step(), a.loss(), b.loss());
  }

  private StepResult measure(int step, double lossA, double lossB) {
    ModelState a = csla.state();
    ModelState b = repopt.state();
    double[] diff = new double[a.blocks().size()];
    double max = 0;
    for (int i = 0; i < diff.length; i++) {
      diff[i] = maxAbsDifference(cslaKernel(a.blocks().get(i)), repoptKernel(b.blocks().get(i)));
      max = Math.max(max, diff[i]);
    }
    return new StepResult(step, max, diff, lossA, lossB);
  }

  /** The kernel a CSLA block's branches add up to, in double precision. */
  public static INDArray cslaKernel(BlockState cslaBlock) {
    return RepOptForm.cslaKernel(cslaBlock).weight().castTo(DataType.DOUBLE);
  }

  /** A RepOpt block's single kernel, in double precision. */
  public static INDArray repoptKernel(BlockState repoptBlock) {
    return repoptBlock
        .weights()
        .get(TrainingForms.SINGLE_BRANCH, "conv", "weight")
        .castTo(DataType.DOUBLE);
  }

  private static double maxAbsDifference(INDArray x, INDArray y) {
    return Transforms.abs(x.sub(y), false).maxNumber().doubleValue();
  }

  @Override
  public void close() {
    csla.close();
    repopt.close();
  }
}
