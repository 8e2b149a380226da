package dev.replens.engine.io;

/**
 * A design file that can't be read, with where the problem is. The message is meant for people:
 * {@code design.json, line 12, column 9 (block.branches[1].ops[0]): unknown op type 'convv' ...}.
 */
public final class DesignFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String path;
  private final String problem;

  /** Creates the exception; line and column are 1-based, or 0 if unknown. */
  public DesignFormatException(String source, int line, int column, String path, String problem) {
    super(OneLine.of(format(source, line, column, path, problem)));
    this.source = source;
    this.line = line;
    this.column = column;
    this.path = path;
    this.problem = problem;
  }

  private static String format(String source, int line, int column, String path, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(", line ").append(line);
      if (column > 0) {
        sb.append(", column ").append(column);
      }
    }
    if (path != null && !path.isEmpty()) {
      sb.append(" (").append(path).append(')');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file name or resource the design came from. */
  public String source() {
    return source;
  }

  /** The 1-based line, or 0. */
  public int line() {
    return line;
  }

  /** The 1-based column, or 0. */
  public int column() {
    return column;
  }

  /** The JSON path such as {@code block.branches[1].ops[0]}, or empty. */
  public String path() {
    return path;
  }

  /** The problem without the location. */
  public String problem() {
    return problem;
  }
}
