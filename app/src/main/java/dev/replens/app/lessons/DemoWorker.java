package dev.replens.app.lessons;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a demo's computation on its own thread and hands the newest result to the JavaFX thread; a
 * result for an older request is dropped, so dragging a slider never queues up work.
 */
final class DemoWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoWorker.class);

  private final ExecutorService executor;
  private final AtomicLong latest = new AtomicLong();

  DemoWorker(String name) {
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "replens-demo-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Computes {@code work} off the FX thread and passes it to {@code show} on the FX thread. */
  <T> void submit(Supplier<T> work, Consumer<T> show, Consumer<String> failed) {
    long id = latest.incrementAndGet();
    executor.execute(
        () -> {
          if (id != latest.get()) {
            return;
          }
          try {
            T result = work.get();
            Platform.runLater(
                () -> {
                  if (id == latest.get()) {
                    show.accept(result);
                  }
                });
          } catch (RuntimeException e) {
            LOG.warn("demo computation failed", e);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            Platform.runLater(() -> failed.accept(msg));
          }
        });
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
