package dev.replens.app.cli;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.torch.TorchExportException;
import dev.replens.engine.torch.TorchModuleWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replens export-torch D.json --out block.py}: writes the design as a self-contained PyTorch
 * module with its training form, {@code switch_to_deploy()} and {@code load_replens_weights()}.
 */
@Command(
    name = "export-torch",
    description = {
      "Write a design as one Python file: a PyTorch nn.Module with the training form,",
      "switch_to_deploy() (RepLens' fusion) and load_replens_weights(path) for .npz and",
      ".safetensors weights. Exit 0 on success, 2 on bad input."
    },
    mixinStandardHelpOptions = true)
final class ExportTorchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "D.json", description = "A design file or sample name.")
  String design;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "block.py",
      description = "The Python file to write.")
  Path out;

  @Option(
      names = "--class-name",
      paramLabel = "NAME",
      description =
          "The module's class name (default: the official one, e.g. RepVGGBlock, or one made"
              + " from the design's name).")
  String className;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      DesignDocument doc = Inputs.design(design);
      Path parent = out.toAbsolutePath().getParent();
      if (!Files.isDirectory(parent)) {
        throw new BadInputException("the folder " + parent + " doesn't exist");
      }
      TorchModuleWriter.write(out, doc, className);
      String text = Files.readString(out);
      String cls =
          text.lines()
              .filter(l -> l.startsWith("class ") && l.endsWith("(nn.Module):"))
              .reduce((a, b) -> b)
              .map(l -> l.substring("class ".length(), l.indexOf('(')))
              .orElse("?");
      stdout.printf("wrote    %s (class %s, %d lines)%n", out, cls, text.lines().count());
      stdout.flush();
      return RepLensCli.OK;
    } catch (BadInputException | TorchExportException e) {
      err.println("replens export-torch: " + e.getMessage());
    } catch (IOException e) {
      err.println("replens export-torch: can't write " + out + ": " + e.getMessage());
    }
    err.flush();
    return RepLensCli.BAD_INPUT;
  }
}
