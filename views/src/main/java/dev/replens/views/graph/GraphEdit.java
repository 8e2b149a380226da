package dev.replens.views.graph;

import dev.replens.engine.model.BlockSpec;
import dev.replens.views.palette.OpTemplate;
import java.util.Objects;
import javafx.geometry.Point2D;

/**
 * An edit a person asked for on a {@link BlockGraphView}. The view never changes its spec itself;
 * it fires a {@link GraphEditEvent} carrying one of these, and the application turns it into an
 * undoable command (or ignores it).
 *
 * <p>Branch ids of {@value BlockSpec#POST} address the ops after the sum; indices are positions in
 * the branch's op list (or in the post ops).
 *
 * <p>"Connecting" in this lane model: a block is a sum of chains, so there are no free edges to
 * draw. Dropping a template on a lane's arrow inserts it there ({@link AddOp}); dropping it
 * anywhere else makes it a new branch ({@link AddBranch}), which connects it from the input to Σ.
 */
public sealed interface GraphEdit {

  /**
   * Insert a template's ops into a branch (or the post ops) so that its first op gets {@code
   * index}.
   *
   * @param branchId the branch, or {@value BlockSpec#POST}
   * @param index the insertion index, 0 = first
   * @param template what to insert
   */
  record AddOp(String branchId, int index, OpTemplate template) implements GraphEdit {
    public AddOp {
      Objects.requireNonNull(branchId, "branchId");
      Objects.requireNonNull(template, "template");
    }
  }

  /**
   * Add a new branch made of a template at lane position {@code index} (0 = top).
   *
   * @param index the new branch's index among the branches
   * @param template the branch's ops; {@link OpTemplate#createBranch} makes the branch
   */
  record AddBranch(int index, OpTemplate template) implements GraphEdit {
    public AddBranch {
      Objects.requireNonNull(template, "template");
    }
  }

  /**
   * Delete an op, a post op, a whole branch or the activation (set it to none).
   *
   * @param element what to delete
   */
  record DeleteElement(GraphElement element) implements GraphEdit {
    public DeleteElement {
      Objects.requireNonNull(element, "element");
    }
  }

  /**
   * Move an op within its branch or into another branch. {@code toIndex} is the op's index in the
   * target branch after the move (with the op already removed from its old place).
   *
   * @param fromBranch the op's branch (or {@value BlockSpec#POST})
   * @param fromIndex the op's index there
   * @param toBranch the target branch (or {@value BlockSpec#POST})
   * @param toIndex the op's index in the target branch after the move
   */
  record MoveOp(String fromBranch, int fromIndex, String toBranch, int toIndex)
      implements GraphEdit {
    public MoveOp {
      Objects.requireNonNull(fromBranch, "fromBranch");
      Objects.requireNonNull(toBranch, "toBranch");
    }
  }

  /**
   * Move a branch (lane) from index {@code from} to index {@code to} (its index after the move).
   *
   * @param branchId the branch moved
   * @param from its index before
   * @param to its index after
   */
  record MoveBranch(String branchId, int from, int to) implements GraphEdit {
    public MoveBranch {
      Objects.requireNonNull(branchId, "branchId");
    }
  }

  /**
   * A node was dragged to a free position. The view has already stored {@code to} in its {@link
   * BlockGraphView#nodeOffsetsProperty() node offsets}; a command that sets the offset to {@code
   * to} (redo) and back to {@code from} (undo) is idempotent with that.
   *
   * @param node the node moved
   * @param from its offset from the automatic layout before the move
   * @param to its offset after the move
   */
  record MoveNode(GraphElement node, Point2D from, Point2D to) implements GraphEdit {
    public MoveNode {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    /** The horizontal distance moved. */
    public double dx() {
      return to.getX() - from.getX();
    }

    /** The vertical distance moved. */
    public double dy() {
      return to.getY() - from.getY();
    }
  }
}
