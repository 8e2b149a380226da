package dev.replens.app.reparam;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * What the lab models share: a {@link StepLoop} of their own, its state and failures mirrored on
 * the FX thread, and a queue through which the loop hands what each step recorded to the view,
 * which drains it at its own pace.
 *
 * <p>Order: a subclass's {@code start} ({@link #reset} → {@link #run}) → {@link #pause} / {@link
 * #resume} → the run finishes, or {@link #stop}; {@link #close} at the end.
 *
 * @param <U> what one step recorded, immutable
 */
abstract class AbstractLab<U> implements AutoCloseable {

  private final ConcurrentLinkedQueue<U> updates = new ConcurrentLinkedQueue<>();
  private final ReadOnlyObjectWrapper<StepLoop.State> state =
      new ReadOnlyObjectWrapper<>(this, "state", StepLoop.State.IDLE);
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final StepLoop loop;

  /** A lab whose loop runs on a thread named {@code threadName}. */
  AbstractLab(String threadName) {
    this.loop =
        new StepLoop(
            threadName,
            s -> Platform.runLater(() -> state.set(s)),
            m -> Platform.runLater(() -> message.set("The run stopped: " + m)));
  }

  /** The loop's state. */
  public ReadOnlyObjectProperty<StepLoop.State> stateProperty() {
    return state.getReadOnlyProperty();
  }

  /** What happened last, in words (a failure, a search result), or empty. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** Says what happened, in words (FX thread). */
  protected void setMessage(String m) {
    message.set(m);
  }

  /** Forgets the updates not drained yet and the last message, before a new run. */
  protected void reset() {
    updates.clear();
    message.set("");
  }

  /** Stops the current job, if any, and starts the one {@code factory} builds on the loop. */
  protected void run(Supplier<StepLoop.Job> factory) {
    loop.start(factory);
  }

  /** Queues what a step recorded (any thread). */
  protected void record(U update) {
    updates.add(update);
  }

  /** Pauses the run after its current step. */
  public void pause() {
    loop.pause();
  }

  /** Resumes a paused run. */
  public void resume() {
    loop.resume();
  }

  /** Stops the run. */
  public void stop() {
    loop.stop();
  }

  /** The updates that arrived since the last call, oldest first. */
  public List<U> drain() {
    List<U> out = new ArrayList<>();
    for (U u = updates.poll(); u != null; u = updates.poll()) {
      out.add(u);
    }
    return out;
  }

  @Override
  public void close() {
    loop.close();
  }
}
