package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Node keys of the canvas layout: {@code <branchId>} for a lane, {@code <branchId>/<opId>} for a
 * node.
 */
public final class Layouts {
  private Layouts() {}

  /** The key of an op's node, or of a branch's lane when {@code opId} is null. */
  public static String key(String branchId, String opId) {
    return opId == null ? branchId : branchId + "/" + opId;
  }

  /** A copy of the layout without the entries of a node or of a whole branch. */
  static Map<String, DesignDocument.Offset> without(
      Map<String, DesignDocument.Offset> layout, String branchId, String opId) {
    Map<String, DesignDocument.Offset> out = new LinkedHashMap<>(layout);
    if (opId == null) {
      out.keySet().removeIf(k -> k.equals(branchId) || k.startsWith(branchId + "/"));
    } else {
      out.remove(key(branchId, opId));
    }
    return out;
  }
}
