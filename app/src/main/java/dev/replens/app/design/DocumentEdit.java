package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Weights;

/**
 * The base of design edits: computes the edited document once, remembers both states, and swaps
 * between them. Weights follow the design: arrays that still fit are kept.
 */
abstract class DocumentEdit implements Command {

  private final DesignSession session;
  private DesignDocument before;
  private Weights beforeWeights;
  private DesignDocument after;
  private Weights afterWeights;

  DocumentEdit(DesignSession session) {
    this.session = session;
  }

  /** The edited document. Called once, with the document as it is when the edit executes. */
  abstract DesignDocument edit(DesignDocument doc);

  /** The weights that go with the edited document; by default, the kept and completed ones. */
  Weights weightsFor(DesignDocument edited, DesignSession s) {
    return s.weightsFor(edited.block());
  }

  @Override
  public final void execute() {
    before = session.document();
    beforeWeights = session.weights();
    after = edit(before);
    afterWeights = weightsFor(after, session);
    session.apply(after, afterWeights);
  }

  @Override
  public final void undo() {
    session.apply(before, beforeWeights);
  }

  @Override
  public final void redo() {
    session.apply(after, afterWeights);
  }
}
