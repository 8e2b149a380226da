package dev.replens.app.design;

/**
 * An undoable edit of the design. Call order: {@link #execute} once, then any alternation of {@link
 * #undo} and {@link #redo}.
 */
public interface Command {

  /** Applies the edit for the first time. */
  void execute();

  /** Reverts the edit. */
  void undo();

  /** Applies the edit again after an undo. */
  default void redo() {
    execute();
  }

  /** What the edit does, for the Edit menu: "Add branch 'b4'". */
  String description();
}
