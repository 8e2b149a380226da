package dev.replens.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/**
 * Tells {@code replens bench startup} when the window's first frame, and then the explorer's, is on
 * the screen. Only active when the system property {@value #PROPERTY} names a file: once each frame
 * is painted, a line {@code first <ms>} or {@code explorer <ms>} (milliseconds since the JVM
 * started) is appended to it, and after the explorer's the app exits.
 *
 * <p>JavaFX runs a pulse only after the previous frame was rendered, so the second pulse after the
 * window is shown means the first frame has been painted.
 */
final class FirstFrameProbe {

  /** The system property naming the marker file. */
  static final String PROPERTY = "replens.firstFrameFile";

  private FirstFrameProbe() {}

  /** The frames reported. */
  enum Frame {
    /** The window's first frame (the placeholder while the engine loads). */
    FIRST,
    /** The explorer's first frame. */
    EXPLORER
  }

  /** Starts watching if the property is set; call right after the frame's scene is shown. */
  static void watchIfAsked(Frame frame) {
    String file = System.getProperty(PROPERTY);
    if (file == null) {
      return;
    }
    new AnimationTimer() {
      private int pulses;

      @Override
      public void handle(long now) {
        if (++pulses < 2) {
          return;
        }
        stop();
        long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        try {
          Files.writeString(
              Path.of(file),
              frame.name().toLowerCase(Locale.ROOT) + " " + ms + "\n",
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (frame == Frame.EXPLORER) {
          Platform.exit();
          System.exit(0);
        }
      }
    }.start();
  }
}
