package dev.replens.engine.model;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when an operation needs a valid design and the design has errors. */
public final class InvalidDesignException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  /** Creates the exception from the design's errors. */
  public InvalidDesignException(List<Problem> problems) {
    super(
        "the design has "
            + problems.size()
            + (problems.size() == 1 ? " error: " : " errors: ")
            + problems.stream()
                .map(p -> p.location() + ": " + p.message())
                .collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  /** The errors. */
  public List<Problem> problems() {
    return problems;
  }
}
