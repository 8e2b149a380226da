package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Weights;
import java.util.LinkedHashMap;
import java.util.Map;

/** Moves a node on the canvas by hand; the offset is saved in the design's layout. */
public final class MoveNodeCommand extends DocumentEdit {
  private final String nodeKey;
  private final double dx;
  private final double dy;

  public MoveNodeCommand(DesignSession s, String nodeKey, double dx, double dy) {
    super(s);
    this.nodeKey = nodeKey;
    this.dx = dx;
    this.dy = dy;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    Map<String, DesignDocument.Offset> layout = new LinkedHashMap<>(doc.layout());
    if (dx == 0 && dy == 0) {
      layout.remove(nodeKey);
    } else {
      layout.put(nodeKey, new DesignDocument.Offset(dx, dy));
    }
    return doc.withLayout(layout);
  }

  @Override
  Weights weightsFor(DesignDocument edited, DesignSession s) {
    return s.weights();
  }

  @Override
  public String description() {
    return "Move node";
  }
}
