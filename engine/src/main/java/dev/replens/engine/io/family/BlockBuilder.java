package dev.replens.engine.io.family;

import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Collects the branches, post ops, weights and notes of a block while an importer reads a state
 * dict, with shortcuts for the parts every family shares (a conv, a BN) that read the file key and
 * file the value under the engine key {@code <branch>.<op>.<param>} at once.
 */
final class BlockBuilder {

  private final StateDict sd;
  private final Geometry geometry;
  private final double eps;
  private final List<Branch> branches = new ArrayList<>();
  private final List<Op> post = new ArrayList<>();
  private final Map<String, INDArray> weights = new LinkedHashMap<>();
  private final Set<String> notes = new LinkedHashSet<>();
  private Activation activation = Activation.NONE;

  BlockBuilder(StateDict sd, Geometry geometry, double eps) {
    this.sd = sd;
    this.geometry = geometry;
    this.eps = eps;
  }

  StateDict sd() {
    return sd;
  }

  Geometry geometry() {
    return geometry;
  }

  /** Files a value under {@code <branch>.<op>.<param>}. */
  void put(String branchId, String opId, String param, INDArray value) {
    weights.put(BlockSpec.key(branchId, opId, param), value);
  }

  /**
   * A conv without bias whose weight is the file key, OIHW {@code [out, in/groups, kh, kw]}.
   *
   * @param inChannels the conv's input channels (not per group)
   */
  Conv conv(
      String fileKey,
      String branchId,
      String opId,
      int outChannels,
      int inChannels,
      int kh,
      int kw,
      int groups) {
    put(branchId, opId, "weight", sd.take(fileKey, outChannels, inChannels / groups, kh, kw));
    return new Conv(opId, outChannels, kh, kw, groups, false);
  }

  /** A BN whose four arrays are {@code <filePrefix>.weight}, {@code .bias}, ... */
  BatchNorm bn(String filePrefix, String branchId, String opId, int channels) {
    for (String p : List.of("weight", "bias", "running_mean", "running_var")) {
      put(branchId, opId, p, sd.take(filePrefix + "." + p, channels));
    }
    sd.ignore(filePrefix + ".num_batches_tracked");
    return new BatchNorm(opId, eps);
  }

  /** The BN epsilon of every BN of the block. */
  double eps() {
    return eps;
  }

  void branch(Branch b) {
    branches.add(b);
  }

  void branch(String id, Op... ops) {
    branches.add(Branch.of(id, ops));
  }

  void post(Op op) {
    post.add(op);
  }

  void activation(Activation a) {
    activation = a;
  }

  /** Adds a note once; repeated notes (one per layer, say) are kept once. */
  void note(String text) {
    notes.add(text);
  }

  List<String> notes() {
    return List.copyOf(notes);
  }

  Map<String, INDArray> weights() {
    return weights;
  }

  BlockSpec spec() {
    Geometry g = geometry;
    return new BlockSpec(
        g.inChannels(),
        g.outChannels(),
        g.kernel(),
        g.stride(),
        g.padding(),
        g.groups(),
        branches,
        post,
        activation);
  }
}
