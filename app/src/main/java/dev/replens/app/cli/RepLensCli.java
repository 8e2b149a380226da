package dev.replens.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The headless command line: {@code replens <subcommand> ...}. */
@Command(
    name = "replens",
    mixinStandardHelpOptions = true,
    version = "RepLens 0.1.0",
    description =
        "Structural re-parameterization explorer: fuse, validate, train and benchmark blocks.",
    subcommands = {
      TrainCommand.class,
      BenchTrainCommand.Parent.class,
    })
public final class RepLensCli implements Callable<Integer> {

  /** Exit code: the command succeeded. */
  public static final int OK = 0;

  /** Exit code: a measured error exceeded its tolerance. */
  public static final int TOLERANCE_EXCEEDED = 1;

  /** Exit code: the input was bad; a one-line message went to stderr. */
  public static final int BAD_INPUT = 2;

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return OK;
  }

  /** Runs the command line and returns the process exit code. */
  public static int run(String... args) {
    return new CommandLine(new RepLensCli()).execute(args);
  }
}
