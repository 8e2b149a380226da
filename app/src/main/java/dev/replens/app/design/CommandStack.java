package dev.replens.app.design;

import java.util.ArrayDeque;
import java.util.Deque;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The undo and redo stacks. Its {@link #revisionProperty() revision} changes on every execute, undo
 * and redo, so observers know when to refresh; {@link #isModified()} compares it with the revision
 * last marked as saved.
 */
public final class CommandStack {

  private static final int LIMIT = 500;

  private final Deque<Command> undo = new ArrayDeque<>();
  private final Deque<Command> redo = new ArrayDeque<>();
  private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(this, "revision", 0);
  private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
  private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
  private final ReadOnlyStringWrapper undoText = new ReadOnlyStringWrapper(this, "undoText", "");
  private final ReadOnlyStringWrapper redoText = new ReadOnlyStringWrapper(this, "redoText", "");
  private final ReadOnlyBooleanWrapper modified = new ReadOnlyBooleanWrapper(this, "modified");
  private long stateId;
  private long savedStateId;
  private long nextStateId = 1;
  private final Deque<Long> undoStates = new ArrayDeque<>();
  private final Deque<Long> redoStates = new ArrayDeque<>();

  /** Executes a command and makes it undoable. */
  public void execute(Command c) {
    c.execute();
    undo.push(c);
    undoStates.push(stateId);
    stateId = nextStateId++;
    redo.clear();
    redoStates.clear();
    if (undo.size() > LIMIT) {
      undo.removeLast();
      undoStates.removeLast();
    }
    changed();
  }

  /** Undoes the last command, if any. */
  public void undo() {
    if (undo.isEmpty()) {
      return;
    }
    Command c = undo.pop();
    c.undo();
    redo.push(c);
    redoStates.push(stateId);
    stateId = undoStates.pop();
    changed();
  }

  /** Redoes the last undone command, if any. */
  public void redo() {
    if (redo.isEmpty()) {
      return;
    }
    Command c = redo.pop();
    c.redo();
    undo.push(c);
    undoStates.push(stateId);
    stateId = redoStates.pop();
    changed();
  }

  /** Forgets all history, e.g. after opening another design. */
  public void clear() {
    undo.clear();
    redo.clear();
    undoStates.clear();
    redoStates.clear();
    stateId = nextStateId++;
    savedStateId = stateId;
    changed();
  }

  /** Marks the current state as saved. */
  public void markSaved() {
    savedStateId = stateId;
    changed();
  }

  /** Marks the current state as unsaved (e.g. restored from a recovery file). */
  public void markUnsaved() {
    savedStateId = -1;
    changed();
  }

  /** Whether the design differs from what was last saved. */
  public boolean isModified() {
    return modified.get();
  }

  private void changed() {
    revision.set(revision.get() + 1);
    canUndo.set(!undo.isEmpty());
    canRedo.set(!redo.isEmpty());
    undoText.set(undo.isEmpty() ? "" : undo.peek().description());
    redoText.set(redo.isEmpty() ? "" : redo.peek().description());
    modified.set(stateId != savedStateId);
  }

  public ReadOnlyLongProperty revisionProperty() {
    return revision.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty canUndoProperty() {
    return canUndo.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty canRedoProperty() {
    return canRedo.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty undoTextProperty() {
    return undoText.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty redoTextProperty() {
    return redoText.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty modifiedProperty() {
    return modified.getReadOnlyProperty();
  }
}
