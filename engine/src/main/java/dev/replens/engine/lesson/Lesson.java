package dev.replens.engine.lesson;

import java.util.List;
import java.util.Objects;

/**
 * A guided lesson: a sequence of steps that drive the explorer and explain what it shows. Read from
 * a lesson file by {@link LessonReader}; see the package documentation for the format.
 *
 * @param id a short name, e.g. {@code repvgg}
 * @param title the title shown at the top of the lesson panel
 * @param summary one or two sentences for the lesson list
 * @param locked whether the app hides everything the lesson doesn't need (menus, toolbar, palette,
 *     other workspaces) while it runs
 * @param steps the steps, at least one
 * @param source the file or resource it was read from, for messages
 */
public record Lesson(
    String id,
    String title,
    String summary,
    boolean locked,
    List<LessonStep> steps,
    String source) {

  public Lesson {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    summary = summary == null ? "" : summary;
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a lesson has at least one step");
    }
  }

  /** The number of steps. */
  public int size() {
    return steps.size();
  }

  /** Step {@code i} (0-based). */
  public LessonStep step(int i) {
    return steps.get(i);
  }
}
