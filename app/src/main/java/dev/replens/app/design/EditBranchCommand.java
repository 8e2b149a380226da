package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Branch;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces a branch's settings (id, padding mode, declared stride and padding), keeping its ops.
 */
public final class EditBranchCommand extends DocumentEdit {
  private final String branchId;
  private final Branch replacement;
  private final String what;

  public EditBranchCommand(DesignSession s, String branchId, Branch replacement, String what) {
    super(s);
    this.branchId = branchId;
    this.replacement = replacement;
    this.what = what;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    List<Branch> b = new ArrayList<>(doc.block().branches());
    b.replaceAll(x -> x.id().equals(branchId) ? replacement : x);
    return doc.withBlock(doc.block().withBranches(b));
  }

  @Override
  public String description() {
    return "Change " + what + " of branch '" + branchId + "'";
  }
}
