package dev.replens.engine.train;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Padding2D;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.train.GraphOps.Act;
import dev.replens.engine.train.GraphOps.BnNodes;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The SameDiff training graph of a network in one mode: placeholders {@code x} {@code [B, C, H, W]}
 * and {@code y} (one-hot {@code [B, classes]}), one variable per trainable parameter, constants for
 * buffers, the softmax cross-entropy {@code loss}, the {@code logits} and every BN's batch
 * statistics.
 *
 * <p>Blocks in {@link TrainMode#ONLINE} convolve once with the kernel {@link KernelGen} builds;
 * every other block runs its branches one by one: the branch input is padded once by {@code p − K/2
 * + r/2} (folded into the first conv's own padding where that conv comes first), ops run unpadded,
 * the stride is applied by the last spatial op, and each BN normalizes with its batch statistics.
 * In train mode, a BN inside a chain therefore also sees the padded border (DBB's BNAndPad leaves
 * the border out of its statistics); in eval mode both are the same map.
 */
final class NetworkGraph {

  /** A trainable parameter. */
  record Param(String key, String var) {}

  /**
   * A BN whose running statistics the trainer updates from the batch statistics.
   *
   * @param keyPrefix the network-wide key of the op, e.g. {@code block0/rbr_dense.bn}
   * @param meanVar the batch mean node
   * @param varVar the batch variance node
   * @param count values per channel in a batch
   */
  record BnStat(String keyPrefix, String meanVar, String varVar, long count) {}

  static final String LOSS = "loss";
  static final String LOGITS = "logits";
  static final String X = "x";
  static final String Y = "y";

  private final SameDiff sd;
  private final List<Param> params;
  private final List<BnStat> bnStats;
  private final int batch;

  private NetworkGraph(SameDiff sd, List<Param> params, List<BnStat> bnStats, int batch) {
    this.sd = sd;
    this.params = List.copyOf(params);
    this.bnStats = List.copyOf(bnStats);
    this.batch = batch;
  }

  SameDiff sd() {
    return sd;
  }

  List<Param> params() {
    return params;
  }

  List<BnStat> bnStats() {
    return bnStats;
  }

  int batch() {
    return batch;
  }

  /**
   * Builds the graph and its gradient function.
   *
   * @param state the network and its initial weights (the graph copies them into its variables)
   * @param trainable which network-wide keys are trained
   */
  static NetworkGraph build(
      ModelState state,
      java.util.Set<String> trainable,
      DataType dt,
      int batch,
      GraphTuning tuning) {
    SameDiff sd = SameDiff.create();
    Builder b = new Builder(sd, new GraphOps(sd, dt, batch, tuning), state, trainable, dt);
    NetworkSpec net = state.net();
    SDVariable x =
        sd.placeHolder(X, dt, batch, net.inputChannels(), net.imageHeight(), net.imageWidth());
    SDVariable y = sd.placeHolder(Y, dt, batch, net.numClasses());
    Act a = new Act(x, net.inputChannels(), net.imageHeight(), net.imageWidth());
    a = b.offlineBlock(ModelState.STEM, state.stem(), a);
    for (int i = 0; i < state.blocks().size(); i++) {
      BlockState s = state.blocks().get(i);
      String layer = ModelState.blockLayer(i);
      a =
          state.mode() == TrainMode.ONLINE
              ? b.onlineBlock(layer, s, a)
              : b.offlineBlock(layer, s, a);
    }
    SDVariable pooled = a.v().mean(2, 3);
    SDVariable w = b.param(ModelState.HEAD, "fc.weight");
    SDVariable bias = b.param(ModelState.HEAD, "fc.bias");
    SDVariable logits = pooled.mmul(w.permute(1, 0)).add(LOGITS, bias.reshape(1, net.numClasses()));
    // Cross-entropy written out as −mean_n (Σ_c y·z − log Σ_c exp z), z = logits − max: M2.1's
    // logSoftmax returns −∞ in float32 once the logits spread by about 100 (then −∞·0 = NaN in the
    // loss, seen after 297 steps of a DBB run), and its softmaxCrossEntropy op logs a warning every
    // time the graph is copied.
    SDVariable z = logits.sub(logits.max(true, 1));
    SDVariable lse = sd.math().log(sd.math().exp(z).sum(1));
    z.mul(y).sum(1).sub(lse).mean().mul(LOSS, -1.0);
    sd.setLossVariables(LOSS);
    createGradFunctionQuietly(sd);
    return new NetworkGraph(sd, b.params, b.bnStats, batch);
  }

  /**
   * M2.1 prints one "Added differentiated op" line per op to System.out while it builds the
   * gradient function; those lines are dropped, anything else passes through.
   */
  private static void createGradFunctionQuietly(SameDiff sd) {
    synchronized (System.class) {
      PrintStream original = System.out;
      System.setOut(new PrintStream(new LineFilter(original), true, StandardCharsets.UTF_8));
      try {
        sd.createGradFunction();
      } finally {
        System.out.flush();
        System.setOut(original);
      }
    }
  }

  private static final class LineFilter extends OutputStream {
    private final PrintStream target;
    private final StringBuilder line = new StringBuilder();

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      line.append((char) b);
      if (b == '\n') {
        if (!line.toString().startsWith("Added differentiated op")) {
          target.print(line);
        }
        line.setLength(0);
      }
    }

    @Override
    public void flush() {
      if (line.length() > 0 && !line.toString().startsWith("Added differentiated op")) {
        target.print(line);
      }
      line.setLength(0);
      target.flush();
    }
  }

  /** Builds layers and registers their parameters. */
  private static final class Builder {
    private final SameDiff sd;
    private final GraphOps ops;
    private final Map<String, INDArray> values;
    private final java.util.Set<String> trainable;
    private final DataType dt;
    private final List<Param> params = new ArrayList<>();
    private final List<BnStat> bnStats = new ArrayList<>();
    private final Map<String, SDVariable> nodes = new LinkedHashMap<>();

    Builder(
        SameDiff sd, GraphOps ops, ModelState state, java.util.Set<String> trainable, DataType dt) {
      this.sd = sd;
      this.ops = ops;
      this.values = state.flatten();
      this.trainable = trainable;
      this.dt = dt;
    }

    /** The node of a parameter or buffer: a variable if trained, else a constant. */
    SDVariable param(String layer, String blockKey) {
      String key = ModelState.key(layer, blockKey);
      return nodes.computeIfAbsent(
          key,
          k -> {
            INDArray v = values.get(k);
            if (v == null) {
              throw new IllegalStateException("no weight '" + k + "'");
            }
            INDArray copy = v.castTo(dt).dup();
            if (trainable.contains(k)) {
              String name = "p" + params.size();
              params.add(new Param(k, name));
              return sd.var(name, copy);
            }
            return sd.constant(copy);
          });
    }

    Act offlineBlock(String layer, BlockState s, Act x) {
      BlockSpec spec = s.spec();
      SDVariable sum = null;
      Act last = null;
      for (Branch b : spec.branches()) {
        Act y = branch(layer, spec, b, x);
        if (last != null && (y.c() != last.c() || y.h() != last.h() || y.w() != last.w())) {
          throw new IllegalArgumentException(
              "branch '"
                  + b.id()
                  + "' gives "
                  + y.c()
                  + "x"
                  + y.h()
                  + "x"
                  + y.w()
                  + " but the branches before it give "
                  + last.c()
                  + "x"
                  + last.h()
                  + "x"
                  + last.w());
        }
        sum = sum == null ? y.v() : sum.add(y.v());
        last = y;
      }
      Act out = new Act(sum, last.c(), last.h(), last.w());
      for (Op op : spec.post()) {
        out = channelWise(layer, BlockSpec.POST, op, out);
      }
      return ops.activate(out, spec.activation());
    }

    Act onlineBlock(String layer, BlockState s, Act x) {
      BlockSpec spec = s.spec();
      KernelGen gen = new KernelGen(ops);
      SDVariable kernel = null;
      for (Branch b : spec.branches()) {
        SDVariable k = gen.branchKernel(spec, b, key -> param(layer, key));
        kernel = kernel == null ? k : kernel.add(k);
      }
      // The generated kernel is dense (block-diagonal when grouped), so one conv with groups 1.
      Act out =
          ops.conv(
              x,
              kernel,
              spec.outChannels(),
              spec.kernel(),
              spec.kernel(),
              spec.stride(),
              spec.padding(),
              spec.padding(),
              1,
              null);
      for (Op op : spec.post()) {
        out = channelWise(layer, BlockSpec.POST, op, out);
      }
      return ops.activate(out, spec.activation());
    }

    private Act branch(String layer, BlockSpec spec, Branch b, Act x) {
      boolean perOp = b.paddingMode() == PaddingMode.PER_OP;
      Padding2D pad = spec.branchPadding(b);
      int strideOp = b.strideOpIndex();
      boolean padPending = !perOp && (pad.h() != 0 || pad.w() != 0);
      boolean firstSpatial = true;
      Act m = x;
      for (int i = 0; i < b.ops().size(); i++) {
        Op op = b.ops().get(i);
        int stride = i == strideOp ? spec.stride() : 1;
        int ph = 0;
        int pw = 0;
        if (perOp && op.spatial()) {
          ph =
              firstSpatial
                  ? spec.padding() - spec.kernel() / 2 + op.kernelH() / 2
                  : op.kernelH() / 2;
          pw =
              firstSpatial
                  ? spec.padding() - spec.kernel() / 2 + op.kernelW() / 2
                  : op.kernelW() / 2;
          firstSpatial = false;
        } else if (padPending) {
          ph = pad.h();
          pw = pad.w();
          padPending = false;
        }
        boolean foldable =
            (op instanceof Conv || op instanceof FrequencyFilter) && ph >= 0 && pw >= 0;
        if ((ph != 0 || pw != 0) && !foldable) {
          m = ops.padOrCrop(m, ph, pw);
          ph = 0;
          pw = 0;
        }
        m = apply(layer, b.id(), op, m, stride, ph, pw);
      }
      return m;
    }

    private Act apply(String layer, String branchId, Op op, Act m, int stride, int ph, int pw) {
      String p = branchId + "." + op.id() + ".";
      if (op instanceof Conv c) {
        SDVariable w = param(layer, p + "weight");
        SDVariable bias = c.bias() ? param(layer, p + "bias") : null;
        return ops.conv(
            m, w, c.outChannels(), c.kernelH(), c.kernelW(), stride, ph, pw, c.groups(), bias);
      }
      if (op instanceof FrequencyFilter f) {
        SDVariable coeff = param(layer, p + "weight");
        SDVariable prior = param(layer, p + "prior");
        int k = f.kernel();
        int per = m.c() / f.groups();
        SDVariable w =
            coeff.reshape(f.outChannels(), per, 1, 1).mul(prior.reshape(f.outChannels(), 1, k, k));
        return ops.conv(m, w, f.outChannels(), k, k, stride, ph, pw, f.groups(), null);
      }
      if (op instanceof Identity) {
        return ops.subsample(m, stride);
      }
      if (op instanceof AvgPool a) {
        return ops.avgPool(m, a.kernel(), stride);
      }
      if (op instanceof Nonlinearity n) {
        return ops.activate(m, n.kind());
      }
      return channelWise(layer, branchId, op, m);
    }

    private Act channelWise(String layer, String branchId, Op op, Act m) {
      String p = branchId + "." + op.id() + ".";
      if (op instanceof BatchNorm bn) {
        BnNodes n =
            ops.batchNormTrain(m, param(layer, p + "weight"), param(layer, p + "bias"), bn.eps());
        bnStats.add(
            new BnStat(
                ModelState.key(layer, branchId + "." + bn.id()),
                n.mean().name(),
                n.var().name(),
                n.count()));
        return n.out();
      }
      if (op instanceof ChannelScale) {
        return new Act(
            ops.scaleChannels(m.v(), param(layer, p + "weight"), m.c()), m.c(), m.h(), m.w());
      }
      if (op instanceof ChannelBias) {
        return new Act(
            ops.shiftChannels(m.v(), param(layer, p + "bias"), m.c()), m.c(), m.h(), m.w());
      }
      throw new IllegalArgumentException(op.describe() + " is not a channel-wise op");
    }
  }
}
