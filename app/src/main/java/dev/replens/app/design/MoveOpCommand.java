package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves an op within its chain or into another branch's chain. A moved op whose id is taken in the
 * target branch gets a fresh id.
 */
public final class MoveOpCommand extends DocumentEdit {
  private final String fromBranch;
  private final int fromIndex;
  private final String toBranch;
  private final int toIndex;

  public MoveOpCommand(
      DesignSession s, String fromBranch, int fromIndex, String toBranch, int toIndex) {
    super(s);
    this.fromBranch = fromBranch;
    this.fromIndex = fromIndex;
    this.toBranch = toBranch;
    this.toIndex = toIndex;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    BlockSpec spec = doc.block();
    Branch from = spec.branch(fromBranch).orElseThrow();
    List<Op> fromOps = new ArrayList<>(from.ops());
    Op op = fromOps.remove(fromIndex);
    if (fromBranch.equals(toBranch)) {
      fromOps.add(Math.max(0, Math.min(toIndex, fromOps.size())), op);
      return doc.withBlock(spec.withBranch(from.withOps(fromOps)));
    }
    Branch to = spec.branch(toBranch).orElseThrow();
    List<Op> toOps = new ArrayList<>(to.ops());
    toOps.add(Math.max(0, Math.min(toIndex, toOps.size())), Ids.unique(op, to));
    return doc.withBlock(spec.withBranch(from.withOps(fromOps)).withBranch(to.withOps(toOps)));
  }

  @Override
  public String description() {
    return fromBranch.equals(toBranch)
        ? "Reorder '" + fromBranch + "'"
        : "Move op from '" + fromBranch + "' to '" + toBranch + "'";
  }
}
