package dev.replens.engine.train.run;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Work a {@link JobRunner} takes step by step on its own thread: a training run, two models side by
 * side, a lesson's study. Every method but {@link #totalSteps()} is called on that one thread, so a
 * job may keep thread-confined state (ND4J and SameDiff keep sessions per thread).
 *
 * <p>Order of calls: {@link #open} once → {@link #step} until {@link #stepsDone()} reaches {@link
 * #totalSteps()} (or the runner pauses, stops, fails or is cancelled) → {@link #close} once, also
 * after a failure or a cancel. {@code open} is skipped, and {@code close} still called, if the run
 * is cancelled before it starts.
 *
 * <p>A job hands what it measured to {@code out}: immutable values (records, {@code float[]}
 * copies), never arrays it goes on writing. {@code out} throws {@link
 * java.util.concurrent.CancellationException} once the run is cancelled, which ends a long step at
 * its next update; a job that loops for long without updates can check {@link
 * Thread#isInterrupted()}, which cancel sets.
 *
 * @param <U> what one update carries
 */
public interface TrainingJob<U> {

  /**
   * Builds what the steps need (data, trainers, graphs). An exception here fails the run at step 0.
   *
   * @param out where to publish updates (a starting point, a kernel to show)
   */
  default void open(Consumer<U> out) throws Exception {}

  /**
   * Takes one step. An exception fails the run at this step; a {@link
   * dev.replens.engine.train.TrainingDivergedException} is reported as a divergence.
   *
   * @param out where to publish what the step measured
   */
  void step(Consumer<U> out) throws Exception;

  /** Steps taken so far. */
  int stepsDone();

  /** Steps the job takes; may be called from any thread, so it must not change. */
  int totalSteps();

  /** Frees what {@link #open} built. Must not throw. */
  default void close() {}

  /**
   * A job of one step that runs {@code work} to the end: {@code work} reports its progress (a
   * cumulative result) to the consumer it is given, and its return value is published last.
   * Cancelling ends it at its next progress report.
   */
  static <U> TrainingJob<U> once(Function<Consumer<U>, ? extends U> work) {
    Objects.requireNonNull(work, "work");
    return new TrainingJob<>() {
      private boolean done;

      @Override
      public void step(Consumer<U> out) {
        out.accept(work.apply(out));
        done = true;
      }

      @Override
      public int stepsDone() {
        return done ? 1 : 0;
      }

      @Override
      public int totalSteps() {
        return 1;
      }
    };
  }
}
