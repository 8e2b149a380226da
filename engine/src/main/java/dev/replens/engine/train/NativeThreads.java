package dev.replens.engine.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up ND4J's OpenMP runtime for a process that also runs passes of its own on the second core
 * ({@link Planes}). Call {@link #configure} first thing in {@code main}, before anything touches
 * ND4J.
 *
 * <p>By default the OpenMP runtime's idle workers spin on their core for a while after every native
 * op, waiting for the next parallel region. A training step alternates native convolutions with
 * {@link Planes}' Java passes, whose helper thread then shares a core with a spinning worker:
 * measured on the 2-core bench machine, a plain step took 50.6 ms with spinning workers and 43.5 ms
 * with sleeping ones, the convolutions equally fast in both. So the wait policy becomes {@code
 * PASSIVE}, unless the environment sets {@code OMP_WAIT_POLICY} already.
 */
public final class NativeThreads {

  private static final Logger LOG = LoggerFactory.getLogger(NativeThreads.class);

  /** The C library's {@code setenv(3)}. */
  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);
  }

  private static boolean configured;

  private NativeThreads() {}

  /**
   * Sets {@code OMP_WAIT_POLICY=PASSIVE} in this process's environment unless it is set; no effect
   * once ND4J has loaded its native libraries, which read it when they load.
   */
  public static synchronized void configure() {
    // The jar's launcher calls this and then the app's main, which calls it too.
    if (configured || System.getenv("OMP_WAIT_POLICY") != null) {
      return;
    }
    configured = true;
    try {
      LibC libc = Native.loadLibrary("c", LibC.class);
      if (libc.setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0) {
        LOG.debug("setenv(OMP_WAIT_POLICY) failed; OpenMP workers keep spinning");
      }
    } catch (LinkageError | RuntimeException e) {
      LOG.debug("could not set the OpenMP wait policy: {}", e.toString());
    }
  }
}
