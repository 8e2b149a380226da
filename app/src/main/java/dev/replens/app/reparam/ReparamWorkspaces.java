package dev.replens.app.reparam;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.samples.SampleCatalog;
import javafx.scene.control.Tab;

/**
 * The two workspaces of gradient and dynamic re-parameterization: RepOptimizer ({@code repoptTab})
 * and DyRep ({@code dyrepTab}). Each trains on its own thread and stops when the window closes.
 */
public final class ReparamWorkspaces {

  private ReparamWorkspaces() {}

  /** The RepOptimizer workspace, on the bundled CSLA design. */
  public static Tab repOptimizer() {
    Tab t = new Tab("RepOptimizer", new RepOptPane(sample("csla").block()));
    t.setId("repoptTab");
    return t;
  }

  /** The DyRep workspace, on the bundled plain conv + BN design. */
  public static Tab dyRep() {
    Tab t = new Tab("DyRep", new DyRepPane(sample("plain-conv-bn").block()));
    t.setId("dyrepTab");
    return t;
  }

  private static DesignDocument sample(String id) {
    try {
      return SampleCatalog.load(id);
    } catch (java.io.IOException | dev.replens.engine.io.DesignFormatException e) {
      throw new IllegalStateException("the bundled sample '" + id + "' can't be read", e);
    }
  }
}
