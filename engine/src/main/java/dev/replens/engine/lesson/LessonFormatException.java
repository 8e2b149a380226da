package dev.replens.engine.lesson;

import dev.replens.engine.io.OneLine;

/**
 * A lesson file that can't be used, with where the problem is, in the author's terms: the file, the
 * step (number and title), the line and column, and the field. For example {@code repvgg.json, line
 * 41, column 17 (step 3 “Identity becomes a kernel”, actions[1].do): unknown action 'hilite'; the
 * actions are: loadSample, ...}.
 */
public final class LessonFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final int step;
  private final String stepTitle;
  private final String field;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param source the file name
   * @param line 1-based line, or 0 if unknown
   * @param column 1-based column, or 0 if unknown
   * @param step 1-based step number, or 0 if the problem is outside the steps
   * @param stepTitle the step's title, or null
   * @param field the field within the step (or the file), e.g. {@code actions[1].do}, or empty
   * @param problem what is wrong
   */
  public LessonFormatException(
      String source,
      int line,
      int column,
      int step,
      String stepTitle,
      String field,
      String problem) {
    super(OneLine.of(format(source, line, column, step, stepTitle, field, problem)));
    this.source = source;
    this.line = line;
    this.column = column;
    this.step = step;
    this.stepTitle = stepTitle;
    this.field = field == null ? "" : field;
    this.problem = problem;
  }

  private static String format(
      String source,
      int line,
      int column,
      int step,
      String stepTitle,
      String field,
      String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(", line ").append(line);
      if (column > 0) {
        sb.append(", column ").append(column);
      }
    }
    StringBuilder where = new StringBuilder();
    if (step > 0) {
      where.append("step ").append(step);
      if (stepTitle != null && !stepTitle.isBlank()) {
        where.append(" “").append(stepTitle).append('”');
      }
    }
    if (field != null && !field.isEmpty()) {
      if (where.length() > 0) {
        where.append(", ");
      }
      where.append(field);
    }
    if (where.length() > 0) {
      sb.append(" (").append(where).append(')');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file or resource name. */
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

  /** The 1-based step number, or 0 if the problem is outside the steps. */
  public int step() {
    return step;
  }

  /** The step's title, or null. */
  public String stepTitle() {
    return stepTitle;
  }

  /** The field, e.g. {@code actions[1].do}, or empty. */
  public String field() {
    return field;
  }

  /** The problem without its location. */
  public String problem() {
    return problem;
  }
}
