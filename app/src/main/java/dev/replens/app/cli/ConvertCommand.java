package dev.replens.app.cli;

import dev.replens.app.Messages;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.CheckpointFormat;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.network.Finding;
import dev.replens.engine.network.NetworkConversionException;
import dev.replens.engine.network.NetworkConverter;
import dev.replens.engine.network.NetworkReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens convert}: the whole network in deploy form, under each family's official deploy
 * names, in the format of the output's extension.
 */
@Command(
    name = "convert",
    description = {
      "Convert every re-parameterizable block of a network checkpoint to its deploy form"
          + " (rbr_reparam, dbb_reparam, fused_conv, orepa_reparam, conv_deployed) and write the"
          + " whole state dict; other keys pass through unchanged.",
      "The format follows OUT's extension: .pth (torch.save zip), .safetensors or .npz. The file"
          + " is written atomically, and not at all on an error.",
      "Exit 0 ok, 1 if a block fuses beyond its round-off bound, 2 on bad input."
    },
    mixinStandardHelpOptions = true)
final class ConvertCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin NetworkInputs input;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "OUT",
      description = "The deploy state dict: .pth, .safetensors or .npz.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (CheckpointFormat.forWriting(out).isEmpty()) {
        throw new BadInputException(
            "can't tell the format from '"
                + out.getFileName()
                + "': name it .pth, .safetensors or .npz");
      }
      if (Files.exists(input.in) && Files.exists(out) && Files.isSameFile(input.in, out)) {
        throw new BadInputException("--out is the input file; write the deploy dict elsewhere");
      }
      NetworkInputs.Inspected read = input.inspect(err);
      Checkpoint ckpt = read.checkpoint();
      NetworkReport report = read.report();
      ProgressBar bar = read.bar();
      List<Finding> mismatches = report.findings(Finding.MISMATCH);
      if (!mismatches.isEmpty()) {
        bar.finish();
        o.flush();
        err.println(
            "replens convert: nothing written: "
                + mismatches.get(0).message()
                + (mismatches.size() > 1 ? " (and " + (mismatches.size() - 1) + " more)" : ""));
        err.flush();
        return RepLensCli.TOLERANCE_EXCEEDED;
      }
      Checkpoint deploy;
      try {
        deploy = NetworkConverter.convert(ckpt, report, bar);
      } catch (NetworkConversionException e) {
        throw new BadInputException("nothing written: " + e.getMessage());
      }
      try {
        Checkpoints.write(out, deploy, bar);
      } catch (WeightFileException e) {
        throw new BadInputException(Messages.of(e));
      } finally {
        bar.finish();
      }
      long fused = report.blocks().stream().filter(b -> !b.deployForm()).count();
      o.printf(
          "wrote    %s (%s): %d block%s converted, %d already in deploy form, %d other key%s"
              + " passed through%n",
          out,
          CheckpointFormat.forWriting(out).orElseThrow().description(),
          fused,
          fused == 1 ? "" : "s",
          report.blocks().size() - fused,
          report.passThroughKeys(),
          report.passThroughKeys() == 1 ? "" : "s");
      report.problems().forEach(f -> o.printf("  %-7s %s%n", f.severity(), f.message()));
      o.flush();
      return RepLensCli.OK;
    } catch (BadInputException e) {
      o.flush();
      err.println("replens convert: " + e.getMessage());
      err.flush();
      return RepLensCli.BAD_INPUT;
    } catch (java.io.IOException e) {
      err.println("replens convert: " + Messages.of(e));
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
  }
}
