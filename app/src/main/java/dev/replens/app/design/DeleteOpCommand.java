package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import java.util.ArrayList;
import java.util.List;

/** Deletes an op from a branch, or from the post ops after the sum. */
public final class DeleteOpCommand extends DocumentEdit {
  private final String branchId;
  private final String opId;

  public DeleteOpCommand(DesignSession s, String branchId, String opId) {
    super(s);
    this.branchId = branchId;
    this.opId = opId;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    BlockSpec spec = doc.block();
    if (BlockSpec.POST.equals(branchId)) {
      List<Op> post = new ArrayList<>(spec.post());
      post.removeIf(o -> o.id().equals(opId));
      return doc.withBlock(spec.withPost(post));
    }
    Branch b =
        spec.branch(branchId)
            .orElseThrow(() -> new IllegalArgumentException("no branch '" + branchId + "'"));
    List<Op> ops = new ArrayList<>(b.ops());
    ops.removeIf(o -> o.id().equals(opId));
    return doc.withBlock(spec.withBranch(b.withOps(ops)))
        .withLayout(Layouts.without(doc.layout(), branchId, opId));
  }

  @Override
  public String description() {
    return "Delete '" + opId + "' from '" + branchId + "'";
  }
}
