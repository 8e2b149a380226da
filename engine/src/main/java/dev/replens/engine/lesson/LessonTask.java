package dev.replens.engine.lesson;

import java.util.Objects;

/**
 * Something the learner is asked to do, and how the app notices it was done.
 *
 * @param text the request, e.g. "Delete the identity branch and watch the fused centre"
 * @param hint where to find the control, or empty
 * @param doneWhen the condition that marks the task done
 */
public record LessonTask(String text, String hint, LessonCheck doneWhen) {

  public LessonTask {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(doneWhen, "doneWhen");
    hint = hint == null ? "" : hint;
  }
}
