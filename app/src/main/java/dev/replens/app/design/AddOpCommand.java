package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.List;

/** Inserts an op into a branch's chain. */
public final class AddOpCommand extends DocumentEdit {
  private final String branchId;
  private final int index;
  private final Op op;

  public AddOpCommand(DesignSession s, String branchId, int index, Op op) {
    super(s);
    this.branchId = branchId;
    this.index = index;
    this.op = op;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    Branch b =
        doc.block()
            .branch(branchId)
            .orElseThrow(() -> new IllegalArgumentException("no branch '" + branchId + "'"));
    List<Op> ops = new ArrayList<>(b.ops());
    ops.add(Math.max(0, Math.min(index, ops.size())), op);
    return doc.withBlock(doc.block().withBranch(b.withOps(ops)));
  }

  @Override
  public String description() {
    return "Add " + op.describe() + " to '" + branchId + "'";
  }
}
