package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Branch;
import java.util.ArrayList;
import java.util.List;

/** Deletes a branch. */
public final class DeleteBranchCommand extends DocumentEdit {
  private final String branchId;

  public DeleteBranchCommand(DesignSession s, String branchId) {
    super(s);
    this.branchId = branchId;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    List<Branch> b = new ArrayList<>(doc.block().branches());
    b.removeIf(x -> x.id().equals(branchId));
    return doc.withBlock(doc.block().withBranches(b))
        .withLayout(Layouts.without(doc.layout(), branchId, null));
  }

  @Override
  public String description() {
    return "Delete branch '" + branchId + "'";
  }
}
