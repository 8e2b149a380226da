package dev.replens.engine.train;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Padding2D;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.BlockState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A network's training step written out by hand: the forward pass and its backward pass run on
 * ND4J's native ops (conv2d and conv2d_bp through oneDNN, broadcast multiply and add, reductions
 * over the contiguous spatial axis) into arrays allocated once when the network is built and reused
 * by every step. No graph is executed and a step allocates no native memory.
 *
 * <p>The same network as {@link NetworkGraph} builds, with the same semantics (padding folded into
 * the first conv of a branch, train-mode BN with the biased batch variance, one conv per block in
 * {@link TrainMode#ONLINE} with the kernel generated once per step by {@link LeanKernel}). Blocks
 * it can't express (grouped convs, frequency filters, strides, activations other than ReLU) make
 * {@link #build} throw {@link Unsupported}, and the trainer uses the graph instead.
 *
 * <p>Order of calls: {@link #build} → fill {@link #input()} → {@link #step} (forward and backward:
 * {@link #grads()}, {@link #logits()} and {@link #batchStats()} then hold that step's values) or
 * {@link #loss} (forward only) → ... → {@link #close}, which frees every array. Single-threaded.
 */
final class LeanNetwork implements AutoCloseable {

  /** The network holds an op or a layout the lean path doesn't implement. */
  static final class Unsupported extends RuntimeException {
    Unsupported(String why) {
      super(why);
    }
  }

  /**
   * A BN's batch statistics of the last forward pass.
   *
   * @param keyPrefix the network-wide key of the op, e.g. {@code block0/rbr_dense.bn}
   * @param mean the batch mean {@code [C]}
   * @param var the biased batch variance {@code [C]}
   * @param count values per channel in a batch
   */
  record BatchStat(String keyPrefix, INDArray mean, INDArray var, long count) {}

  /** An activation {@code [N, c, h, w]} and its gradient. */
  static final class T {
    final int c;
    final int h;
    final int w;

    /**
     * The values, from {@link #planArrays} (a pad's at once); null where they are kept channel by
     * channel ({@link #storeChannelMajor}).
     */
    INDArray v;

    INDArray g;
    boolean gradSet;

    /** The sum whose gradient array this one shares, for a branch output only that sum reads. */
    T gradOwner;

    /** Whether the values must keep their array to themselves (a pad's zero border stays put). */
    boolean ownValues;

    private Planes.Buf vb;
    private Planes.Buf gb;
    private Planes.Buf gradIn;

    /**
     * Where the values are kept channel by channel ({@code [c, N·h·w]}) instead of in {@link #v},
     * with the gradient in {@link #g}'s memory likewise: set by {@link #storeChannelMajor}.
     */
    private INDArray cmValues;

    private int cmN;

    T(INDArray v, INDArray g, int c, int h, int w) {
      this.v = v;
      this.g = g;
      this.c = c;
      this.h = h;
      this.w = w;
    }

    /** The values' native memory, for {@link Planes}. */
    Planes.Buf vb() {
      if (vb == null) {
        vb = cmN > 0 ? Planes.Buf.channelMajor(cmValues, cmN, c) : new Planes.Buf(v);
      }
      return vb;
    }

    /** The gradient's native memory (the array {@link #g} holds once the network is built). */
    Planes.Buf gb() {
      if (gb == null) {
        gb = cmN > 0 ? Planes.Buf.channelMajor(g, cmN, c) : new Planes.Buf(g);
      }
      return gb;
    }

    /**
     * From now on the values are read from {@code values} ({@code [c, batch·h·w]}) and the gradient
     * is kept in {@link #g}'s memory in that order too, both through {@link Planes} only: for a
     * tensor whose one reader is a batch norm. {@link #v} is then not written.
     */
    void storeChannelMajor(INDArray values, int batch) {
      if (vb != null || gb != null || gradIn != null) {
        throw new IllegalStateException("the tensor's buffers are in use already");
      }
      cmValues = values;
      cmN = batch;
    }

    /** Whether {@link #storeChannelMajor} was called. */
    boolean channelMajor() {
      return cmN > 0;
    }

    /**
     * The gradient as the node that made this tensor reads it: {@link #gb()}, or a per-plane
     * constant the head set in its place ({@link #passGradPerPlane}).
     */
    Planes.Buf gradIn() {
      return gradIn != null ? gradIn : gb();
    }

    /** From now on the gradient is {@code values[p]} over plane {@code p}, never written out. */
    void passGradPerPlane(double[] values) {
      gradIn = Planes.Buf.perPlane(values);
    }

    /**
     * Whether a gradient was written already this step (so the next one adds); marks it written.
     */
    boolean accumulate() {
      boolean was = gradSet;
      gradSet = true;
      return was;
    }
  }

  /** A parameter or buffer and (if trained) its gradient. */
  static final class P {
    final String key;
    final INDArray v;
    final INDArray g;

    P(String key, INDArray v, INDArray g) {
      this.key = key;
      this.v = v;
      this.g = g;
    }
  }

  private interface Node {
    void forward();

    void backward();
  }

  /** A node whose backward reads its output's gradient through {@link T#gradIn()} alone. */
  private interface PlanesGrad extends Node {
    T out();
  }

  /**
   * A batch norm, which can take over the ReLU that reads its output alone: it then writes {@code
   * max(y, 0)} in place of {@code y}, and masks the incoming gradient by that output being
   * positive. That spares the ReLU's pass and array each way.
   */
  private abstract static class BnNode implements PlanesGrad {
    private final T out;
    boolean relu;

    BnNode(T out) {
      this.out = out;
    }

    @Override
    public T out() {
      return out;
    }

    /** Fuses the ReLU of {@code x} if {@code x} is this node's output; says whether it did. */
    boolean fuseRelu(T x) {
      if (x != out || relu) {
        return false;
      }
      relu = true;
      return true;
    }
  }

  private final DataType dt;
  private final int n;
  private final List<INDArray> owned = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  /** Per node: the tensor it makes, whose gradient its backward reads. */
  private final List<T> nodeOut = new ArrayList<>();

  /** Per node: the tensors whose gradients its backward writes. */
  private final List<List<T>> nodeIns = new ArrayList<>();

  /** Per node: the tensors whose values its forward reads. */
  private final List<List<T>> nodeInputs = new ArrayList<>();

  /** Per node: the tensors whose values its backward reads. */
  private final List<List<T>> nodeBackReads = new ArrayList<>();

  /** Tensors that share a sum's gradient array ({@link T#gradOwner}). */
  private final List<T> aliases = new ArrayList<>();

  private final List<T> tensors = new ArrayList<>();
  private final List<BatchStat> stats = new ArrayList<>();
  private final Map<String, P> all = new LinkedHashMap<>();
  private final Map<String, INDArray> trainedValues = new LinkedHashMap<>();
  private final Map<String, INDArray> trainedGrads = new LinkedHashMap<>();
  private final Map<String, INDArray> values;
  private final Set<String> trainable;
  private final T in;
  private T last;
  private P fcW;
  private P fcB;
  private INDArray logits;
  private final Map<Long, Planes> planes = new java.util.HashMap<>();

  /**
   * The outputs of {@link #patchConv} and the matrix {@code [c, N·h·w]} each is made in: a batch
   * norm that reads one reads it there, channel by channel, and the transposes both ways go.
   */
  private final Map<T, INDArray> patchOutputs = new java.util.IdentityHashMap<>();

  private double[] headGrad;
  private boolean gradPerPlane;
  private int classes;
  private double[] logitValues;

  /** The head's scratch, allocated once: fc weight and bias, logit gradient, their gradients. */
  private double[] fcWeights;

  private double[] fcBiases;
  private double[] logitGrad;
  private double[] fcWeightGrad;
  private double[] fcBiasGrad;
  private double[] pooledGrad;
  private double[] pooled;
  private long bytes;

  private LeanNetwork(ModelState s, Set<String> trainable, DataType dt, int batch) {
    this.dt = dt;
    this.n = batch;
    this.values = s.flatten();
    this.trainable = trainable;
    NetworkSpec net = s.net();
    INDArray x = alloc(batch, net.inputChannels(), net.imageHeight(), net.imageWidth());
    this.in = new T(x, null, net.inputChannels(), net.imageHeight(), net.imageWidth());
  }

  /**
   * Builds the step for {@code state}; its weights are copied.
   *
   * @throws Unsupported naming what the lean path can't run
   */
  static LeanNetwork build(ModelState state, Set<String> trainable, DataType dt, int batch) {
    LeanNetwork ln = new LeanNetwork(state, trainable, dt, batch);
    try {
      ln.assemble(state);
      return ln;
    } catch (RuntimeException e) {
      ln.close();
      throw e;
    }
  }

  private void assemble(ModelState s) {
    T a = offlineBlock(ModelState.STEM, s.stem(), in);
    for (int i = 0; i < s.blocks().size(); i++) {
      BlockState b = s.blocks().get(i);
      String layer = ModelState.blockLayer(i);
      a = s.mode() == TrainMode.ONLINE ? onlineBlock(layer, b, a) : offlineBlock(layer, b, a);
    }
    last = a;
    classes = s.net().numClasses();
    fcW = param(ModelState.HEAD, "fc.weight");
    fcB = param(ModelState.HEAD, "fc.bias");
    logits = alloc(n, classes);
    pooled = new double[n * a.c];
    headGrad = new double[n * a.c];
    logitValues = new double[n * classes];
    fcWeights = new double[classes * a.c];
    fcBiases = new double[classes];
    logitGrad = new double[n * classes];
    fcWeightGrad = new double[classes * a.c];
    fcBiasGrad = new double[classes];
    pooledGrad = new double[n * a.c];
    // Global average pooling passes back dp[b, c] / HW over each plane: the node that made the
    // last tensor reads it per plane if it reads gradients through Planes only.
    Node lastNode = nodes.isEmpty() ? null : nodes.get(nodes.size() - 1);
    gradPerPlane = lastNode instanceof PlanesGrad pg && pg.out() == a;
    if (gradPerPlane) {
      a.passGradPerPlane(headGrad);
    }
    planArrays();
    for (Map.Entry<String, P> e : all.entrySet()) {
      if (e.getValue().g != null) {
        trainedValues.put(e.getKey(), e.getValue().v);
        trainedGrads.put(e.getKey(), e.getValue().g);
      }
    }
  }

  /** The input batch {@code [N, C, H, W]}, normalized; fill it before a step. */
  INDArray input() {
    return in.v;
  }

  /** Every trained parameter by network-wide key (the arrays the step reads; update in place). */
  Map<String, INDArray> params() {
    return trainedValues;
  }

  /** The gradients of the last {@link #step}, by key (overwritten by the next step). */
  Map<String, INDArray> grads() {
    return trainedGrads;
  }

  /** The logits {@code [N, classes]} of the last forward pass. */
  INDArray logits() {
    return logits;
  }

  /** The logits of the last forward pass, row-major, in float64 (overwritten by the next). */
  double[] logitValues() {
    return logitValues;
  }

  /** Every BN's batch statistics of the last forward pass, in network order. */
  List<BatchStat> batchStats() {
    return stats;
  }

  /** Bytes of native memory this network holds (activations, gradients, weights, scratch). */
  long bytes() {
    return bytes;
  }

  /** The forward pass only: the mean softmax cross-entropy of the batch in {@link #input()}. */
  double loss(int[] labels) {
    for (Node node : nodes) {
      node.forward();
    }
    return head(labels, false);
  }

  /**
   * How the activations share arrays ({@link #planArrays}): distinct arrays among their gradients,
   * tensors with a gradient, distinct arrays among their values and gradients together, and values
   * and gradients in all.
   */
  int[] arraySharing() {
    java.util.Set<INDArray> gradArrays =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.Set<INDArray> arrays =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    int grads = 0;
    int held = 0;
    for (T t : allTensors()) {
      if (t.g != null) {
        gradArrays.add(t.g);
        arrays.add(t.g);
        grads++;
        held++;
      }
      if (t.v != null && t != in) {
        arrays.add(t.v);
        held++;
      }
    }
    return new int[] {gradArrays.size(), grads, arrays.size(), held};
  }

  /** Forward and backward: returns the loss and fills {@link #grads()}. */
  double step(int[] labels) {
    for (Node node : nodes) {
      node.forward();
    }
    for (T t : tensors) {
      t.gradSet = false;
    }
    double loss = head(labels, true);
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).backward();
    }
    return loss;
  }

  // ---------------------------------------------------------------------------------------------
  // Head: global average pooling, linear, softmax cross-entropy (small; done on the heap)

  private double head(int[] labels, boolean backward) {
    T a = last;
    long hw = (long) a.h * a.w;
    planes(a).planeSums(a.vb(), pooled);
    for (int i = 0; i < pooled.length; i++) {
      pooled[i] /= hw;
    }
    double[] w = fcWeights;
    double[] b = fcBiases;
    Buffers.read(fcW.v, w);
    Buffers.read(fcB.v, b);
    int c = a.c;
    double loss = 0;
    double[] dz = logitGrad;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        double z = b[k];
        for (int j = 0; j < c; j++) {
          z += pooled[i * c + j] * w[k * c + j];
        }
        logitValues[i * classes + k] = z;
        max = Math.max(max, z);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        sum += Math.exp(logitValues[i * classes + k] - max);
      }
      double lse = Math.log(sum);
      loss -= logitValues[i * classes + labels[i]] - max - lse;
      for (int k = 0; k < classes; k++) {
        double p = Math.exp(logitValues[i * classes + k] - max - lse);
        dz[i * classes + k] = (p - (k == labels[i] ? 1 : 0)) / n;
      }
    }
    loss /= n;
    Buffers.write(logits, logitValues);
    if (!backward) {
      return loss;
    }
    double[] dw = fcWeightGrad;
    double[] db = fcBiasGrad;
    double[] dp = pooledGrad;
    java.util.Arrays.fill(dw, 0);
    java.util.Arrays.fill(db, 0);
    java.util.Arrays.fill(dp, 0);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < classes; k++) {
        double g = dz[i * classes + k];
        db[k] += g;
        for (int j = 0; j < c; j++) {
          dw[k * c + j] += g * pooled[i * c + j];
          dp[i * c + j] += g * w[k * c + j] / hw;
        }
      }
    }
    Buffers.write(fcW.g, dw);
    Buffers.write(fcB.g, db);
    if (gradPerPlane) {
      System.arraycopy(dp, 0, headGrad, 0, dp.length);
      a.gradSet = true;
    } else {
      planes(a).fillPlanes(a.gb(), dp, a.accumulate());
    }
    return loss;
  }

  // ---------------------------------------------------------------------------------------------
  // Building

  private INDArray alloc(long... shape) {
    INDArray a = Nd4j.createUninitializedDetached(dt, 'c', shape);
    owned.add(a);
    bytes += a.length() * dt.width();
    return a;
  }

  private final Map<String, INDArray> shared = new java.util.HashMap<>();

  /**
   * Scratch of a shape that nodes use only inside one call of theirs, so all of them share it;
   * {@code slot} tells apart two scratch arrays one call needs at once.
   */
  private INDArray shared(String slot, long... shape) {
    return shared.computeIfAbsent(slot + java.util.Arrays.toString(shape), k -> alloc(shape));
  }

  /** A tensor; its arrays come from {@link #planArrays} once the network is built. */
  private T tensor(int c, int h, int w) {
    T t = new T(null, null, c, h, w);
    tensors.add(t);
    return t;
  }

  /** A parameter or buffer by layer and block key; trained ones get a gradient array. */
  private P param(String layer, String blockKey) {
    String key = ModelState.key(layer, blockKey);
    return all.computeIfAbsent(
        key,
        k -> {
          INDArray v = values.get(k);
          if (v == null) {
            throw new IllegalStateException("no weight '" + k + "'");
          }
          INDArray copy = alloc(v.shape()).assign(v.castTo(dt));
          INDArray g = trainable.contains(k) ? alloc(v.shape()).assign(0.0) : null;
          return new P(k, copy, g);
        });
  }

  private T offlineBlock(String layer, BlockState s, T x) {
    BlockSpec spec = s.spec();
    List<T> outs = new ArrayList<>();
    for (Branch b : spec.branches()) {
      T y = branch(layer, spec, b, x);
      if (!outs.isEmpty()) {
        T first = outs.get(0);
        if (y.c != first.c || y.h != first.h || y.w != first.w) {
          throw new IllegalArgumentException(
              "branch '"
                  + b.id()
                  + "' gives "
                  + y.c
                  + "x"
                  + y.h
                  + "x"
                  + y.w
                  + " but the branches before it give "
                  + first.c
                  + "x"
                  + first.h
                  + "x"
                  + first.w);
        }
      }
      outs.add(y);
    }
    T out = outs.size() == 1 ? outs.get(0) : sum(outs, x);
    for (Op op : spec.post()) {
      out = channelWise(layer, BlockSpec.POST, op, out);
    }
    return activate(out, spec.activation());
  }

  private T onlineBlock(String layer, BlockState s, T x) {
    BlockSpec spec = s.spec();
    if (spec.stride() != 1) {
      throw new Unsupported("strided blocks");
    }
    int k = spec.kernel();
    LeanKernel gen = new LeanKernel(spec, key -> param(layer, key));
    INDArray w = alloc(spec.outChannels(), spec.inChannels(), k, k);
    INDArray gw = alloc(spec.outChannels(), spec.inChannels(), k, k);
    T out =
        conv(
            x,
            w,
            gw,
            null,
            spec.outChannels(),
            k,
            k,
            spec.padding(),
            spec.padding(),
            () -> Buffers.write(w, gen.forward()),
            () -> gen.backward(gw));
    for (Op op : spec.post()) {
      out = channelWise(layer, BlockSpec.POST, op, out);
    }
    return activate(out, spec.activation());
  }

  private T branch(String layer, BlockSpec spec, Branch b, T x) {
    boolean perOp = b.paddingMode() == PaddingMode.PER_OP;
    Padding2D pad = spec.branchPadding(b);
    int strideOp = b.strideOpIndex();
    boolean padPending = !perOp && (pad.h() != 0 || pad.w() != 0);
    boolean firstSpatial = true;
    T m = x;
    for (int i = 0; i < b.ops().size(); i++) {
      Op op = b.ops().get(i);
      if (i == strideOp && spec.stride() != 1) {
        throw new Unsupported("strided blocks");
      }
      int ph = 0;
      int pw = 0;
      if (perOp && op.spatial()) {
        ph =
            firstSpatial ? spec.padding() - spec.kernel() / 2 + op.kernelH() / 2 : op.kernelH() / 2;
        pw =
            firstSpatial ? spec.padding() - spec.kernel() / 2 + op.kernelW() / 2 : op.kernelW() / 2;
        firstSpatial = false;
      } else if (padPending) {
        ph = pad.h();
        pw = pad.w();
        padPending = false;
      }
      // A padded 1x1 conv is not folded: conv2d_bp of a 1x1 kernel with padding took 20x the time
      // of the unpadded one on a [64, 32, 32, 32] map; an explicit pad and copy costs far less.
      boolean foldable =
          op instanceof Conv c
              && ph >= 0
              && pw >= 0
              && (c.kernelH() > 1 || c.kernelW() > 1 || (ph == 0 && pw == 0));
      if ((ph != 0 || pw != 0) && !foldable) {
        m = padOrCrop(m, ph, pw);
        ph = 0;
        pw = 0;
      }
      m = apply(layer, b.id(), op, m, ph, pw);
    }
    return m;
  }

  private T apply(String layer, String branchId, Op op, T m, int ph, int pw) {
    String p = branchId + "." + op.id() + ".";
    if (op instanceof Conv c) {
      if (c.groups() != 1) {
        throw new Unsupported("grouped convs");
      }
      P w = param(layer, p + "weight");
      P bias = c.bias() ? param(layer, p + "bias") : null;
      return conv(m, w.v, w.g, bias, c.outChannels(), c.kernelH(), c.kernelW(), ph, pw, null, null);
    }
    if (op instanceof Identity) {
      return m;
    }
    if (op instanceof AvgPool a) {
      return avgPool(m, a.kernel());
    }
    if (op instanceof Nonlinearity nl) {
      return activate(m, nl.kind());
    }
    return channelWise(layer, branchId, op, m);
  }

  private T channelWise(String layer, String branchId, Op op, T m) {
    String p = branchId + "." + op.id() + ".";
    if (op instanceof BatchNorm bn) {
      return batchNorm(
          ModelState.key(layer, branchId + "." + bn.id()),
          m,
          param(layer, p + "weight"),
          param(layer, p + "bias"),
          bn.eps());
    }
    if (op instanceof ChannelScale) {
      return scale(m, param(layer, p + "weight"));
    }
    if (op instanceof ChannelBias) {
      return shift(m, param(layer, p + "bias"));
    }
    throw new Unsupported(op.describe());
  }

  // ---------------------------------------------------------------------------------------------
  // Ops. Each adds a node whose backward accumulates into its inputs' gradients.

  private static void exec(DynamicCustomOp op) {
    if (Boolean.getBoolean("lean.debug")) {
      List<org.nd4j.linalg.api.shape.LongShapeDescriptor> d = op.calculateOutputShape();
      for (int i = 0; i < d.size(); i++) {
        if (!java.util.Arrays.equals(d.get(i).getShape(), op.outputArguments().get(i).shape())) {
          throw new IllegalStateException(
              op.opName()
                  + " output "
                  + i
                  + " "
                  + java.util.Arrays.toString(d.get(i).getShape())
                  + " vs "
                  + java.util.Arrays.toString(op.outputArguments().get(i).shape()));
        }
      }
    }
    Nd4j.exec(op);
  }

  /**
   * Adds {@code node}: its forward reads the values of {@code inputs} and writes those of {@code
   * out}; its backward reads the gradient of {@code out} and the values of {@code backwardReads},
   * and writes (or adds to) the gradients of {@code gradWrites}, the network input's left out (its
   * gradient is never written). {@link #planArrays} shares arrays by these.
   */
  private void addNode(
      Node node, T out, List<T> inputs, List<T> gradWrites, List<T> backwardReads) {
    nodes.add(node);
    nodeOut.add(out);
    nodeIns.add(gradWrites.stream().filter(x -> x != in).toList());
    nodeInputs.add(inputs);
    nodeBackReads.add(backwardReads);
  }

  private static T gradOwner(T t) {
    return t.gradOwner != null ? t.gradOwner : t;
  }

  /** The span of node-timeline steps over which a tensor's values or gradient are needed. */
  private record Interval(T tensor, boolean gradient, int[] span) {}

  /**
   * Shares arrays between activations' values and gradients that are never needed at the same time.
   * On one timeline, node {@code i}'s forward runs at time {@code i}, the head at {@code count} and
   * node {@code i}'s backward at {@code 2·count − i}. A tensor's values are needed from its maker's
   * forward to the last read (a later forward, the head, or a backward that reads them, such as a
   * conv's of its input or a ReLU's of its output); its gradient from the first write in the
   * backward pass (by its last reader, or the head) to the read by its maker's backward. A sweep in
   * time order takes a free array of the shape where an interval starts and hands it back after it
   * ends (interval-graph colouring: no more arrays than are ever needed at once). Every forward
   * writes its output's values whole and every first gradient write fills the whole array (later
   * ones add), so nothing carries over from what an array held before. Kept apart: the network
   * input (the trainer fills it between steps), a pad's values (only the inner part is written, the
   * zero border stays), values kept channel by channel (not in {@link T#v}), and a gradient read
   * but never written, which the networks here don't build (it gets a zeroed array of its own).
   */
  private void planArrays() {
    int count = nodes.size();
    Map<T, int[]> grads = new java.util.IdentityHashMap<>();
    Map<T, int[]> values = new java.util.IdentityHashMap<>();
    java.util.function.BiFunction<Map<T, int[]>, T, int[]> span =
        (m, t) -> m.computeIfAbsent(t, k -> new int[] {Integer.MAX_VALUE, -1});
    for (int i = 0; i < count; i++) {
      T out = nodeOut.get(i);
      int back = 2 * count - i;
      int[] g = span.apply(grads, gradOwner(out));
      g[1] = Math.max(g[1], back);
      int[] v = span.apply(values, out);
      v[0] = Math.min(v[0], i);
      v[1] = Math.max(v[1], i);
      if (nodes.get(i) instanceof BnNode bn && bn.relu) {
        v[1] = Math.max(v[1], back); // the ReLU's mask is its output
      }
      for (T x : nodeIns.get(i)) {
        int[] gx = span.apply(grads, gradOwner(x));
        gx[0] = Math.min(gx[0], back);
      }
      for (T x : nodeInputs.get(i)) {
        int[] vx = span.apply(values, x);
        vx[1] = Math.max(vx[1], i);
      }
      for (T x : nodeBackReads.get(i)) {
        int[] vx = span.apply(values, x);
        vx[1] = Math.max(vx[1], back);
      }
    }
    int[] lastValues = span.apply(values, last);
    lastValues[1] = Math.max(lastValues[1], count); // the head reads them
    if (!gradPerPlane) {
      int[] g = span.apply(grads, gradOwner(last));
      g[0] = Math.min(g[0], count);
    }
    List<Interval> intervals = new ArrayList<>();
    for (Map.Entry<T, int[]> e : values.entrySet()) {
      T t = e.getKey();
      if (t != in && !t.ownValues && !t.channelMajor() && e.getValue()[0] != Integer.MAX_VALUE) {
        intervals.add(new Interval(t, false, e.getValue()));
      }
    }
    for (Map.Entry<T, int[]> e : grads.entrySet()) {
      T t = e.getKey();
      int[] sp = e.getValue();
      if (sp[0] == Integer.MAX_VALUE) { // read, never written
        if (t.gradIn == null) {
          t.g = alloc(n, t.c, t.h, t.w).assign(0.0);
        }
      } else if (sp[1] < 0) { // written, never read
        t.g = alloc(n, t.c, t.h, t.w);
      } else {
        intervals.add(new Interval(t, true, sp));
      }
    }
    // Starts in time order; at one time, every start before any end.
    List<long[]> events = new ArrayList<>();
    for (int k = 0; k < intervals.size(); k++) {
      int[] sp = intervals.get(k).span();
      events.add(new long[] {2L * sp[0], k});
      events.add(new long[] {2L * sp[1] + 1, k});
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    Map<String, java.util.ArrayDeque<INDArray>> free = new java.util.HashMap<>();
    INDArray[] held = new INDArray[intervals.size()];
    for (long[] ev : events) {
      int k = (int) ev[1];
      T t = intervals.get(k).tensor();
      java.util.ArrayDeque<INDArray> pool =
          free.computeIfAbsent(shapeKey(t), s -> new java.util.ArrayDeque<>());
      if (ev[0] % 2 == 0) {
        INDArray a = pool.poll();
        held[k] = a != null ? a : alloc(n, t.c, t.h, t.w);
        if (intervals.get(k).gradient()) {
          t.g = held[k];
        } else {
          t.v = held[k];
        }
      } else {
        pool.push(held[k]);
      }
    }
    for (T t : aliases) {
      t.g = gradOwner(t).g;
    }
    for (T t : allTensors()) {
      if (t.v == null && !t.channelMajor()) { // made by no node: none of the networks here
        t.v = alloc(n, t.c, t.h, t.w);
      }
    }
  }

  /** Every activation but the network input: {@link #tensors} and the sums' aliases. */
  private List<T> allTensors() {
    List<T> all = new ArrayList<>(tensors);
    all.addAll(aliases);
    return all;
  }

  private static String shapeKey(T t) {
    return t.c + "x" + t.h + "x" + t.w;
  }

  /** Where to write {@code x}'s gradient: its own array, or scratch to add if already set. */
  private static INDArray gradTarget(T x, INDArray[] scratch, LeanNetwork net) {
    if (!x.gradSet) {
      x.gradSet = true;
      return x.g;
    }
    if (scratch[0] == null) {
      scratch[0] = net.shared("dx", x.v.shape());
    }
    return scratch[0];
  }

  private static void finishGrad(T x, INDArray target) {
    if (target != x.g) {
      x.g.addi(target);
    }
  }

  private void addGrad(T x, T from) {
    planes(x).copy(from.gb(), x.gb(), x.accumulate());
  }

  /** The per-channel passes over activations shaped like {@code t}. */
  private Planes planes(T t) {
    return planes.computeIfAbsent(
        ((long) t.c << 32) | ((long) t.h * t.w), k -> Planes.of(dt, n, t.c, t.h * t.w));
  }

  private T conv(
      T x,
      INDArray w,
      INDArray gw,
      P bias,
      int out,
      int kh,
      int kw,
      int ph,
      int pw,
      Runnable beforeForward,
      Runnable afterBackward) {
    int oh = x.h + 2 * ph - kh + 1;
    int ow = x.w + 2 * pw - kw + 1;
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException(
          "a " + kh + "x" + kw + " conv leaves nothing of a " + x.h + "x" + x.w + " map");
    }
    Planes.Patch geometry = new Planes.Patch(x.w, kh, kw, ph, pw, oh, ow);
    if (dt == DataType.DOUBLE) {
      return gemmConv(x, w, gw, bias, out, geometry, beforeForward, afterBackward);
    }
    if (x == in && bias == null && beforeForward == null && oh == x.h && ow == x.w) {
      return patchConv(x, w, gw, out, geometry);
    }
    T y = tensor(out, oh, ow);
    // The conv runs on a [kH, kW, I, O] copy of the kernel: oneDNN takes that layout as it is,
    // while an [O, I, kH, kW] kernel costs ND4J a permuted copy of its own in each direction
    // (forward 6.7 ms against 4.7 ms at N64 C32 32x32).
    int[] ia = {kh, kw, 1, 1, ph, pw, 1, 1, 0, 0, 0};
    INDArray wy = alloc(kh, kw, w.size(1), out);
    INDArray gwy = alloc(kh, kw, w.size(1), out);
    INDArray gwScratch = gw == null ? alloc(w.shape()) : gw;
    INDArray gbScratch = bias == null ? null : bias.g != null ? bias.g : alloc(bias.v.shape());
    INDArray[] scratch = new INDArray[1];
    boolean needDx = x != in;
    INDArray dxSink = needDx ? null : alloc(x.v.shape());
    addNode(
        new Node() {
          @Override
          public void forward() {
            if (beforeForward != null) {
              beforeForward.run();
            }
            Buffers.permuteKernel(w, wy, true);
            DynamicCustomOp.DynamicCustomOpsBuilder b =
                DynamicCustomOp.builder("conv2d").addIntegerArguments(ia);
            if (bias == null) {
              b.addInputs(x.v, wy);
            } else {
              b.addInputs(x.v, wy, bias.v);
            }
            exec(b.addOutputs(y.v).build());
          }

          @Override
          public void backward() {
            INDArray dx = needDx ? gradTarget(x, scratch, LeanNetwork.this) : dxSink;
            DynamicCustomOp.DynamicCustomOpsBuilder b =
                DynamicCustomOp.builder("conv2d_bp").addIntegerArguments(ia);
            if (bias == null) {
              b.addInputs(x.v, wy, y.g).addOutputs(dx, gwy);
            } else {
              b.addInputs(x.v, wy, bias.v, y.g).addOutputs(dx, gwy, gbScratch);
            }
            exec(b.build());
            Buffers.permuteKernel(gwScratch, gwy, false);
            if (needDx) {
              finishGrad(x, dx);
            }
            if (afterBackward != null) {
              afterBackward.run();
            }
          }
        },
        y,
        List.of(x),
        needDx ? List.of(x) : List.of(),
        List.of(x));
    return y;
  }

  /**
   * A conv of the network input (which needs no gradient) as two matrix products on its patches
   * ({@link Planes#im2col}, built once per step): {@code y[o, (b, s)] = Σ_k W[o, k] · cols[k, (b,
   * s)]} forward and {@code dW[o, k] = Σ_{(b, s)} dy[o, (b, s)] · cols[k, (b, s)]} backward, with
   * {@code k = (i, p, q)} over the kernel. With 3 input channels, oneDNN's conv spends most of its
   * time on layout, and {@code conv2d_bp} would also compute the input gradient no one reads: at
   * N64 3 → 32 channels 32x32 this took 7.4 ms a step against about 3.5 ms.
   */
  private T patchConv(T x, INDArray w, INDArray gw, int out, Planes.Patch geometry) {
    T y = tensor(out, x.h, x.w);
    int kh = geometry.kh();
    int kw = geometry.kw();
    int ph = geometry.ph();
    int pw = geometry.pw();
    int k = x.c * kh * kw;
    long cols = (long) n * x.h * x.w;
    INDArray patches = alloc(k, cols);
    INDArray yT = alloc(out, cols);
    INDArray g2 = alloc(out, k);
    INDArray w2 = w.reshape(out, k);
    INDArray gwScratch = gw == null ? alloc(w.shape()) : gw;
    Planes.Buf patchesBuf = new Planes.Buf(patches);
    Planes.Buf yTBuf = new Planes.Buf(yT);
    addNode(
        new Node() {
          private INDArray gT;

          @Override
          public void forward() {
            planes(x).im2col(x.vb(), patchesBuf, x.h, x.w, kh, kw, ph, pw);
            Nd4j.gemm(w2, patches, yT, false, false, 1.0, 0.0);
            if (!y.channelMajor()) {
              planes(y).transposeBack(yTBuf, y.vb());
            }
          }

          @Override
          public void backward() {
            INDArray dy = yT;
            if (y.channelMajor()) {
              if (gT == null) {
                gT = y.g.reshape(out, cols);
                if (gT.data().pointer().address() != y.g.data().pointer().address()) {
                  // A copy would be read step after step while the BN writes the gradient.
                  throw new IllegalStateException("the stem's gradient matrix is not a view");
                }
              }
              dy = gT;
            } else {
              planes(y).transpose(y.gb(), yTBuf);
            }
            Nd4j.gemm(dy, patches, g2, false, true, 1.0, 0.0);
            Buffers.copy(g2, gwScratch);
          }
        },
        y,
        List.of(x),
        List.of(),
        List.of());
    patchOutputs.put(y, yT);
    return y;
  }

  /** Patch matrices of one block of images take at most this many bytes. */
  private static final long PATCH_BLOCK_BYTES = 16L << 20;

  /**
   * A float64 conv as matrix products on patches, a block of images at a time: oneDNN has no
   * float64 convolution, and ND4J's own took 660 ms a plain step (N64 C32 32x32) where this takes
   * 167 and float32 35.
   *
   * <p>Per image {@code b}, with {@code cols_b = im2col(x_b)} ({@code [I·kH·kW, oH·oW]}):
   *
   * <pre>
   *   y_b  = W · cols_b                  (W as [O, I·kH·kW])
   *   dW  += dy_b · cols_bᵀ
   *   dx_b = col2im(Wᵀ · dy_b)
   * </pre>
   *
   * The patches are rebuilt in the backward pass rather than kept, so the scratch is one block's
   * ({@value #PATCH_BLOCK_BYTES} bytes at most) whatever the batch.
   */
  private T gemmConv(
      T x,
      INDArray w,
      INDArray gw,
      P bias,
      int out,
      Planes.Patch geometry,
      Runnable beforeForward,
      Runnable afterBackward) {
    int kh = geometry.kh();
    int kw = geometry.kw();
    int oh = geometry.oh();
    int ow = geometry.ow();
    T y = tensor(out, oh, ow);
    int k = x.c * kh * kw;
    int ohw = oh * ow;
    int block = (int) Math.max(1, Math.min(n, PATCH_BLOCK_BYTES / ((long) k * ohw * dt.width())));
    INDArray cols = alloc(block, x.c, kh, kw, oh, ow);
    boolean needDx = x != in;
    INDArray dcols = needDx ? alloc(block, x.c, kh, kw, oh, ow) : null;
    INDArray w2 = w.reshape(out, k);
    INDArray g2 = alloc(out, k);
    INDArray gwScratch = gw == null ? alloc(w.shape()) : gw;
    double[] biasSum = bias == null ? null : new double[out];
    Planes.Buf colsBuf = new Planes.Buf(cols);
    Planes.Buf dcolsBuf = needDx ? new Planes.Buf(dcols) : null;
    addNode(
        new Node() {
          private INDArray matrix(INDArray a, int image, long rows, long columns) {
            return a.slice(image).reshape(rows, columns);
          }

          @Override
          public void forward() {
            if (beforeForward != null) {
              beforeForward.run();
            }
            for (int from = 0; from < n; from += block) {
              int count = Math.min(block, n - from);
              planes(x).patches(x.vb(), colsBuf, from, count, geometry);
              for (int j = 0; j < count; j++) {
                Nd4j.gemm(
                    w2,
                    matrix(cols, j, k, ohw),
                    matrix(y.v, from + j, out, ohw),
                    false,
                    false,
                    1,
                    0);
              }
            }
            if (bias != null) {
              planes(y).affine(y.vb(), y.vb(), null, values(bias), false);
            }
          }

          @Override
          public void backward() {
            boolean accumulate = needDx && x.accumulate();
            for (int from = 0; from < n; from += block) {
              int count = Math.min(block, n - from);
              planes(x).patches(x.vb(), colsBuf, from, count, geometry);
              for (int j = 0; j < count; j++) {
                INDArray dy = matrix(y.g, from + j, out, ohw);
                Nd4j.gemm(dy, matrix(cols, j, k, ohw), g2, false, true, 1, from + j == 0 ? 0 : 1);
                if (needDx) {
                  Nd4j.gemm(w2, dy, matrix(dcols, j, k, ohw), true, false, 1, 0);
                }
              }
              if (needDx) {
                planes(x).unpatches(dcolsBuf, x.gb(), from, count, geometry, accumulate);
              }
            }
            Buffers.copy(g2, gwScratch);
            if (bias != null && bias.g != null) {
              planes(y).gradSums(y.gb(), null, null, biasSum, null);
              Buffers.write(bias.g, biasSum);
            }
            if (afterBackward != null) {
              afterBackward.run();
            }
          }
        },
        y,
        List.of(x),
        needDx ? List.of(x) : List.of(),
        List.of(x));
    return y;
  }

  private T sum(List<T> parts, T blockInput) {
    T first = parts.get(0);
    T y = tensor(first.c, first.h, first.w);
    // A branch output only the sum reads shares the sum's gradient array.
    List<T> copies = new ArrayList<>();
    for (T p : parts) {
      boolean own =
          p != blockInput && p.gradOwner == null && parts.indexOf(p) == parts.lastIndexOf(p);
      if (own && tensors.contains(p)) {
        tensors.remove(p);
        p.gradOwner = y;
        aliases.add(p);
      } else {
        copies.add(p);
      }
    }
    addNode(
        new Node() {
          @Override
          public void forward() {
            exec(
                DynamicCustomOp.builder("add")
                    .addInputs(parts.get(0).v, parts.get(1).v)
                    .addOutputs(y.v)
                    .build());
            for (int i = 2; i < parts.size(); i++) {
              y.v.addi(parts.get(i).v);
            }
          }

          @Override
          public void backward() {
            for (T p : parts) {
              if (p.gradOwner == y) {
                p.gradSet = true;
              }
            }
            for (T p : copies) {
              addGrad(p, y);
            }
          }
        },
        y,
        parts,
        copies,
        List.of());
    return y;
  }

  private final Map<String, T> pads = new java.util.HashMap<>();

  /** {@code x} zero-padded (or cropped); branches that pad the same input alike share it. */
  private T padOrCrop(T x, int ph, int pw) {
    String key = System.identityHashCode(x) + ":" + tensors.indexOf(x) + ":" + ph + ":" + pw;
    T cached = pads.get(key);
    if (cached != null) {
      return cached;
    }
    T y = newPadOrCrop(x, ph, pw);
    pads.put(key, y);
    return y;
  }

  private T newPadOrCrop(T x, int ph, int pw) {
    int hh = x.h + 2 * ph;
    int ww = x.w + 2 * pw;
    if (hh < 1 || ww < 1) {
      throw new IllegalArgumentException(
          "cropping leaves nothing of a " + x.h + "x" + x.w + " map");
    }
    T y = tensor(x.c, hh, ww);
    y.v = alloc(n, x.c, hh, ww).assign(0.0);
    y.ownValues = true;
    if ((ph < 0 && pw > 0) || (ph > 0 && pw < 0)) {
      throw new Unsupported("mixed padding and cropping");
    }
    boolean padding = ph >= 0 && pw >= 0;
    INDArrayIndex[] inner =
        padding
            ? new INDArrayIndex[] {
              NDArrayIndex.all(),
              NDArrayIndex.all(),
              NDArrayIndex.interval(ph, ph + x.h),
              NDArrayIndex.interval(pw, pw + x.w)
            }
            : null;
    INDArrayIndex[] crop =
        padding
            ? null
            : new INDArrayIndex[] {
              NDArrayIndex.all(),
              NDArrayIndex.all(),
              NDArrayIndex.interval(-ph, -ph + hh),
              NDArrayIndex.interval(-pw, -pw + ww)
            };
    INDArray[] scratch = new INDArray[1];
    addNode(
        new Node() {
          @Override
          public void forward() {
            if (inner != null) {
              y.v.get(inner).assign(x.v);
            } else {
              y.v.assign(x.v.get(crop));
            }
          }

          @Override
          public void backward() {
            if (x == in) {
              return;
            }
            INDArray dx = gradTarget(x, scratch, LeanNetwork.this);
            if (inner != null) {
              dx.assign(y.g.get(inner));
            } else {
              dx.assign(0.0);
              dx.get(crop).assign(y.g);
            }
            finishGrad(x, dx);
          }
        },
        y,
        List.of(x),
        List.of(x),
        List.of());
    return y;
  }

  private T avgPool(T x, int k) {
    T y = tensor(x.c, x.h - k + 1, x.w - k + 1);
    if (y.h < 1 || y.w < 1) {
      throw new IllegalArgumentException(
          "a " + k + "x" + k + " pool leaves nothing of a " + x.h + "x" + x.w + " map");
    }
    int[] ia = {k, k, 1, 1, 0, 0, 1, 1, 0, 0, 0};
    INDArray[] scratch = new INDArray[1];
    addNode(
        new Node() {
          @Override
          public void forward() {
            exec(
                DynamicCustomOp.builder("avgpool2d")
                    .addInputs(x.v)
                    .addOutputs(y.v)
                    .addIntegerArguments(ia)
                    .build());
          }

          @Override
          public void backward() {
            if (x == in) {
              return;
            }
            INDArray dx = gradTarget(x, scratch, LeanNetwork.this);
            exec(
                DynamicCustomOp.builder("avgpool2d_bp")
                    .addInputs(x.v, y.g)
                    .addOutputs(dx)
                    .addIntegerArguments(ia)
                    .build());
            finishGrad(x, dx);
          }
        },
        y,
        List.of(x),
        List.of(x),
        List.of(x));
    return y;
  }

  private T activate(T x, Activation a) {
    if (a == Activation.NONE) {
      return x;
    }
    if (a != Activation.RELU) {
      throw new Unsupported(a.label());
    }
    if (!nodes.isEmpty() && nodes.get(nodes.size() - 1) instanceof BnNode bn && bn.fuseRelu(x)) {
      return x;
    }
    T y = tensor(x.c, x.h, x.w);
    Planes pl = planes(x);
    addNode(
        new PlanesGrad() {
          @Override
          public T out() {
            return y;
          }

          @Override
          public void forward() {
            pl.affine(x.vb(), y.vb(), null, null, true);
          }

          @Override
          public void backward() {
            if (x != in) {
              pl.reluBack(y.vb(), y.gradIn(), x.gb(), x.accumulate());
            }
          }
        },
        y,
        List.of(x),
        List.of(x),
        List.of(y));
    return y;
  }

  /** The values of a small {@code [C]} parameter, in float64. */
  private static double[] values(P p) {
    return p.v.data().asDouble();
  }

  private T scale(T x, P s) {
    T y = tensor(x.c, x.h, x.w);
    Planes pl = planes(x);
    double[] sum = new double[x.c];
    double[] dot = new double[x.c];
    addNode(
        new Node() {
          @Override
          public void forward() {
            pl.affine(x.vb(), y.vb(), values(s), null, false);
          }

          @Override
          public void backward() {
            if (s.g != null) {
              pl.gradSums(y.gb(), null, x.vb(), sum, dot);
              Buffers.write(s.g, dot);
            }
            if (x != in) {
              pl.backAffine(y.gb(), null, null, x.gb(), values(s), null, null, x.accumulate());
            }
          }
        },
        y,
        List.of(x),
        List.of(x),
        s.g != null ? List.of(x) : List.of());
    return y;
  }

  private T shift(T x, P t) {
    T y = tensor(x.c, x.h, x.w);
    Planes pl = planes(x);
    double[] sum = new double[x.c];
    addNode(
        new Node() {
          @Override
          public void forward() {
            pl.affine(x.vb(), y.vb(), null, values(t), false);
          }

          @Override
          public void backward() {
            if (t.g != null) {
              pl.gradSums(y.gb(), null, null, sum, null);
              Buffers.write(t.g, sum);
            }
            if (x != in) {
              addGrad(x, y);
            }
          }
        },
        y,
        List.of(x),
        List.of(x),
        List.of());
    return y;
  }

  /**
   * Train-mode batch norm over batch and space, per channel:
   *
   * <pre>μ = mean(x), σ² = mean((x − μ)²), y = (x − μ) · γ/sqrt(σ² + ε) + β</pre>
   *
   * Backward, with {@code x̂ = (x − μ)/sqrt(σ² + ε)} and {@code M} values per channel: {@code dγ =
   * Σ dy·x̂}, {@code dβ = Σ dy}, {@code dx = γ/sqrt(σ² + ε) · (dy − dβ/M − x̂·dγ/M)}, computed as
   * {@code A·dy + B·x + C} with per-channel {@code A, B, C}. Each direction is two passes ({@link
   * Planes}): the forward's first sums {@code x} and {@code x²} (in float64, so {@code σ² = E[x²] −
   * μ²} keeps its digits), its second writes {@code y = a·x + b}; the backward's first sums {@code
   * dy} and {@code dy·x}, its second writes (or adds) {@code dx}.
   */
  private T batchNorm(String keyPrefix, T x, P gamma, P beta, double eps) {
    int c = x.c;
    INDArray made = patchOutputs.remove(x);
    if (made != null) {
      // The BN is the conv's one reader (a branch's ops form a chain), so it may read the conv's
      // product where the matrix product left it, and hand its gradient back the same way.
      x.storeChannelMajor(made, n);
    }
    long m = (long) n * x.h * x.w;
    T y = tensor(c, x.h, x.w);
    Planes pl = planes(x);
    INDArray meanOut = alloc(c);
    INDArray varOut = alloc(c);
    stats.add(new BatchStat(keyPrefix, meanOut, varOut, m));
    double[] mu = new double[c];
    double[] var = new double[c];
    double[] inv = new double[c];
    double[] a = new double[c];
    double[] b = new double[c];
    double[] k = new double[c];
    double[] sdy = new double[c];
    double[] sdyx = new double[c];
    double[] dg = new double[c];
    addNode(
        new BnNode(y) {
          @Override
          public void forward() {
            pl.moments(x.vb(), mu, var);
            double[] g = values(gamma);
            double[] bt = values(beta);
            for (int j = 0; j < c; j++) {
              mu[j] /= m;
              var[j] = Math.max(0, var[j] / m - mu[j] * mu[j]);
              inv[j] = 1.0 / Math.sqrt(var[j] + eps);
              a[j] = g[j] * inv[j];
              b[j] = bt[j] - mu[j] * a[j];
            }
            Buffers.write(meanOut, mu);
            Buffers.write(varOut, var);
            pl.affine(x.vb(), y.vb(), a, b, relu);
          }

          @Override
          public void backward() {
            Planes.Buf mask = relu ? y.vb() : null;
            pl.gradSums(y.gradIn(), mask, x.vb(), sdy, sdyx);
            double[] g = values(gamma);
            for (int j = 0; j < c; j++) {
              dg[j] = inv[j] * (sdyx[j] - mu[j] * sdy[j]);
              a[j] = g[j] * inv[j];
              b[j] = -g[j] * inv[j] * inv[j] * dg[j] / m;
              k[j] = -a[j] * sdy[j] / m - b[j] * mu[j];
            }
            if (gamma.g != null) {
              Buffers.write(gamma.g, dg);
            }
            if (beta.g != null) {
              Buffers.write(beta.g, sdy);
            }
            if (x != in) {
              pl.backAffine(y.gradIn(), mask, x.vb(), x.gb(), a, b, k, x.accumulate());
            }
          }
        },
        y,
        List.of(x),
        List.of(x),
        List.of(x));
    return y;
  }

  @Override
  public void close() {
    for (INDArray a : owned) {
      if (a.closeable()) {
        a.close();
      }
    }
    owned.clear();
    bytes = 0;
  }
}
