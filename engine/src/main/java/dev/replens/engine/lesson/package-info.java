/**
 * Guided lessons: the lesson model, the lesson file format and its reader, the checks that notice a
 * learner's task was done, the live numbers a step shows, and the train-mode BN demo. No JavaFX:
 * the app's lesson panel performs the actions on the real window.
 *
 * <h2>The lesson file</h2>
 *
 * A lesson is a JSON file a teacher can write by hand:
 *
 * <pre>{@code
 * {
 *   "format": "replens-lesson", "formatVersion": 1,
 *   "id": "repvgg", "title": "RepVGG: three branches, one conv",
 *   "summary": "Why a 1x1 conv and an identity can be added to a 3x3 conv.",
 *   "locked": false,
 *   "steps": [
 *     { "title": "The identity is a kernel too",
 *       "text": "Two or three plain sentences.",
 *       "formula": "I[o, o, 1, 1] = 1",
 *       "actions": [ { "do": "loadSample", "sample": "repvgg" },
 *                    { "do": "goToStep", "transform": "identity-to-kernel" } ],
 *       "numbers": [ { "show": "fusedTap", "out": 0, "in": 0, "y": 1, "x": 1,
 *                      "label": "fused centre" } ],
 *       "task": { "text": "Delete the identity branch and watch the fused centre.",
 *                 "hint": "Click the branch, press Delete.",
 *                 "doneWhen": { "check": "noBranchWithOp", "op": "identity" } } }
 *   ]
 * }
 * }</pre>
 *
 * <p>Step fields: {@code title} and {@code text} are required; {@code formula} (the formula view's
 * LaTeX subset), {@code actions} ({@link dev.replens.engine.lesson.LessonAction}), {@code numbers}
 * ({@link dev.replens.engine.lesson.Readout}) and {@code task} are optional. A task has {@code
 * text}, an optional {@code hint} and {@code doneWhen} ({@link
 * dev.replens.engine.lesson.LessonCheck}). Demos are listed at {@link
 * dev.replens.engine.lesson.Demo}.
 *
 * <p>Every sample, branch, op, stage, transform and tap a lesson names is checked when it is read,
 * against the design the steps before have loaded: a mistake is reported with the file, the step,
 * the line and column, never when a class is half-way through the lesson.
 */
package dev.replens.engine.lesson;
