package dev.replens.app.lessons;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a demo's short training on one daemon thread of its own (trainers are confined to the thread
 * that builds them) and hands its progress to the JavaFX thread, throttled to a few updates a
 * second (charts redrawn per step would take the CPU from the training) and coalesced: the FX
 * thread gets at most one pending update, always the newest, and always the run's final result.
 * Starting a new run cancels the old one at its next step.
 *
 * <p>Order: {@link #start} (again to restart) → {@link #close}.
 *
 * @param <R> the progress value, immutable
 */
final class TrainingWorker<R> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingWorker.class);

  /** Thrown into a run whose progress is no longer wanted, to end it at its next step. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super(null, null, false, false);
    }
  }

  private final ExecutorService executor;
  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<R> latest = new AtomicReference<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final long intervalNanos;
  private long lastOffer;

  /** A worker that passes on at most one progress update per {@code intervalMillis}. */
  TrainingWorker(String name, long intervalMillis) {
    this.intervalNanos = intervalMillis * 1_000_000L;
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "replens-lesson-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts {@code job} (after the current run, which is cancelled); the job reports progress to the
   * consumer it is given, and {@code show} receives it on the FX thread.
   */
  void start(Function<Consumer<R>, R> job, Consumer<R> show, Consumer<String> failed) {
    long id = generation.incrementAndGet();
    executor.execute(
        () -> {
          if (id != generation.get()) {
            return;
          }
          try {
            lastOffer = System.nanoTime() - intervalNanos;
            R last =
                job.apply(
                    r -> {
                      if (id != generation.get()) {
                        throw new Cancelled();
                      }
                      long now = System.nanoTime();
                      if (now - lastOffer >= intervalNanos) {
                        lastOffer = now;
                        offer(id, r, show);
                      }
                    });
            offer(id, last, show);
          } catch (Cancelled c) {
            LOG.debug("a lesson training was replaced by a newer one");
          } catch (RuntimeException e) {
            LOG.warn("a lesson training failed", e);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            Platform.runLater(
                () -> {
                  if (id == generation.get()) {
                    failed.accept(msg);
                  }
                });
          }
        });
  }

  private void offer(long id, R r, Consumer<R> show) {
    latest.set(r);
    if (!scheduled.getAndSet(true)) {
      Platform.runLater(
          () -> {
            scheduled.set(false);
            R now = latest.getAndSet(null);
            if (now != null && id == generation.get()) {
              show.accept(now);
            }
          });
    }
  }

  @Override
  public void close() {
    generation.incrementAndGet();
    executor.shutdownNow();
  }
}
