package dev.replens.app.explorer;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Weights;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link FusionAnalysis} on its own thread so the FX thread only draws. Requests coalesce:
 * when the design changes faster than the analysis runs, only the newest design is analysed, and a
 * result that arrives for an older design is dropped.
 */
public final class AnalysisService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnalysisService.class);

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replens-analysis");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong latest = new AtomicLong();
  private final ReadOnlyObjectWrapper<FusionAnalysis> result =
      new ReadOnlyObjectWrapper<>(this, "result");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyObjectWrapper<String> failure =
      new ReadOnlyObjectWrapper<>(this, "failure");
  private final Consumer<Runnable> fxThread;

  /** A service that publishes results on the JavaFX application thread. */
  public AnalysisService() {
    this(Platform::runLater);
  }

  /** A service that publishes through the given executor (tests pass {@code Runnable::run}). */
  public AnalysisService(Consumer<Runnable> fxThread) {
    this.fxThread = fxThread;
  }

  /** Analyses the design; the result replaces the current one unless a newer request came in. */
  public void request(BlockSpec spec, Weights weights) {
    long id = latest.incrementAndGet();
    fxThread.accept(() -> busy.set(true));
    executor.execute(
        () -> {
          if (id != latest.get()) {
            return;
          }
          try {
            FusionAnalysis a = FusionAnalysis.of(spec, weights);
            fxThread.accept(
                () -> {
                  if (id == latest.get()) {
                    failure.set(null);
                    result.set(a);
                    busy.set(false);
                  }
                });
          } catch (RuntimeException e) {
            if (id != latest.get()) {
              // Superseded, e.g. a new design whose weights arrive in the next request.
              LOG.debug("superseded analysis failed: {}", e.getMessage());
              return;
            }
            LOG.warn("analysis failed", e);
            fxThread.accept(
                () -> {
                  if (id == latest.get()) {
                    failure.set(e.getMessage() == null ? e.toString() : e.getMessage());
                    busy.set(false);
                  }
                });
          }
        });
  }

  public ReadOnlyObjectProperty<FusionAnalysis> resultProperty() {
    return result.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** The message of the last analysis that failed unexpectedly, or null. */
  public ReadOnlyObjectProperty<String> failureProperty() {
    return failure.getReadOnlyProperty();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
