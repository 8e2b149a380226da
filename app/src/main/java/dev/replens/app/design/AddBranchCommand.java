package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Branch;
import java.util.ArrayList;
import java.util.List;

/** Adds a branch at a position. */
public final class AddBranchCommand extends DocumentEdit {
  private final int index;
  private final Branch branch;

  public AddBranchCommand(DesignSession s, int index, Branch branch) {
    super(s);
    this.index = index;
    this.branch = branch;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    List<Branch> b = new ArrayList<>(doc.block().branches());
    b.add(Math.max(0, Math.min(index, b.size())), branch);
    return doc.withBlock(doc.block().withBranches(b));
  }

  @Override
  public String description() {
    return "Add branch '" + branch.id() + "'";
  }
}
