package dev.replens.engine.train.dyrep;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Conv;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.SeededNormal;
import dev.replens.engine.train.StepHook;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic re-parameterization while training [DyRep: Huang et al., "DyRep: Bootstrapping Training
 * with Dynamic Re-parameterization", CVPR 2022; reference: hunto/image_classification_sota {@code
 * lib/models/utils/dyrep.py}, {@code record_metrics} and {@code adjust_model}].
 *
 * <ul>
 *   <li>Every step it records each block's saliency {@code Σ ∂L/∂W ⊙ W} over the block's conv
 *       weights (the reference's default {@code synflow} metric).
 *   <li>Every {@code interval} steps it grows the plain block with the largest mean saliency since
 *       the last adjustment into DyRep's multi-branch block ({@link BlockGrowth#grow}), then cuts
 *       from every grown block the branches whose BN-γ weight is below the threshold and the
 *       block's mean, if the weights spread by more than {@code minSpread} ({@link
 *       BlockGrowth#cut}); both keep the eval-mode function, which is measured on a probe input and
 *       logged with the event; the trainer is rebuilt with the new structure, keeping the optimizer
 *       state of unchanged parameters.
 * </ul>
 *
 * <p>It also says when the saliency means nothing: a conv followed by a train-mode BN computes the
 * same loss when its weights are scaled ({@code BN(αWx) = BN(Wx)} up to BN's ε), so {@code dL/dα =
 * Σ g⊙W} is zero up to ε and round-off, and the ranking is decided by noise ({@link
 * #roundOffNote}).
 *
 * <p>Order of calls, all on the trainer's thread: {@link #attach} → after every step {@link
 * #afterStep} (or register it as a {@link TrainingListener} of the run, whose {@code onStep} does
 * the same). The recorded history can be read from any thread.
 */
public final class DyRep implements StepHook, TrainingListener {

  private static final Logger LOG = LoggerFactory.getLogger(DyRep.class);

  private final DyRepConfig config;
  private final SplittableRandom random;
  private final Map<String, Set<String>> convKeys = new LinkedHashMap<>();
  private final Map<String, double[]> interval = new LinkedHashMap<>();
  private final Map<String, double[]> lastStep = new LinkedHashMap<>();
  private final Map<String, INDArray> probes = new LinkedHashMap<>();
  private final List<SaliencySample> samples = new ArrayList<>();
  private final List<DyRepEvent> events = new ArrayList<>();
  private final List<StructureFrame> frames = new ArrayList<>();
  private Trainer trainer;
  private String roundOffNote;
  private int lastStepSeen;

  public DyRep(DyRepConfig config) {
    this.config = config;
    this.random = new SplittableRandom(config.seed());
  }

  /** The configuration. */
  public DyRepConfig config() {
    return config;
  }

  /** Hooks into {@code t}: records saliency from its next step on. */
  public void attach(Trainer t) {
    this.trainer = t;
    t.addHook(this);
    ModelState s = t.state();
    indexConvs(s);
    synchronized (this) {
      frames.add(new StructureFrame(s.step(), s.blockSpecs()));
    }
  }

  private void indexConvs(ModelState s) {
    convKeys.clear();
    for (int i = 0; i < s.blocks().size(); i++) {
      String layer = ModelState.blockLayer(i);
      Set<String> keys = new LinkedHashSet<>();
      for (BlockSpec.KeyedParam p : s.blocks().get(i).spec().params()) {
        if (p.op() instanceof Conv && p.spec().name().equals("weight")) {
          keys.add(ModelState.key(layer, p.key()));
        }
      }
      convKeys.put(layer, keys);
    }
  }

  @Override
  public void beforeUpdate(
      int step, Map<String, INDArray> gradients, Map<String, INDArray> parameters) {
    for (Map.Entry<String, Set<String>> e : convKeys.entrySet()) {
      double sum = 0;
      double abs = 0;
      for (String k : e.getValue()) {
        INDArray g = gradients.get(k);
        INDArray w = parameters.get(k);
        if (g == null || w == null) {
          continue;
        }
        INDArray gw = g.castTo(DataType.DOUBLE).mul(w.castTo(DataType.DOUBLE));
        sum += gw.sumNumber().doubleValue();
        abs += Transforms.abs(gw, false).sumNumber().doubleValue();
      }
      lastStep.put(e.getKey(), new double[] {sum, abs});
      double[] acc = interval.computeIfAbsent(e.getKey(), k -> new double[3]);
      acc[0] += sum;
      acc[1] += abs;
      acc[2] += 1;
    }
  }

  @Override
  public void onStep(StepMetrics m) {
    if (trainer != null) {
      afterStep(trainer);
    }
  }

  /**
   * Records the step's saliency and, every {@code interval} steps, grows and cuts. Call between
   * steps on the trainer's thread.
   *
   * @return the structure changes made now (usually none)
   */
  public List<DyRepEvent> afterStep(Trainer t) {
    int step = t.steps();
    if (step == lastStepSeen) {
      return List.of();
    }
    lastStepSeen = step;
    List<SaliencySample> now = new ArrayList<>();
    for (Map.Entry<String, double[]> e : lastStep.entrySet()) {
      double[] acc = interval.get(e.getKey());
      now.add(
          new SaliencySample(step, e.getKey(), e.getValue()[0], e.getValue()[1], acc[0] / acc[2]));
    }
    synchronized (this) {
      samples.addAll(now);
    }
    if (step % config.interval() != 0) {
      return List.of();
    }
    return adjust(t, step);
  }

  private List<DyRepEvent> adjust(Trainer t, int step) {
    ModelState s = t.state();
    List<BlockState> blocks = new ArrayList<>(s.blocks());
    List<DyRepEvent> made = new ArrayList<>();
    checkRoundOff(s, step);
    String best = null;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < blocks.size(); i++) {
      String layer = ModelState.blockLayer(i);
      double[] acc = interval.get(layer);
      if (acc == null || !BlockGrowth.canGrow(blocks.get(i).spec())) {
        continue;
      }
      double mean = acc[0] / acc[2];
      if (mean > bestValue) {
        bestValue = mean;
        best = layer;
      }
    }
    String grown = best;
    if (best != null) {
      int i = Integer.parseInt(best.substring("block".length()));
      BlockState before = blocks.get(i);
      BlockState after = BlockGrowth.grow(before, config.smallGamma(), random.nextLong());
      double change = BlockGrowth.outputChange(before, after, probe(s, i));
      List<String> added =
          after.spec().branches().stream()
              .skip(1)
              .map(dev.replens.engine.model.Branch::id)
              .toList();
      blocks.set(i, after);
      made.add(new DyRepEvent(step, best, DyRepEvent.Kind.GROWN, added, change, Map.of()));
      LOG.info(
          "step {}: grew {} (mean saliency {}) by {}; output change {}",
          step,
          best,
          bestValue,
          added,
          change);
    }
    for (int i = 0; i < blocks.size(); i++) {
      String layer = ModelState.blockLayer(i);
      BlockState b = blocks.get(i);
      if (layer.equals(grown) || b.spec().branches().size() < 2 || !isGrown(b.spec())) {
        continue;
      }
      Map<String, Double> w = BlockGrowth.branchWeights(b);
      LOG.debug("step {}: branch weights of {}: {}", step, layer, w);
      Set<String> cut = toCut(w, b.spec().branches().get(0).id());
      if (cut.isEmpty()) {
        continue;
      }
      BlockState after = BlockGrowth.cut(b, cut);
      double change = BlockGrowth.outputChange(b, after, probe(s, i));
      blocks.set(i, after);
      made.add(new DyRepEvent(step, layer, DyRepEvent.Kind.CUT, List.copyOf(cut), change, w));
      LOG.info("step {}: cut {} from {}; output change {}", step, cut, layer, change);
    }
    interval.clear();
    if (!made.isEmpty()) {
      ModelState next =
          new ModelState(
              s.net(), s.mode(), s.stem(), blocks, s.head(), s.inputMean(), s.inputStd(), s.step());
      t.rebuild(next);
      indexConvs(next);
      synchronized (this) {
        events.addAll(made);
        frames.add(new StructureFrame(step, next.blockSpecs()));
      }
    }
    return made;
  }

  /** Whether a block came from {@link BlockGrowth#grow}: its later branches are DyRep's. */
  private static boolean isGrown(BlockSpec spec) {
    return spec.branches().stream().skip(1).allMatch(b -> b.id().startsWith("dbb_"));
  }

  /**
   * The reference's rule: if the non-KxK weights spread by more than {@code minSpread} (sample
   * standard deviation), cut those below both their mean and the threshold.
   */
  private Set<String> toCut(Map<String, Double> weights, String kxk) {
    List<Map.Entry<String, Double>> valid =
        weights.entrySet().stream().filter(e -> !e.getKey().equals(kxk)).toList();
    Set<String> out = new LinkedHashSet<>();
    if (valid.size() < 2) {
      return out;
    }
    double mean = valid.stream().mapToDouble(Map.Entry::getValue).average().orElse(0);
    double var =
        valid.stream().mapToDouble(e -> (e.getValue() - mean) * (e.getValue() - mean)).sum()
            / (valid.size() - 1);
    if (Math.sqrt(var) <= config.minSpread()) {
      return out;
    }
    for (Map.Entry<String, Double> e : valid) {
      if (e.getValue() < mean && e.getValue() < config.cutThreshold()) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private void checkRoundOff(ModelState s, int step) {
    List<String> cancelled = new ArrayList<>();
    double worst = 0;
    int plain = 0;
    for (int i = 0; i < s.blocks().size(); i++) {
      String layer = ModelState.blockLayer(i);
      double[] acc = interval.get(layer);
      if (acc == null || !BlockGrowth.canGrow(s.blocks().get(i).spec())) {
        continue;
      }
      plain++;
      double ratio = acc[1] == 0 ? 0 : Math.abs(acc[0]) / acc[1];
      if (ratio < config.roundOffRatio()) {
        cancelled.add(layer);
        worst = Math.max(worst, ratio);
      }
    }
    if (plain > 0 && cancelled.size() == plain) {
      String note =
          String.format(
              Locale.ROOT,
              "At step %d the saliency Σ g⊙W of %s is at most %.1e of Σ|g⊙W|: it cancels out to"
                  + " nearly nothing. Each of these convs feeds a BN in train mode, so scaling its"
                  + " weights doesn't change the loss, and dL/dscale = Σ g⊙W is zero up to BN's ε"
                  + " and round-off. Which layer grows is then decided by noise, not by"
                  + " importance.",
              step,
              cancelled.stream().collect(Collectors.joining(", ")),
              worst);
      synchronized (this) {
        if (roundOffNote == null) {
          LOG.info(note);
        }
        roundOffNote = note;
      }
    }
  }

  /** A fixed standard-normal probe input for block {@code i}, {@code [2, in, H, W]}, float64. */
  private INDArray probe(ModelState s, int i) {
    return probes.computeIfAbsent(
        ModelState.blockLayer(i),
        k -> {
          BlockSpec spec = s.blocks().get(i).spec();
          SplittableRandom r = new SplittableRandom(config.seed() * 31 + i);
          return SeededNormal.array(
              r,
              new long[] {2, spec.inChannels(), s.net().imageHeight(), s.net().imageWidth()},
              1.0);
        });
  }

  /** Every saliency sample so far (a copy). */
  public synchronized List<SaliencySample> samples() {
    return List.copyOf(samples);
  }

  /** Every structure change so far (a copy). */
  public synchronized List<DyRepEvent> events() {
    return List.copyOf(events);
  }

  /** The structure history: the start, then one frame per adjustment that changed something. */
  public synchronized List<StructureFrame> frames() {
    return List.copyOf(frames);
  }

  /**
   * If the saliency of every growable block cancelled out to round-off size at the last adjustment,
   * a plain-words explanation of what that means.
   */
  public synchronized Optional<String> roundOffNote() {
    return Optional.ofNullable(roundOffNote);
  }
}
