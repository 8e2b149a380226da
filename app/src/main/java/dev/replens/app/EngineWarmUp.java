package dev.replens.app;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ND4J (its backend and native libraries, the slow part of a cold start) off the JavaFX
 * thread, so the window can paint first.
 */
final class EngineWarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(EngineWarmUp.class);

  private EngineWarmUp() {}

  /** Initializes the backend with one tiny op; takes a second or two on a cold start. */
  static void run() {
    long t0 = System.nanoTime();
    Nd4j.ones(DataType.FLOAT, 2).sumNumber();
    LOG.info("engine ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }
}
