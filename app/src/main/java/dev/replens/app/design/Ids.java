package dev.replens.app.design;

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
import java.util.Set;
import java.util.stream.Collectors;

/** Fresh, readable ids for new branches and ops. */
public final class Ids {
  private Ids() {}

  /** {@code base}, or {@code base2}, {@code base3}, ... — the first not in {@code taken}. */
  public static String fresh(String base, Set<String> taken) {
    if (!taken.contains(base)) {
      return base;
    }
    for (int i = 2; ; i++) {
      if (!taken.contains(base + i)) {
        return base + i;
      }
    }
  }

  /** A fresh branch id for the block. */
  public static String freshBranch(BlockSpec spec, String base) {
    return fresh(base, spec.branches().stream().map(Branch::id).collect(Collectors.toSet()));
  }

  /** The op, renamed if its id is taken in the branch. */
  public static Op unique(Op op, Branch into) {
    Set<String> taken = into.ops().stream().map(Op::id).collect(Collectors.toSet());
    String id = fresh(op.id(), taken);
    return id.equals(op.id()) ? op : withId(op, id);
  }

  /** A copy of the op with another id. */
  public static Op withId(Op op, String id) {
    if (op instanceof Conv c) {
      return new Conv(id, c.outChannels(), c.kernelH(), c.kernelW(), c.groups(), c.bias());
    }
    if (op instanceof BatchNorm b) {
      return new BatchNorm(id, b.eps());
    }
    if (op instanceof ChannelScale s) {
      return new ChannelScale(id, s.trainable());
    }
    if (op instanceof ChannelBias) {
      return new ChannelBias(id);
    }
    if (op instanceof Identity) {
      return new Identity(id);
    }
    if (op instanceof AvgPool p) {
      return new AvgPool(id, p.kernel());
    }
    if (op instanceof FrequencyFilter f) {
      return new FrequencyFilter(id, f.outChannels(), f.kernel(), f.groups());
    }
    Nonlinearity n = (Nonlinearity) op;
    return new Nonlinearity(id, n.kind());
  }
}
