package dev.replens.engine.train;

import dev.replens.engine.data.Batch;
import dev.replens.engine.data.BatchSampler;
import dev.replens.engine.data.Dataset;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightCheck;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.BlockState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a network with ND4J SameDiff autodiff and an optimizer written here on the gradients, so
 * that gradient multipliers, hooks and structure changes between steps are possible.
 *
 * <p>Order of calls: {@link #create} → {@link #step} repeatedly (with {@link #validate}, {@link
 * #state} or {@link #rebuild} in between as needed) → {@link #close}. A trainer is confined to the
 * thread that created it: SameDiff keeps a session per thread, so every call must come from that
 * thread ({@link TrainingRun} owns one such thread for a UI).
 *
 * <p>Deterministic: the same network, configuration, data and seed give the same loss sequence
 * (with one OpenMP thread; ND4J's parallel reductions may reorder sums otherwise).
 */
public final class Trainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final TrainConfig config;
  private final DatasetSplit data;
  private final BatchSampler sampler;
  private final Optimizer optimizer;
  private final Map<String, INDArray> multipliers = new LinkedHashMap<>();
  private final Map<String, List<INDArray>> branchScales = new LinkedHashMap<>();
  private final List<StepHook> hooks = new CopyOnWriteArrayList<>();
  private final List<RepOptForm> repopt;
  private final Thread owner;
  private final GraphTuning tuning;

  private ModelState base;
  private LeanNetwork lean;
  private float[] leanInput;
  private NetworkGraph graph;
  private final Map<String, INDArray> backup = new LinkedHashMap<>();
  private StepMemory memory;
  private boolean memoryInstalled;
  private Map<String, INDArray> params;
  private Map<String, INDArray> runningStats;
  private int step;
  private double lastAnalysisMillis;

  private Trainer(ModelState initial, TrainConfig config, DatasetSplit data, GraphTuning tuning) {
    this(initial, config, data, tuning, ModelInit.repOptForms(initial.net(), initial.mode()));
  }

  private Trainer(
      ModelState initial,
      TrainConfig config,
      DatasetSplit data,
      GraphTuning tuning,
      List<RepOptForm> repopt) {
    this.config = config;
    this.tuning = tuning;
    this.data = data;
    this.sampler = new BatchSampler(data.train(), config.batchSize(), config.seed());
    this.optimizer = new Optimizer(config.optimizer());
    this.repopt = List.copyOf(repopt);
    this.owner = Thread.currentThread();
    load(initial);
    for (int i = 0; i < repopt.size(); i++) {
      String key = ModelState.key(ModelState.blockLayer(i), "conv.conv.weight");
      multipliers.put(key, repopt.get(i).multipliers(config.optimizer().kind(), config.dtype()));
      if (config.optimizer().kind() != OptimizerConfig.Kind.SGD) {
        branchScales.put(key, repopt.get(i).branchScales(config.dtype()));
      }
    }
  }

  /**
   * A trainer with seeded initial weights; inputs are normalized with the training set's
   * per-channel mean and standard deviation.
   *
   * @throws IllegalArgumentException if the data doesn't fit the network or the block can't be
   *     trained in the mode
   */
  public static Trainer create(NetworkSpec net, TrainConfig config, DatasetSplit data) {
    return create(net, config, data, GraphTuning.DEFAULT);
  }

  /** A trainer with some of the ND4J workarounds switched off, to measure them. */
  public static Trainer create(
      NetworkSpec net, TrainConfig config, DatasetSplit data, GraphTuning tuning) {
    checkData(net, data.train());
    double[][] stats = data.train().channelStats();
    ModelState init =
        ModelInit.initial(net, config.mode(), config.dtype(), config.seed(), stats[0], stats[1]);
    return new Trainer(init, config, data, tuning);
  }

  /**
   * A trainer whose CSLA and RepOpt blocks use the scales of {@code forms} (one per block): in
   * {@link TrainMode#CSLA} as the constant branch scales, in {@link TrainMode#REPOPT} for the
   * initial kernel and the gradient multipliers. Other modes ignore them.
   *
   * @throws IllegalArgumentException if the data doesn't fit, or there isn't one form per block
   */
  public static Trainer create(
      NetworkSpec net, TrainConfig config, DatasetSplit data, List<RepOptForm> forms) {
    checkData(net, data.train());
    double[][] stats = data.train().channelStats();
    ModelState init =
        ModelInit.initial(
            net, config.mode(), config.dtype(), config.seed(), stats[0], stats[1], forms);
    return new Trainer(
        init,
        config,
        data,
        GraphTuning.DEFAULT,
        config.mode() == TrainMode.REPOPT ? forms : List.of());
  }

  /**
   * A trainer that continues from {@code state} with the RepOpt forms (scales) of its blocks, which
   * set the gradient multipliers in {@link TrainMode#REPOPT}; the state's network and mode are
   * kept. Any state works, including one whose blocks differ from the network's design (a DyRep
   * run, a CSLA block with trainable scales).
   */
  public static Trainer resume(
      ModelState state, TrainConfig config, DatasetSplit data, List<RepOptForm> forms) {
    checkData(state.net(), data.train());
    return new Trainer(
        state.castTo(config.dtype()),
        config.withMode(state.mode()),
        data,
        GraphTuning.DEFAULT,
        state.mode() == TrainMode.REPOPT ? forms : List.of());
  }

  /** A trainer that continues from {@code state} (its mode and network are kept). */
  public static Trainer resume(ModelState state, TrainConfig config, DatasetSplit data) {
    checkData(state.net(), data.train());
    return new Trainer(
        state.castTo(config.dtype()), config.withMode(state.mode()), data, GraphTuning.DEFAULT);
  }

  private static void checkData(NetworkSpec net, Dataset d) {
    if (d.channels() != net.inputChannels()
        || d.height() != net.imageHeight()
        || d.width() != net.imageWidth()
        || d.numClasses() != net.numClasses()) {
      throw new IllegalArgumentException(
          "the network expects "
              + net.inputChannels()
              + "x"
              + net.imageHeight()
              + "x"
              + net.imageWidth()
              + " images in "
              + net.numClasses()
              + " classes, but "
              + d);
    }
  }

  /** Builds the graph for {@code s} and takes its weights. */
  private void load(ModelState s) {
    this.base = s;
    Set<String> trainable = trainableKeys(s);
    this.lean = null;
    this.graph = null;
    if (tuning.lean()) {
      try {
        this.lean = LeanNetwork.build(s, trainable, config.dtype(), config.batchSize());
      } catch (LeanNetwork.Unsupported e) {
        LOG.debug("training with the graph: the lean step has no {}", e.getMessage());
      }
    }
    this.memory = new StepMemory();
    this.memoryInstalled = false;
    this.params = new LinkedHashMap<>();
    List<String> bnKeys = new ArrayList<>();
    if (lean != null) {
      params.putAll(lean.params());
      lean.batchStats().forEach(b -> bnKeys.add(b.keyPrefix()));
    } else {
      this.graph = NetworkGraph.build(s, trainable, config.dtype(), config.batchSize(), tuning);
      for (NetworkGraph.Param p : graph.params()) {
        params.put(p.key(), graph.sd().getVariable(p.var()).getArr());
      }
      graph.bnStats().forEach(b -> bnKeys.add(b.keyPrefix()));
    }
    this.backup.clear();
    this.runningStats = new LinkedHashMap<>();
    Map<String, INDArray> flat = s.flatten();
    for (String b : bnKeys) {
      runningStats.put(
          b + ".running_mean", flat.get(b + ".running_mean").castTo(config.dtype()).dup());
      runningStats.put(
          b + ".running_var", flat.get(b + ".running_var").castTo(config.dtype()).dup());
    }
    this.step = s.step();
    LOG.debug(
        "built the {} {}: {} trained arrays, {} BNs",
        s.mode(),
        lean != null ? "lean step" : "graph",
        params.size(),
        bnKeys.size());
  }

  /** The network-wide keys of every trained parameter of a state. */
  static Set<String> trainableKeys(ModelState s) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Map.Entry<String, BlockState> e : s.layers().entrySet()) {
      for (BlockSpec.KeyedParam p : e.getValue().spec().params()) {
        if (p.spec().trainable()) {
          out.add(ModelState.key(e.getKey(), p.key()));
        }
      }
    }
    out.add(ModelState.key(ModelState.HEAD, "fc.weight"));
    out.add(ModelState.key(ModelState.HEAD, "fc.bias"));
    return out;
  }

  /** The configuration. */
  public TrainConfig config() {
    return config;
  }

  /** The data trained and validated on. */
  public DatasetSplit data() {
    return data;
  }

  /** Steps taken. */
  public int steps() {
    return step;
  }

  /** The network-wide keys of the trained parameters, in graph order. */
  public List<String> trainedKeys() {
    return List.copyOf(params.keySet());
  }

  /** The RepOptimizer form of each block (empty unless the mode is REPOPT). */
  public List<RepOptForm> repOptForms() {
    return repopt;
  }

  /**
   * Scales the gradient of parameter {@code key} element-wise by {@code m} (same shape) before
   * every update, as RepOptimizer does; null removes it. Under Adam/AdamW the step is multiplied by
   * {@code m} once more, as RepOptimizer's AdamW does ({@link Optimizer#update(String, INDArray,
   * INDArray, INDArray)}).
   */
  public void setGradientMultiplier(String key, INDArray m) {
    checkThread();
    INDArray p = params.get(key);
    if (p == null) {
      throw new IllegalArgumentException("no trained parameter '" + key + "'");
    }
    if (m == null) {
      multipliers.remove(key);
      return;
    }
    if (!java.util.Arrays.equals(p.shape(), m.shape())) {
      throw new IllegalArgumentException(
          "the multiplier for '"
              + key
              + "' has shape "
              + java.util.Arrays.toString(m.shape())
              + " but the parameter has "
              + java.util.Arrays.toString(p.shape()));
    }
    multipliers.put(key, m.castTo(config.dtype()).dup());
  }

  /**
   * Makes Adam/AdamW move parameter {@code key} as the sum of constant-scaled branches would move,
   * with the {@code ε} term split per branch ({@link Optimizer#updateBranchScaled}); this takes the
   * place of the gradient multiplier for that key. Null returns to the multiplier (RepOptimizer's
   * reference AdamW, whose single {@code ε} differs from the branches' at the centre taps). In
   * {@link TrainMode#REPOPT} under Adam/AdamW every block's kernel starts with its form's {@link
   * RepOptForm#branchScales}. SGD ignores it.
   */
  public void setBranchScales(String key, List<INDArray> scales) {
    checkThread();
    INDArray p = params.get(key);
    if (p == null) {
      throw new IllegalArgumentException("no trained parameter '" + key + "'");
    }
    if (scales == null) {
      branchScales.remove(key);
      return;
    }
    List<INDArray> copies = new ArrayList<>();
    for (INDArray s : scales) {
      if (!java.util.Arrays.equals(p.shape(), s.shape())) {
        throw new IllegalArgumentException(
            "a branch scale for '"
                + key
                + "' has shape "
                + java.util.Arrays.toString(s.shape())
                + " but the parameter has "
                + java.util.Arrays.toString(p.shape()));
      }
      copies.add(s.castTo(config.dtype()).dup());
    }
    branchScales.put(key, copies);
  }

  /** Whether parameter {@code key} takes branch-scaled Adam steps. */
  public boolean hasBranchScales(String key) {
    return branchScales.containsKey(key);
  }

  /** The gradient multipliers in use, by key (copies). */
  public Map<String, INDArray> gradientMultipliers() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    multipliers.forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }

  /** Adds a hook that runs inside every step. */
  public void addHook(StepHook hook) {
    hooks.add(hook);
  }

  /** Removes a hook. */
  public void removeHook(StepHook hook) {
    hooks.remove(hook);
  }

  /** Changes the learning rate from the next step on. */
  public void setLearningRate(double lr) {
    optimizer.setLearningRate(lr);
  }

  /** The current learning rate. */
  public double learningRate() {
    return optimizer.learningRate();
  }

  /**
   * Takes one optimizer step on the next batch.
   *
   * @param analyze whether to compute the branch metrics of this step
   * @throws TrainingDivergedException if the loss, a gradient or an updated parameter is not
   *     finite; the weights then stay as they were before the step
   */
  public StepMetrics step(boolean analyze) {
    checkThread();
    long t0 = System.nanoTime();
    int next = step + 1;
    if (lean != null) {
      if (leanInput == null) {
        leanInput = new float[config.batchSize() * data.train().imageLength()];
      }
      return leanStep(sampler.next(leanInput), analyze, t0, next);
    }
    Batch batch = sampler.next();
    Map<String, INDArray> ph = new LinkedHashMap<>();
    ph.put(NetworkGraph.X, input(batch));
    ph.put(NetworkGraph.Y, oneHot(batch.labels()));
    List<String> outputs = new ArrayList<>();
    outputs.add(NetworkGraph.LOSS);
    outputs.add(NetworkGraph.LOGITS);
    for (NetworkGraph.BnStat b : graph.bnStats()) {
      outputs.add(b.meanVar());
      outputs.add(b.varVar());
    }
    List<String> vars = graph.params().stream().map(NetworkGraph.Param::var).toList();
    SameDiff sd = graph.sd();
    double loss;
    double accuracy;
    double analysisMillis = 0;
    List<BlockMetrics> blockMetrics = List.of();
    try {
      installMemory();
      OutAndGrad og = sd.calculateGradientsAndOutputs(ph, outputs, vars);
      Map<String, INDArray> out = og.getOutputs();
      loss = out.get(NetworkGraph.LOSS).getDouble(0);
      accuracy = accuracy(out.get(NetworkGraph.LOGITS), batch.labels());
      Map<String, INDArray> grads = new LinkedHashMap<>();
      for (NetworkGraph.Param p : graph.params()) {
        grads.put(p.key(), og.getGradients().get(p.var()));
      }
      blockMetrics = update(next, loss, grads, analyze);
      analysisMillis = lastAnalysisMillis;
      updateRunningStats(out);
    } finally {
      memory.endStep();
    }
    return finishStep(next, t0, loss, accuracy, analysisMillis, blockMetrics);
  }

  /** One step through the lean network: same checks, hooks and updates as the graph's. */
  private StepMetrics leanStep(Batch batch, boolean analyze, long t0, int next) {
    float[] x = batch.images(); // the sampler's copy, this trainer's own array: normalized in place
    NetworkForward.normalize(
        x,
        batch.size(),
        batch.channels(),
        batch.height() * batch.width(),
        base.inputMean(),
        base.inputStd());
    Buffers.write(lean.input(), x);
    double loss = lean.step(batch.labels());
    double accuracy = accuracy(lean.logitValues(), lean.logits().size(1), batch.labels());
    List<BlockMetrics> blockMetrics = update(next, loss, lean.grads(), analyze);
    double analysisMillis = lastAnalysisMillis;
    double mom = config.bnMomentum();
    for (LeanNetwork.BatchStat b : lean.batchStats()) {
      double unbias = b.count() > 1 ? (double) b.count() / (b.count() - 1) : 1.0;
      Buffers.blend(runningStats.get(b.keyPrefix() + ".running_mean"), 1 - mom, mom, b.mean());
      Buffers.blend(
          runningStats.get(b.keyPrefix() + ".running_var"), 1 - mom, mom * unbias, b.var());
    }
    return finishStep(next, t0, loss, accuracy, analysisMillis, blockMetrics);
  }

  /**
   * Checks the loss and gradients, runs the hooks, optionally analyzes, and updates every
   * parameter; rolls the weights and optimizer back if an update is not finite.
   *
   * @return the branch metrics if {@code analyze}, else an empty list
   */
  private List<BlockMetrics> update(
      int next, double loss, Map<String, INDArray> grads, boolean analyze) {
    List<BlockMetrics> blockMetrics = List.of();
    {
      if (!Double.isFinite(loss)) {
        throw new TrainingDivergedException(
            next,
            null,
            "step "
                + next
                + ": the loss is "
                + loss
                + "; the weights of step "
                + step
                + " are kept");
      }
      for (Map.Entry<String, INDArray> e : grads.entrySet()) {
        if (WeightCheck.firstNonFinite(e.getValue()) >= 0) {
          throw new TrainingDivergedException(
              next,
              e.getKey(),
              "step "
                  + next
                  + ": the gradient of '"
                  + e.getKey()
                  + "' holds NaN or infinity; the weights of step "
                  + step
                  + " are kept");
        }
      }
      Map<String, INDArray> readOnly = Collections.unmodifiableMap(params);
      for (StepHook h : hooks) {
        h.beforeUpdate(next, grads, readOnly);
      }
      lastAnalysisMillis = 0;
      if (analyze) {
        long a0 = System.nanoTime();
        blockMetrics = analyzeBlocks(grads);
        lastAnalysisMillis = (System.nanoTime() - a0) / 1e6;
      }
      params.forEach(
          (k, v) -> {
            INDArray b = backup.get(k);
            if (b == null || !java.util.Arrays.equals(b.shape(), v.shape())) {
              backup.put(k, v.dup());
            } else {
              Buffers.copy(v, b);
            }
          });
      optimizer.checkpoint();
      boolean adam = config.optimizer().kind() != OptimizerConfig.Kind.SGD;
      for (Map.Entry<String, INDArray> e : grads.entrySet()) {
        INDArray g = e.getValue();
        List<INDArray> split = adam ? branchScales.get(e.getKey()) : null;
        if (split != null) {
          optimizer.updateBranchScaled(e.getKey(), params.get(e.getKey()), g, split);
          continue;
        }
        INDArray m = multipliers.get(e.getKey());
        if (m != null) {
          g.muli(m);
        }
        // RepOptimizer's AdamW multiplies Adam's step by M once more (see Optimizer#update).
        optimizer.update(e.getKey(), params.get(e.getKey()), g, adam ? m : null);
      }
      optimizer.endStep();
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        if (WeightCheck.firstNonFinite(e.getValue()) >= 0) {
          params.forEach((k, v) -> v.assign(backup.get(k)));
          optimizer.rollback();
          throw new TrainingDivergedException(
              next,
              e.getKey(),
              "step "
                  + next
                  + ": the update made '"
                  + e.getKey()
                  + "' NaN or infinite (the step was too large); the weights of step "
                  + step
                  + " are kept");
        }
      }
    }
    return blockMetrics;
  }

  private StepMetrics finishStep(
      int next,
      long t0,
      double loss,
      double accuracy,
      double analysisMillis,
      List<BlockMetrics> blockMetrics) {
    step = next;
    for (StepHook h : hooks) {
      h.afterUpdate(step, Collections.unmodifiableMap(params));
    }
    if (config.gcEvery() > 0 && step % config.gcEvery() == 0) {
      System.gc();
    }
    double ms = (System.nanoTime() - t0) / 1e6 - analysisMillis;
    return new StepMetrics(
        step,
        config.steps(),
        loss,
        accuracy,
        optimizer.learningRate(),
        ms,
        analysisMillis,
        MemoryUsage.now(stepWorkingSetBytes()),
        blockMetrics);
  }

  /** One step, with branch metrics if the configuration asks for them at this step. */
  public StepMetrics step() {
    int next = step + 1;
    return step(config.metricsEvery() > 0 && next % config.metricsEvery() == 0);
  }

  /** The branch metrics of the current weights, without gradient directions. */
  public List<BlockMetrics> analyzeNow() {
    checkThread();
    return analyzeBlocks(null);
  }

  private List<BlockMetrics> analyzeBlocks(Map<String, INDArray> grads) {
    ModelState s = state();
    List<BlockMetrics> out = new ArrayList<>();
    for (int i = 0; i < s.blocks().size(); i++) {
      String layer = ModelState.blockLayer(i) + "/";
      Map<String, INDArray> g = null;
      if (grads != null) {
        g = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
          if (e.getKey().startsWith(layer)) {
            g.put(e.getKey().substring(layer.length()), e.getValue().castTo(DataType.DOUBLE));
          }
        }
      }
      BlockState b = s.blocks().get(i);
      BranchAnalysis.analyze(i, b.spec(), b.weights(), g).ifPresent(out::add);
    }
    return out;
  }

  /**
   * Validates in eval mode on up to {@code config.validationLimit()} validation images, using each
   * block's fused form (exactly equal in eval mode, and one conv per block).
   */
  public ValidationMetrics validate() {
    checkThread();
    long t0 = System.nanoTime();
    ModelState s = state();
    Dataset val = data.validation();
    int n =
        Math.min(val.size(), config.validationLimit() > 0 ? config.validationLimit() : val.size());
    List<BlockState> layers = Deploy.fusedLayersOrAsIs(s);
    double[][] logits =
        NetworkForward.logits(layers, s.head(), s.inputMean(), s.inputStd(), val, n, 100);
    double[] la = NetworkForward.lossAndAccuracy(logits, val);
    return new ValidationMetrics(step, la[0], la[1], n, (System.nanoTime() - t0) / 1e6);
  }

  /** A copy of the current weights, BN running statistics included. */
  public ModelState state() {
    checkThread();
    Map<String, INDArray> values = new LinkedHashMap<>();
    params.forEach((k, v) -> values.put(k, v));
    values.putAll(runningStats);
    return base.with(values, step);
  }

  /** Puts a state's weights back (same network and mode), e.g. after a divergence. */
  public void restore(ModelState s) {
    checkThread();
    if (!s.blockSpecs().equals(base.blockSpecs()) || s.mode() != base.mode()) {
      throw new IllegalArgumentException("the state has another structure; use rebuild");
    }
    Map<String, INDArray> flat = s.flatten();
    params.forEach((k, v) -> v.assign(flat.get(k)));
    runningStats.forEach((k, v) -> v.assign(flat.get(k)));
    step = s.step();
  }

  /**
   * Continues with a new structure between steps (e.g. a branch grown or cut): the graph is built
   * anew from {@code s}; optimizer state and gradient multipliers are kept for every parameter
   * whose key and shape are unchanged.
   */
  public void rebuild(ModelState s) {
    checkThread();
    Map<String, long[]> oldShapes = new LinkedHashMap<>();
    params.forEach((k, v) -> oldShapes.put(k, v.shape()));
    closeGraph();
    load(s.castTo(config.dtype()));
    Set<String> same = new HashSet<>();
    params.forEach(
        (k, v) -> {
          if (java.util.Arrays.equals(oldShapes.get(k), v.shape())) {
            same.add(k);
          }
        });
    optimizer.retainOnly(same);
    multipliers.keySet().retainAll(same);
    branchScales.keySet().retainAll(same);
  }

  /** Bytes of arrays one step of the current graph uses. */
  public long stepWorkingSetBytes() {
    return lean != null ? lean.bytes() : memory.pooledBytes();
  }

  /**
   * Puts {@link StepMemory} into the gradient function's session for this thread, creating the
   * session if SameDiff hasn't yet, so that even the first step's arrays are recycled.
   */
  private void installMemory() {
    if (memoryInstalled || !tuning.recycleStepMemory() || graph == null) {
      return;
    }
    SameDiff grad = graph.sd().getFunction("grad");
    long thread = Thread.currentThread().getId();
    InferenceSession s = grad.getSessions().get(thread);
    if (s == null) {
      s = new InferenceSession(grad);
      grad.getSessions().put(thread, s);
    }
    s.setMmgr(memory);
    memoryInstalled = true;
  }

  private void updateRunningStats(Map<String, INDArray> out) {
    double mom = config.bnMomentum();
    for (NetworkGraph.BnStat b : graph.bnStats()) {
      INDArray mean = out.get(b.meanVar()).reshape(-1);
      INDArray var = out.get(b.varVar()).reshape(-1);
      double unbias = b.count() > 1 ? (double) b.count() / (b.count() - 1) : 1.0;
      INDArray rm = runningStats.get(b.keyPrefix() + ".running_mean");
      INDArray rv = runningStats.get(b.keyPrefix() + ".running_var");
      rm.muli(1 - mom).addi(mean.mul(mom));
      rv.muli(1 - mom).addi(var.mul(mom * unbias));
    }
  }

  private INDArray input(Batch b) {
    float[] x = b.images().clone();
    NetworkForward.normalize(
        x, b.size(), b.channels(), b.height() * b.width(), base.inputMean(), base.inputStd());
    INDArray a = Nd4j.create(x, new long[] {b.size(), b.channels(), b.height(), b.width()}, 'c');
    return config.dtype() == DataType.FLOAT ? a : a.castTo(config.dtype());
  }

  private INDArray oneHot(int[] labels) {
    int classes = base.net().numClasses();
    INDArray y = Nd4j.zeros(config.dtype(), labels.length, classes);
    for (int i = 0; i < labels.length; i++) {
      y.putScalar(i, labels[i], 1.0);
    }
    return y;
  }

  private static double accuracy(INDArray logits, int[] labels) {
    return accuracy(
        logits.castTo(DataType.DOUBLE).dup('c').data().asDouble(), logits.size(1), labels);
  }

  private static double accuracy(double[] l, long numClasses, int[] labels) {
    int classes = (int) numClasses;
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (l[i * classes + c] > l[i * classes + best]) {
          best = c;
        }
      }
      if (best == labels[i]) {
        right++;
      }
    }
    return (double) right / labels.length;
  }

  private void checkThread() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "a trainer must be used from the thread that created it (" + owner.getName() + ")");
    }
  }

  private void closeGraph() {
    // SameDiff M2.1 has no close(); its arrays go with the graph object. The step arrays are ours.
    memory.close();
    if (lean != null) {
      lean.close();
      lean = null;
    }
    backup.values().forEach(INDArray::close);
    backup.clear();
  }

  @Override
  public void close() {
    closeGraph();
  }

  /** The weights as the block's {@link Weights} for one layer (copies), for inspection. */
  public Weights layerWeights(String layer) {
    return state().layers().get(layer).weights();
  }
}
