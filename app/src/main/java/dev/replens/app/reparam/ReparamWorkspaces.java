package dev.replens.app.reparam;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.samples.SampleCatalog;
import java.util.List;
import javafx.scene.control.Tab;

/**
 * The two workspaces of gradient and dynamic re-parameterization: RepOptimizer ({@code repoptTab})
 * and DyRep ({@code dyrepTab}). Each trains on its own thread and stops when the window closes.
 */
public final class ReparamWorkspaces {

  private ReparamWorkspaces() {}

  /** Both tabs, RepOptimizer first. */
  public static List<Tab> tabs() {
    Tab repopt = new Tab("RepOptimizer", new RepOptPane(sample("csla").block()));
    repopt.setId("repoptTab");
    Tab dyrep = new Tab("DyRep", new DyRepPane(sample("plain-conv-bn").block()));
    dyrep.setId("dyrepTab");
    return List.of(repopt, dyrep);
  }

  private static DesignDocument sample(String id) {
    try {
      return SampleCatalog.load(id);
    } catch (java.io.IOException | dev.replens.engine.io.DesignFormatException e) {
      throw new IllegalStateException("the bundled sample '" + id + "' can't be read", e);
    }
  }
}
