package dev.replens.app.reparam;

import dev.replens.app.run.FxRunner;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
import dev.replens.engine.train.run.Coalescing;
import dev.replens.engine.train.run.RunState;
import dev.replens.engine.train.run.TrainingJob;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * What the RepOptimizer and DyRep lab models share: an {@link FxRunner} that runs their jobs off
 * the FX thread (one at a time, each on a thread of its own, ten snapshots a second at most), its
 * state, a line of words, and the hand-off of each snapshot's updates to the view on the FX thread.
 *
 * <p>Order: a subclass's {@code start} ({@link #run}) → {@link #pause} / {@link #resume} → the run
 * finishes, fails, or {@link #stop}; {@link #close} at the end. Each snapshot's events go to {@link
 * #received} first (a subclass keeps what its properties show and returns what the view plots),
 * then to the view's {@link #setOnUpdates handler}, then the state changes.
 *
 * @param <E> what the lab's jobs publish, immutable
 * @param <U> what the view is handed, immutable
 */
abstract class ReparamLab<E, U> implements AutoCloseable {

  private final FxRunner<E> runner;
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private Consumer<List<U>> onUpdates = u -> {};
  private DatasetSplit shapes;

  /** A lab whose jobs run on threads named {@code threadName}. */
  ReparamLab(String threadName) {
    runner = new FxRunner<>(threadName, 10, Coalescing.ALL, false);
    runner.setOnSnapshot(
        s -> {
          List<U> shown = received(s.updates());
          if (!shown.isEmpty()) {
            onUpdates.accept(shown);
          }
          if (s.failure() != null) {
            message.set("The run stopped: " + s.failure().describe());
          }
        });
  }

  /**
   * Takes the events of one snapshot, oldest first (FX thread), and returns those the view plots.
   */
  protected abstract List<U> received(List<E> events);

  /**
   * The labs' data: 512 training and 64 validation gray 28×28 shapes, seed 7, generated on first
   * use on a job's thread (it may be the first ND4J call, which loads the native libraries).
   */
  protected final synchronized DatasetSplit shapes() {
    if (shapes == null) {
      shapes = ShapesDataset.split(ShapesDataset.Variant.GRAY_28, 512, 64, 7);
    }
    return shapes;
  }

  /** Where the view takes each snapshot's updates (FX thread). */
  public void setOnUpdates(Consumer<List<U>> handler) {
    this.onUpdates = Objects.requireNonNull(handler, "handler");
  }

  /** The run's state. */
  public ReadOnlyObjectProperty<RunState> stateProperty() {
    return runner.stateProperty();
  }

  /** What happened last, in words (a failure, a search result), or empty. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** Says what happened, in words (FX thread). */
  protected void setMessage(String m) {
    message.set(m);
  }

  /** Replaces the current run (cancelled if it is under way) by {@code job} and starts it. */
  protected void run(TrainingJob<E> job) {
    message.set("");
    runner.start(job);
  }

  /** Pauses the run after its current step. */
  public void pause() {
    runner.pause();
  }

  /** Resumes a paused run. */
  public void resume() {
    runner.start();
  }

  /** Stops the run after its current step. */
  public void stop() {
    runner.stop();
  }

  @Override
  public void close() {
    runner.close();
  }
}
