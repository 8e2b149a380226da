package dev.replens.app.cli;

import dev.replens.engine.io.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for large files, redrawn in place at most ten times a second.
 * Small inputs draw nothing, so that an error stays the one line on stderr.
 *
 * <p>Call order: {@link #update} from the working thread, then {@link #finish}.
 */
final class ProgressBar implements Progress {

  /** Files below this size get no bar. */
  static final long MIN_BYTES = 32L << 20;

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(PrintWriter err, long inputBytes) {
    this.err = err;
    this.enabled = inputBytes >= MIN_BYTES;
  }

  @Override
  public void update(long done, long total, String what) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    boolean last = total > 0 && done >= total;
    if (!last && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    String bar;
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      bar =
          String.format(
              Locale.ROOT,
              "[%s%s] %3d%%",
              "#".repeat(filled),
              "-".repeat(WIDTH - filled),
              100 * done / total);
    } else {
      bar = "[" + "?".repeat(WIDTH) + "]";
    }
    String text = what.length() > 40 ? what.substring(0, 40) : what;
    err.print("\r" + bar + " " + text + " ".repeat(Math.max(0, 40 - text.length())));
    err.flush();
    drawn = true;
  }

  /** Ends the bar's line, if one was drawn. */
  void finish() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 48) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
