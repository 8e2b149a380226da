package dev.replens.app.cli;

import dev.replens.app.Messages;
import java.io.PrintWriter;
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
      DesignsCommand.class,
      ValidateCommand.class,
      FuseCommand.class,
      InspectCommand.class,
      ConvertCommand.class,
      ExportTorchCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      RepOptCheckCommand.class,
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
    return commandLine().execute(args);
  }

  private static void setBadInputCode(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(BAD_INPUT);
    cl.getSubcommands().values().forEach(RepLensCli::setBadInputCode);
  }

  /** The configured command line, for tests that capture its output. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new RepLensCli());
    setBadInputCode(cl);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("replens " + commandLine.getCommandName() + ": " + Messages.of(ex));
          err.flush();
          return BAD_INPUT;
        });
    return cl;
  }
}
