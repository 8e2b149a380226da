package dev.replens.app;

/**
 * Entry point of the executable jar. With no arguments it opens the window; with a subcommand it
 * runs the command line headless.
 *
 * <p>This class must not extend {@code javafx.application.Application}: on a plain classpath the
 * JDK refuses to start such a main class ("JavaFX runtime components are missing").
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    dev.replens.engine.train.NativeThreads.configure();
    if (args.length == 0) {
      RepLensApp.main(args);
    } else {
      System.exit(dev.replens.app.cli.RepLensCli.run(args));
    }
  }
}
