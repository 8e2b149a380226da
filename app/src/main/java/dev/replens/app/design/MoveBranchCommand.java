package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Branch;
import java.util.ArrayList;
import java.util.List;

/** Moves a branch to another position among the branches. */
public final class MoveBranchCommand extends DocumentEdit {
  private final int from;
  private final int to;

  public MoveBranchCommand(DesignSession s, int from, int to) {
    super(s);
    this.from = from;
    this.to = to;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    List<Branch> b = new ArrayList<>(doc.block().branches());
    Branch moved = b.remove(from);
    b.add(Math.max(0, Math.min(to, b.size())), moved);
    return doc.withBlock(doc.block().withBranches(b));
  }

  @Override
  public String description() {
    return "Reorder branches";
  }
}
