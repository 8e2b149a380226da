package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Weights;

/**
 * Replaces the design (optionally) and its weights at once, e.g. after importing a state dict,
 * whose family defines the block's structure.
 */
public final class SetWeightsCommand implements Command {
  private final DesignSession session;
  private final DesignDocument doc;
  private final Weights weights;
  private final String source;
  private DesignDocument beforeDoc;
  private Weights beforeWeights;
  private String beforeSource;

  public SetWeightsCommand(
      DesignSession session, DesignDocument doc, Weights weights, String source) {
    this.session = session;
    this.doc = doc;
    this.weights = weights;
    this.source = source;
  }

  @Override
  public void execute() {
    beforeDoc = session.document();
    beforeWeights = session.weights();
    beforeSource = session.weightsSourceProperty().get();
    redo();
  }

  @Override
  public void undo() {
    session.apply(beforeDoc, beforeWeights);
    session.applyWeightsSource(beforeSource);
  }

  @Override
  public void redo() {
    session.apply(doc == null ? beforeDoc : doc, weights);
    session.applyWeightsSource(source);
  }

  @Override
  public String description() {
    return "Import weights";
  }
}
