package dev.replens.app.lessons;

import java.util.List;
import java.util.Map;

/**
 * What a lesson/run report holds, gathered from the window and the engine; {@link ReportHtml}
 * writes it as one self-contained page.
 *
 * @param title the page title
 * @param generated when it was made, as text
 * @param lesson the lesson's progress, or null if no lesson runs
 * @param design the design
 * @param stages the kernels at the end of each stage reached
 * @param steps every fusion step with its measured error
 * @param timings what was timed, in milliseconds
 * @param numbers the current lesson step's live numbers, label → value text
 * @param demo the demo's figures, label → value, empty if none
 * @param charts charts as PNG images
 * @param window the window as it looked, as a PNG, or null
 */
record Report(
    String title,
    String generated,
    LessonProgress lesson,
    DesignInfo design,
    List<StageKernels> stages,
    List<StepError> steps,
    Map<String, Double> timings,
    Map<String, String> numbers,
    Map<String, Double> demo,
    List<Picture> charts,
    Picture window) {

  /**
   * A lesson's progress.
   *
   * @param title the lesson title
   * @param source the lesson file
   * @param current the current step, 1-based
   * @param steps each step's title, with the task state
   */
  record LessonProgress(String title, String source, int current, List<StepState> steps) {}

  /**
   * One lesson step in the report.
   *
   * @param title its title
   * @param task its task text, or null
   * @param done whether the task was done at some point
   */
  record StepState(String title, String task, boolean done) {}

  /**
   * The design.
   *
   * @param name its name
   * @param description its description
   * @param weights where the weights came from
   * @param geometry block parameters, name → value
   * @param branches each branch: id, chain, padding mode
   * @param post the ops after the sum, as text
   */
  record DesignInfo(
      String name,
      String description,
      String weights,
      Map<String, String> geometry,
      List<List<String>> branches,
      String post) {}

  /**
   * The kernels at the end of one stage.
   *
   * @param stage the stage's title
   * @param step the step shown
   * @param scale the |value| drawn at full colour
   * @param pictures the fused kernel first, then each branch's contribution
   */
  record StageKernels(String stage, String step, double scale, List<Picture> pictures) {}

  /**
   * One fusion step's error.
   *
   * @param index 1-based
   * @param stage the stage
   * @param title the step title
   * @param maxAbs the max |Δ| against the training form
   * @param bound the round-off bound it is judged against
   * @param ok whether within round-off
   * @param verdict the verdict in words, e.g. {@code within round-off (bound 2.1e-05)}
   * @param diagnosis the diagnosis of the first diverging step, or null
   */
  record StepError(
      int index,
      String stage,
      String title,
      double maxAbs,
      double bound,
      boolean ok,
      String verdict,
      String diagnosis) {}

  /**
   * An image.
   *
   * @param caption its caption
   * @param png the PNG bytes
   * @param width pixels
   * @param height pixels
   */
  record Picture(String caption, byte[] png, int width, int height) {}
}
