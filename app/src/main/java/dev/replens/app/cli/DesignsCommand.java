package dev.replens.app.cli;

import dev.replens.engine.samples.SampleCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code replens designs}: lists the bundled sample designs. */
@Command(
    name = "designs",
    description = "List the bundled sample designs.",
    mixinStandardHelpOptions = true)
final class DesignsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    for (SampleCatalog.Sample s : SampleCatalog.list()) {
      var doc = SampleCatalog.load(s);
      var b = doc.block();
      out.printf(
          "%-14s %-40s %d→%d, K=%d, %d %s%n",
          s.id(),
          s.name(),
          b.inChannels(),
          b.outChannels(),
          b.kernel(),
          b.branches().size(),
          b.branches().size() == 1 ? "branch" : "branches");
    }
    out.flush();
    return RepLensCli.OK;
  }
}
