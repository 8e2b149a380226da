package dev.replens.app.cli;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replens validate D.json}: checks a design and lists every problem. */
@Command(
    name = "validate",
    description = "Check a design file; exit 0 if it can be fused, 2 if not.",
    mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DESIGN", description = "A design file (.json) or a sample name.")
  String design;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DesignDocument doc;
    try {
      doc = Inputs.design(design);
    } catch (BadInputException e) {
      err.println("replens validate: " + e.getMessage());
      return RepLensCli.BAD_INPUT;
    }
    List<Problem> problems = Validator.validate(doc.block());
    for (Problem p : problems) {
      (p.isError() ? err : out).println(Path.of(design).getFileName() + ": " + p);
    }
    long errors = problems.stream().filter(Problem::isError).count();
    if (errors > 0) {
      err.println(
          "replens validate: "
              + errors
              + (errors == 1 ? " error" : " errors")
              + "; the block can't be fused as designed");
      err.flush();
      out.flush();
      return RepLensCli.BAD_INPUT;
    }
    out.println(
        "ok: "
            + (doc.name().isEmpty() ? design : doc.name())
            + " ("
            + doc.block().branches().size()
            + " branches) fuses into one "
            + doc.block().kernel()
            + "x"
            + doc.block().kernel()
            + " conv"
            + (problems.isEmpty() ? "" : ", with " + problems.size() + " warning(s)"));
    out.flush();
    return RepLensCli.OK;
  }
}
