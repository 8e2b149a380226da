package dev.replens.engine.lesson;

import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.TransformKind;
import java.util.List;
import java.util.Objects;

/**
 * What a lesson step makes the app do when it is entered. In a lesson file each action is an object
 * whose {@code "do"} field names it; the other fields are its parameters.
 *
 * <table>
 *   <caption>The actions</caption>
 *   <tr><th>{@code do}</th><th>fields</th><th>effect</th></tr>
 *   <tr><td>{@code loadSample}</td><td>{@code sample}, {@code seed}?</td>
 *       <td>opens a bundled design with seeded random weights (seed 1 unless given)</td></tr>
 *   <tr><td>{@code setSeed}</td><td>{@code seed}</td>
 *       <td>redraws the design's weights from another seed</td></tr>
 *   <tr><td>{@code goToStage}</td><td>{@code stage}</td>
 *       <td>moves the fusion stepper to the end of a stage ({@code training}, {@code linearized},
 *       {@code squeezed}, {@code fused}); {@code training} is the editable design</td></tr>
 *   <tr><td>{@code goToStep}</td><td>{@code transform}, {@code branch}?</td>
 *       <td>moves the stepper to the first step applying a transform (e.g. {@code pad}, {@code
 *       identity-to-kernel}), optionally in one branch</td></tr>
 *   <tr><td>{@code goToDivergence}</td><td></td>
 *       <td>moves the stepper to the first step whose output differs from the training form's
 *       (its badge is red and carries the diagnosis); stays put if every step is exact</td></tr>
 *   <tr><td>{@code select}</td><td>{@code branch}, {@code op}?</td>
 *       <td>selects and highlights a branch or op on the canvas (and in the inspector)</td></tr>
 *   <tr><td>{@code selectTap}</td><td>{@code out}, {@code in}, {@code y}, {@code x}</td>
 *       <td>selects one tap in the kernel heatmaps, which shows each branch's contribution</td></tr>
 *   <tr><td>{@code showView}</td><td>{@code view}</td>
 *       <td>shows the {@code kernels} or the {@code difference} view</td></tr>
 *   <tr><td>{@code showWorkspace}</td><td>{@code tab}</td>
 *       <td>shows a workspace tab by id, e.g. {@code explorerTab}</td></tr>
 *   <tr><td>{@code setPaddingMode}</td><td>{@code branch}, {@code mode}</td>
 *       <td>sets a branch's padding mode ({@code at-input} or {@code per-op}) as an undoable
 *       edit</td></tr>
 *   <tr><td>{@code startDemo}</td><td>{@code demo} and its parameters</td>
 *       <td>shows a live demo in the lesson panel (see {@link Demo})</td></tr>
 * </table>
 */
public sealed interface LessonAction {

  /** The action's name in lesson files. */
  String name();

  /** Whether the action changes the design or its weights (the analysis must then catch up). */
  default boolean changesDesign() {
    return false;
  }

  /** Every action name, for messages. */
  static List<String> names() {
    return List.of(
        "loadSample",
        "setSeed",
        "goToStage",
        "goToStep",
        "goToDivergence",
        "select",
        "selectTap",
        "showView",
        "showWorkspace",
        "setPaddingMode",
        "startDemo");
  }

  /**
   * Opens a bundled design with seeded random weights.
   *
   * @param sample the sample id, e.g. {@code repvgg}
   * @param seed the weights' seed
   */
  record LoadSample(String sample, long seed) implements LessonAction {
    public LoadSample {
      Objects.requireNonNull(sample, "sample");
    }

    @Override
    public String name() {
      return "loadSample";
    }

    @Override
    public boolean changesDesign() {
      return true;
    }
  }

  /**
   * Redraws the weights from another seed.
   *
   * @param seed the seed
   */
  record SetSeed(long seed) implements LessonAction {
    @Override
    public String name() {
      return "setSeed";
    }

    @Override
    public boolean changesDesign() {
      return true;
    }
  }

  /**
   * Moves the stepper to the end of a stage ({@link StageKind#TRAINING}: the first step).
   *
   * @param stage the stage
   */
  record GoToStage(StageKind stage) implements LessonAction {
    public GoToStage {
      Objects.requireNonNull(stage, "stage");
    }

    @Override
    public String name() {
      return "goToStage";
    }
  }

  /**
   * Moves the stepper to the first step applying a transform.
   *
   * @param transform the transform
   * @param branch the branch the step must touch, or null for any
   */
  record GoToStep(TransformKind transform, String branch) implements LessonAction {
    public GoToStep {
      Objects.requireNonNull(transform, "transform");
    }

    @Override
    public String name() {
      return "goToStep";
    }
  }

  /** Moves the stepper to the first step that changed the block's output. */
  record GoToDivergence() implements LessonAction {
    @Override
    public String name() {
      return "goToDivergence";
    }
  }

  /**
   * Selects a branch, or one op of it, on the canvas.
   *
   * @param branch the branch id
   * @param op the op id, or null for the whole branch
   */
  record Select(String branch, String op) implements LessonAction {
    public Select {
      Objects.requireNonNull(branch, "branch");
    }

    @Override
    public String name() {
      return "select";
    }
  }

  /**
   * Selects a tap of the kernel heatmaps.
   *
   * @param tap the tap
   */
  record SelectTap(Tap tap) implements LessonAction {
    public SelectTap {
      Objects.requireNonNull(tap, "tap");
    }

    @Override
    public String name() {
      return "selectTap";
    }
  }

  /** The views of the kernels area. */
  enum View {
    /** The heatmaps and the contribution chart. */
    KERNELS,
    /** The error map: the step's output against the training form's. */
    DIFFERENCE
  }

  /**
   * Shows one view of the kernels area.
   *
   * @param view the view
   */
  record ShowView(View view) implements LessonAction {
    public ShowView {
      Objects.requireNonNull(view, "view");
    }

    @Override
    public String name() {
      return "showView";
    }
  }

  /**
   * Shows a workspace tab.
   *
   * @param tab the tab's id
   */
  record ShowWorkspace(String tab) implements LessonAction {
    public ShowWorkspace {
      Objects.requireNonNull(tab, "tab");
    }

    @Override
    public String name() {
      return "showWorkspace";
    }
  }

  /**
   * Sets a branch's padding mode, as an undoable edit.
   *
   * @param branch the branch id
   * @param mode the mode
   */
  record SetPaddingMode(String branch, PaddingMode mode) implements LessonAction {
    public SetPaddingMode {
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(mode, "mode");
    }

    @Override
    public String name() {
      return "setPaddingMode";
    }

    @Override
    public boolean changesDesign() {
      return true;
    }
  }

  /**
   * Shows a live demo in the lesson panel.
   *
   * @param demo the demo and its settings
   */
  record StartDemo(Demo demo) implements LessonAction {
    public StartDemo {
      Objects.requireNonNull(demo, "demo");
    }

    @Override
    public String name() {
      return "startDemo";
    }
  }
}
