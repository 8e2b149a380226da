package dev.replens.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code replens bench ...}: timing measurements. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure speed and memory.",
    subcommands = {BenchTrainCommand.class})
public final class BenchCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return RepLensCli.OK;
  }
}
