package dev.replens.engine.lesson;

import java.util.List;
import java.util.Objects;

/**
 * One step of a lesson: what the app is made to show, what is said about it, the numbers read live
 * from the engine, and optionally something for the learner to do.
 *
 * @param title the step's title
 * @param text two or three plain sentences
 * @param formula a formula in the formula view's LaTeX subset, or empty
 * @param actions what the app does when the step is entered, in order
 * @param numbers live values shown with the step
 * @param task something for the learner to do, or null
 */
public record LessonStep(
    String title,
    String text,
    String formula,
    List<LessonAction> actions,
    List<Readout> numbers,
    LessonTask task) {

  public LessonStep {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    formula = formula == null ? "" : formula;
    actions = List.copyOf(actions);
    numbers = List.copyOf(numbers);
  }

  /** Whether the step asks the learner to do something. */
  public boolean hasTask() {
    return task != null;
  }
}
