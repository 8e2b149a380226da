package dev.replens.engine.io;

import java.nio.file.Path;
import java.util.List;

/**
 * A state dict that doesn't fit the block it is imported as. It lists every problem at once (a
 * missing key, an unknown key, a shape that differs from the expected one, a NaN, a geometry that
 * contradicts the file), so that one attempt shows everything that has to be fixed.
 */
public final class WeightImportException extends WeightFileException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * A state dict that doesn't fit, with every reason.
   *
   * @param file the state-dict file
   * @param what what the file was imported as, e.g. {@code "a DiverseBranchBlock (dbb)"}
   * @param problems one line per problem, in user terms
   */
  public WeightImportException(Path file, String what, List<String> problems) {
    super(file, message(file, what, problems), true);
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one line each. */
  public List<String> problems() {
    return problems;
  }

  private static String message(Path file, String what, List<String> problems) {
    StringBuilder sb =
        new StringBuilder("Can't import '")
            .append(OneLine.of(String.valueOf(file.getFileName())))
            .append("' as ")
            .append(OneLine.of(what))
            .append(": ")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem" : " problems");
    for (String p : problems) {
      sb.append("\n  - ").append(OneLine.of(p));
    }
    return sb.toString();
  }
}
