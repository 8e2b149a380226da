package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.util.ArrayList;
import java.util.List;

/** Replaces an op with an edited copy (the inspector's edits: kernel size, groups, eps, ...). */
public final class ReplaceOpCommand extends DocumentEdit {
  private final String branchId;
  private final String opId;
  private final Op replacement;
  private final String what;

  public ReplaceOpCommand(
      DesignSession s, String branchId, String opId, Op replacement, String what) {
    super(s);
    this.branchId = branchId;
    this.opId = opId;
    this.replacement = replacement;
    this.what = what;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    BlockSpec spec = doc.block();
    if (BlockSpec.POST.equals(branchId)) {
      List<Op> post = new ArrayList<>(spec.post());
      post.replaceAll(o -> o.id().equals(opId) ? replacement : o);
      return doc.withBlock(spec.withPost(post));
    }
    Branch b = spec.branch(branchId).orElseThrow();
    int i = b.indexOf(opId);
    if (i < 0) {
      throw new IllegalArgumentException("no op '" + opId + "' in '" + branchId + "'");
    }
    return doc.withBlock(spec.withBranch(b.withOp(i, replacement)));
  }

  /** A renamed op keeps its weights under its new id. */
  @Override
  Weights weightsFor(DesignDocument edited, DesignSession s) {
    Weights w = s.weights();
    if (!opId.equals(replacement.id())) {
      String from = branchId + "." + opId + ".";
      String to = branchId + "." + replacement.id() + ".";
      for (String key : List.copyOf(w.keys())) {
        if (key.startsWith(from)) {
          w = w.with(to + key.substring(from.length()), w.get(key));
        }
      }
    }
    return WeightInit.complete(edited.block(), w, s.seed(), false).restrictTo(edited.block());
  }

  @Override
  public String description() {
    return "Change " + what + " of '" + opId + "'";
  }
}
