package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import java.nio.file.Path;
import java.util.Objects;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The design being edited: document, weights, file and history. It changes only through its
 * methods; every edit goes through the {@link CommandStack} as an undoable {@link Command}.
 * Observers watch the read-only properties.
 */
public final class DesignSession {

  /** The seed of the random weights drawn for ops that have none. */
  public static final long DEFAULT_SEED = 1;

  private final ReadOnlyObjectWrapper<DesignDocument> document =
      new ReadOnlyObjectWrapper<>(this, "document");
  private final ReadOnlyObjectWrapper<Weights> weights =
      new ReadOnlyObjectWrapper<>(this, "weights");
  private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
  private final ReadOnlyStringWrapper weightsSource =
      new ReadOnlyStringWrapper(this, "weightsSource", "");
  private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
  private final CommandStack commands = new CommandStack();
  private long seed = DEFAULT_SEED;

  /** Starts with the given design and seeded random float32 weights. */
  public DesignSession(DesignDocument doc) {
    open(doc, null, null, "seeded random (seed " + seed + ")");
    commands.modifiedProperty().addListener((o, a, b) -> updateTitle());
    file.addListener((o, a, b) -> updateTitle());
  }

  /**
   * Replaces the design (New, Open, Open Sample, restore): forgets the history and marks it saved.
   * With null weights, seeded random weights are drawn.
   */
  public void open(DesignDocument doc, Weights w, Path path, String source) {
    Objects.requireNonNull(doc, "doc");
    Weights ws = w == null ? WeightInit.forAnalysis(doc.block(), DataType.FLOAT, seed) : w;
    document.set(doc);
    weights.set(ws);
    file.set(path);
    weightsSource.set(source);
    commands.clear();
    updateTitle();
  }

  /** Executes an edit as an undoable command. */
  public void execute(Command c) {
    commands.execute(c);
  }

  /** Sets document and weights; called by commands only. */
  void apply(DesignDocument doc, Weights w) {
    if (w != weights.get()) {
      weights.set(w);
    }
    document.set(doc);
  }

  /** Sets where the weights came from; called by commands only. */
  void applyWeightsSource(String source) {
    weightsSource.set(source);
  }

  /**
   * The weights for an edited design: every array that still fits is kept, new ops get seeded
   * random weights.
   */
  Weights weightsFor(BlockSpec spec) {
    Weights current = weights.get();
    return WeightInit.complete(spec, current, seed, false).restrictTo(spec);
  }

  /** Records that the design was saved to {@code path}. */
  public void markSaved(Path path) {
    file.set(path);
    commands.markSaved();
    updateTitle();
  }

  /** Records that the design holds unsaved changes (e.g. restored from a recovery file). */
  public void markUnsaved() {
    commands.markUnsaved();
  }

  private void updateTitle() {
    DesignDocument d = document.get();
    String name =
        file.get() != null
            ? file.get().getFileName().toString()
            : d == null || d.name().isEmpty() ? "Untitled" : d.name();
    title.set((commands.isModified() ? "• " : "") + name + " — RepLens");
  }

  public DesignDocument document() {
    return document.get();
  }

  public BlockSpec spec() {
    return document.get().block();
  }

  public Weights weights() {
    return weights.get();
  }

  public Path file() {
    return file.get();
  }

  public long seed() {
    return seed;
  }

  public CommandStack commands() {
    return commands;
  }

  public ReadOnlyObjectProperty<DesignDocument> documentProperty() {
    return document.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Weights> weightsProperty() {
    return weights.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Path> fileProperty() {
    return file.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty weightsSourceProperty() {
    return weightsSource.getReadOnlyProperty();
  }

  /** The window title: file name, an unsaved-changes mark, the app name. */
  public ReadOnlyStringProperty titleProperty() {
    return title.getReadOnlyProperty();
  }
}
