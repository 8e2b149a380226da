package dev.replens.app.lessons;

import dev.replens.app.MainWindow;
import dev.replens.app.design.EditBranchCommand;
import dev.replens.app.design.SetWeightsCommand;
import dev.replens.app.explorer.FusionAnalysis;
import dev.replens.app.explorer.KernelsPane;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.Lesson;
import dev.replens.engine.lesson.LessonAction;
import dev.replens.engine.lesson.LessonCheck;
import dev.replens.engine.lesson.LessonState;
import dev.replens.engine.lesson.LessonStep;
import dev.replens.engine.lesson.LiveContext;
import dev.replens.engine.lesson.Readout;
import dev.replens.engine.lesson.Tap;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.Step;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.views.graph.GraphElement;
import dev.replens.views.heatmap.KernelHeatmap;
import dev.replens.views.heatmap.KernelTap;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Tab;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Runs a lesson against the real window: entering a step performs its actions in order (waiting for
 * the background analysis after each one that changes the design), then reads the step's live
 * numbers from the current analysis and watches the task's check. Everything it shows is read from
 * the engine each time the design, the weights, the stepper or a selection changes.
 *
 * <p>Order of calls: {@link #start} → {@link #next} / {@link #back} / {@link #goTo} → {@link
 * #stop}. All on the JavaFX thread.
 */
public final class LessonRunner {

  /**
   * One live number as shown.
   *
   * @param label the label
   * @param value the value, NaN if it can't be read now
   * @param readout what was read
   * @param verdict for an error, its value against the round-off bound; otherwise null
   */
  public record Reading(String label, double value, Readout readout, Verdict verdict) {}

  private final MainWindow window;
  private final ReadOnlyObjectWrapper<Lesson> lesson = new ReadOnlyObjectWrapper<>(this, "lesson");
  private final ReadOnlyIntegerWrapper index = new ReadOnlyIntegerWrapper(this, "index", -1);
  private final ReadOnlyBooleanWrapper taskDone = new ReadOnlyBooleanWrapper(this, "taskDone");
  private final ReadOnlyBooleanWrapper performing = new ReadOnlyBooleanWrapper(this, "performing");
  private final ReadOnlyObjectWrapper<Demo> demo = new ReadOnlyObjectWrapper<>(this, "demo");
  private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
  private final ObservableList<Reading> readings = FXCollections.observableArrayList();
  // One wrapper for all observers: a wrapper made per call would be collected with its listeners.
  private final ObservableList<Reading> readingsView =
      FXCollections.unmodifiableObservableList(readings);
  private final ObjectProperty<Map<String, Double>> demoParameters =
      new SimpleObjectProperty<>(this, "demoParameters", Map.of());
  private final Set<Integer> doneSteps = new LinkedHashSet<>();
  private final Set<KernelHeatmap> watched = Collections.newSetFromMap(new WeakHashMap<>());

  private final Deque<LessonAction> pending = new ArrayDeque<>();
  private FusionAnalysis staleAnalysis;
  private boolean waitingForAnalysis;
  private BlockSpec designAtStepStart;

  /** The sample the lesson last loaded, so that Back and jumps can restore a step's design. */
  private LessonAction.LoadSample loaded;

  public LessonRunner(MainWindow window) {
    this.window = window;
    var session = window.session();
    var stepper = window.stepper();
    session.documentProperty().addListener((o, a, b) -> refresh());
    session.weightsProperty().addListener((o, a, b) -> refresh());
    stepper.indexProperty().addListener((o, a, b) -> refresh());
    stepper.equivalentsProperty().addListener((o, a, b) -> refresh());
    stepper
        .analysisProperty()
        .addListener(
            (o, a, b) -> {
              drain();
              refresh();
            });
    window
        .analysis()
        .busyProperty()
        .addListener(
            (o, a, b) -> {
              drain();
              refresh();
            });
    window.graph().selectionProperty().addListener((o, a, b) -> refresh());
    window
        .workspaces()
        .getSelectionModel()
        .selectedItemProperty()
        .addListener((o, a, b) -> refresh());
    demoParameters.addListener((o, a, b) -> refresh());
  }

  // ---------------------------------------------------------------- navigation

  /** Starts a lesson at its first step. */
  public void start(Lesson l) {
    stop();
    lesson.set(l);
    doneSteps.clear();
    loaded = null;
    goTo(0);
  }

  /** Ends the lesson; the design stays as it is. */
  public void stop() {
    pending.clear();
    waitingForAnalysis = false;
    performing.set(false);
    lesson.set(null);
    index.set(-1);
    demo.set(null);
    readings.clear();
    taskDone.set(false);
    notice.set("");
  }

  public void next() {
    if (lesson.get() != null && index.get() < lesson.get().size() - 1) {
      goTo(index.get() + 1);
    }
  }

  public void back() {
    if (lesson.get() != null && index.get() > 0) {
      goTo(index.get() - 1);
    }
  }

  /** Enters step {@code i}: performs its actions, then shows its numbers and watches its task. */
  public void goTo(int i) {
    Lesson l = lesson.get();
    if (l == null || i < 0 || i >= l.size()) {
      return;
    }
    pending.clear();
    waitingForAnalysis = false;
    notice.set("");
    taskDone.set(false);
    readings.clear();
    index.set(i);
    demo.set(activeDemo(l, i));
    // A step shows the design the steps before it loaded: after Back or a jump, load it again.
    LessonAction.LoadSample context = lastLoad(l, i);
    boolean loads =
        l.step(i).actions().stream().anyMatch(a -> a instanceof LessonAction.LoadSample);
    if (context != null && !loads && !context.equals(loaded)) {
      pending.add(context);
    }
    pending.addAll(l.step(i).actions());
    performing.set(true);
    drain();
  }

  private static LessonAction.LoadSample lastLoad(Lesson l, int i) {
    LessonAction.LoadSample found = null;
    for (int s = 0; s <= i; s++) {
      for (LessonAction a : l.step(s).actions()) {
        if (a instanceof LessonAction.LoadSample ls) {
          found = ls;
        }
      }
    }
    return found;
  }

  /** The demo of the last step up to {@code i} that started one: demos last until replaced. */
  private static Demo activeDemo(Lesson l, int i) {
    Demo d = null;
    for (int s = 0; s <= i; s++) {
      for (LessonAction a : l.step(s).actions()) {
        if (a instanceof LessonAction.StartDemo sd) {
          d = sd.demo();
        }
      }
    }
    return d;
  }

  // ---------------------------------------------------------------- performing actions

  /** Performs pending actions until one must wait for the analysis to catch up. */
  private void drain() {
    if (!performing.get()) {
      return;
    }
    while (true) {
      if (waitingForAnalysis) {
        if (!analysisCaughtUp()) {
          return;
        }
        waitingForAnalysis = false;
      }
      LessonAction a = pending.poll();
      if (a == null) {
        break;
      }
      if (!a.changesDesign() && !analysisCurrent()) {
        pending.addFirst(a);
        waitingForAnalysis = true;
        staleAnalysis = null;
        return;
      }
      perform(a);
      if (a.changesDesign()) {
        staleAnalysis = window.stepper().analysisProperty().get();
        waitingForAnalysis = true;
        // Ask explicitly: an edit that leaves the design equal would otherwise never be answered.
        window.analysis().request(window.session().spec(), window.session().weights());
      }
    }
    designAtStepStart = window.session().spec();
    clearTapForTask();
    performing.set(false);
    refresh();
  }

  /** The shown analysis is the current design's and nothing newer is being computed. */
  private boolean analysisCurrent() {
    FusionAnalysis a = window.stepper().analysisProperty().get();
    return a != null
        && !window.analysis().busyProperty().get()
        && a.spec().equals(window.session().spec());
  }

  private boolean analysisCaughtUp() {
    FusionAnalysis a = window.stepper().analysisProperty().get();
    if (analysisFailed()) {
      notice.set("The analysis failed: " + window.analysis().failureProperty().get());
      return true;
    }
    return analysisCurrent() && (staleAnalysis == null || a != staleAnalysis);
  }

  private boolean analysisFailed() {
    return window.analysis().failureProperty().get() != null
        && !window.analysis().busyProperty().get();
  }

  private void perform(LessonAction a) {
    var session = window.session();
    var stepper = window.stepper();
    if (a instanceof LessonAction.LoadSample s) {
      try {
        DesignDocument doc = SampleCatalog.load(s.sample());
        Weights w = WeightInit.forAnalysis(doc.block(), DataType.FLOAT, s.seed());
        session.open(doc, w, null, "seeded random (seed " + s.seed() + ")");
        loaded = s;
        stepper.first();
        Platform.runLater(window.graph()::fitToView);
      } catch (IOException | DesignFormatException e) {
        notice.set("The sample '" + s.sample() + "' can't be opened: " + e.getMessage());
      }
    } else if (a instanceof LessonAction.SetSeed s) {
      Weights w = WeightInit.forAnalysis(session.spec(), session.weights().dtype(), s.seed());
      session.execute(
          new SetWeightsCommand(session, null, w, "seeded random (seed " + s.seed() + ")"));
    } else if (a instanceof LessonAction.GoToStage g) {
      if (g.stage() == StageKind.TRAINING) {
        stepper.first();
      } else {
        stepper.goTo(g.stage());
      }
    } else if (a instanceof LessonAction.GoToStep g) {
      goToStep(g);
    } else if (a instanceof LessonAction.GoToDivergence) {
      goToDivergence();
    } else if (a instanceof LessonAction.Select s) {
      select(s);
    } else if (a instanceof LessonAction.SelectTap t) {
      selectTap(t.tap());
    } else if (a instanceof LessonAction.ShowView v) {
      String id = v.view() == LessonAction.View.KERNELS ? "kernelsTab" : "differenceTab";
      for (Tab t : window.kernels().getTabs()) {
        if (id.equals(t.getId())) {
          window.kernels().getSelectionModel().select(t);
        }
      }
    } else if (a instanceof LessonAction.ShowWorkspace s) {
      window.showWorkspace(s.tab());
    } else if (a instanceof LessonAction.SetPaddingMode p) {
      Branch b = session.spec().branch(p.branch()).orElse(null);
      if (b == null) {
        notice.set("Branch '" + p.branch() + "' is no longer in the design.");
      } else if (b.paddingMode() != p.mode()) {
        session.execute(
            new EditBranchCommand(session, b.id(), b.withPaddingMode(p.mode()), "padding mode"));
      }
    }
    // StartDemo: the demo shown follows from the step (activeDemo), so that Back keeps it.
  }

  /**
   * A task that asks for a tap must not start done because an earlier step (or the learner, before
   * the lesson) left a tap selected.
   */
  private void clearTapForTask() {
    LessonStep step = lesson.get().step(index.get());
    boolean selectsTap = step.actions().stream().anyMatch(a -> a instanceof LessonAction.SelectTap);
    if (step.task() != null && asksForTap(step.task().doneWhen()) && !selectsTap) {
      KernelHeatmap h = window.kernels().heatmap(KernelsPane.FUSED);
      if (h != null) {
        h.setSelectedTap(null);
      }
    }
  }

  private static boolean asksForTap(LessonCheck c) {
    if (c instanceof LessonCheck.TapSelected) {
      return true;
    }
    return c instanceof LessonCheck.AllOf all
        && all.checks().stream().anyMatch(LessonRunner::asksForTap);
  }

  private void goToStep(LessonAction.GoToStep g) {
    FusionAnalysis a = window.stepper().analysisProperty().get();
    if (a == null) {
      return;
    }
    List<Step> steps = a.pipeline().steps();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (s.transform() == g.transform()
          && (g.branch() == null || g.branch().equals(s.branchId()))) {
        window.stepper().indexProperty().set(i);
        return;
      }
    }
    notice.set(
        "The fusion of this design has no “"
            + g.transform().title()
            + "” step"
            + (g.branch() == null ? "" : " in branch '" + g.branch() + "'")
            + " any more.");
  }

  private void goToDivergence() {
    FusionAnalysis a = window.stepper().analysisProperty().get();
    if (a == null) {
      return;
    }
    for (var c : a.checks()) {
      if (!c.ok()) {
        window.stepper().indexProperty().set(c.index());
        return;
      }
    }
    notice.set("Every step reproduces the block exactly: nothing diverged.");
  }

  private void select(LessonAction.Select s) {
    BlockSpec shown = window.graph().getSpec();
    Branch b = shown == null ? null : shown.branch(s.branch()).orElse(null);
    if (b == null || (s.op() != null && b.op(s.op()).isEmpty())) {
      notice.set(
          "“"
              + (s.op() == null ? s.branch() : s.branch() + "/" + s.op())
              + "” isn't on the canvas now.");
      return;
    }
    GraphElement el =
        s.op() == null ? GraphElement.branch(s.branch()) : GraphElement.op(s.branch(), s.op());
    window.graph().setSelection(el);
    window.graph().getHighlight().clear();
    window.graph().getHighlight().add(el);
  }

  private void selectTap(Tap t) {
    KernelHeatmap h = window.kernels().heatmap(KernelsPane.FUSED);
    if (h == null || h.getKernel() == null) {
      notice.set("This step has no kernel to pick a tap from.");
      return;
    }
    var k = h.getKernel();
    if (t.out() >= k.out() || t.in() >= k.inPerGroup() || t.y() >= k.kh() || t.x() >= k.kw()) {
      notice.set("The kernel shown has no tap " + t.describe() + ".");
      return;
    }
    int group = t.out() / (k.out() / k.groups());
    h.setSelectedTap(KernelTap.at(k, t.out(), group * k.inPerGroup() + t.in(), t.y(), t.x()));
  }

  // ---------------------------------------------------------------- live numbers and the task

  /** Re-reads the numbers and re-evaluates the task, if the analysis matches the design. */
  void refresh() {
    Lesson l = lesson.get();
    int i = index.get();
    watchHeatmaps();
    if (l == null || i < 0 || performing.get() || !analysisCurrent()) {
      return;
    }
    FusionAnalysis a = window.stepper().analysisProperty().get();
    LessonStep step = l.step(i);
    LiveContext ctx =
        new LiveContext(
            a.spec(),
            a.pipeline().training().weights(),
            a.pipeline(),
            a.checks(),
            a.equivalents().isEmpty() ? null : a.equivalents().get(0),
            window.stepper().indexProperty().get());
    List<Reading> now =
        step.numbers().stream()
            .map(r -> new Reading(r.label(), r.read(ctx), r, r.verdict(ctx)))
            .toList();
    if (!now.equals(readings)) {
      readings.setAll(now);
    }
    if (step.task() != null) {
      boolean done = step.task().doneWhen().passes(state(a));
      taskDone.set(done);
      if (done) {
        doneSteps.add(i);
      }
    }
  }

  /** The task checks' view of the app now. */
  public LessonState state(FusionAnalysis a) {
    Step s = window.stepper().stepProperty().get();
    GraphElement sel = window.graph().getSelection();
    Tab ws = window.workspaces().getSelectionModel().getSelectedItem();
    double fused = a == null ? Double.NaN : a.fusedError();
    return new LessonState(
        window.session().spec(),
        designAtStepStart,
        s == null ? null : s.stage(),
        fused,
        a == null || a.fusedCheck() == null ? Double.NaN : a.fusedCheck().bound(),
        selectedTap(),
        sel == null ? null : sel.branchId(),
        sel == null ? null : sel.opId(),
        ws == null ? null : ws.getId(),
        demoParameters.get());
  }

  private LessonState.SelectedTap selectedTap() {
    KernelHeatmap h = window.kernels().heatmap(KernelsPane.FUSED);
    if (h == null || h.getKernel() == null || h.getSelectedTap() == null) {
      return null;
    }
    KernelTap t = h.getSelectedTap();
    if (t.isBias() || !t.connected()) {
      return null;
    }
    return new LessonState.SelectedTap(
        new Tap(t.out(), t.inGroup(), t.y(), t.x()), h.getKernel().kh(), h.getKernel().kw());
  }

  /** Heatmaps are replaced when the branches change; each new one gets a listener once. */
  private void watchHeatmaps() {
    KernelHeatmap h = window.kernels().heatmap(KernelsPane.FUSED);
    if (h != null && watched.add(h)) {
      h.selectedTapProperty().addListener((o, a, b) -> refresh());
    }
  }

  // ---------------------------------------------------------------- properties

  public ReadOnlyObjectProperty<Lesson> lessonProperty() {
    return lesson.getReadOnlyProperty();
  }

  /** The current step (0-based), or −1 when no lesson runs. */
  public ReadOnlyIntegerProperty indexProperty() {
    return index.getReadOnlyProperty();
  }

  /** Whether the current step's task check passes now. */
  public ReadOnlyBooleanProperty taskDoneProperty() {
    return taskDone.getReadOnlyProperty();
  }

  /** Whether the current step's actions are still being performed. */
  public ReadOnlyBooleanProperty performingProperty() {
    return performing.getReadOnlyProperty();
  }

  /** The demo to show, or null. */
  public ReadOnlyObjectProperty<Demo> demoProperty() {
    return demo.getReadOnlyProperty();
  }

  /** A note when an action couldn't be performed (e.g. the learner deleted its branch). */
  public ReadOnlyStringProperty noticeProperty() {
    return notice.getReadOnlyProperty();
  }

  /** The current step's live numbers. */
  public ObservableList<Reading> readings() {
    return readingsView;
  }

  /** The shown demo's parameters ({@code mu}, {@code sigma}); set by the demo view. */
  public ObjectProperty<Map<String, Double>> demoParametersProperty() {
    return demoParameters;
  }

  /** The steps whose task was done at some point, 0-based. */
  public Set<Integer> doneSteps() {
    return Set.copyOf(doneSteps);
  }

  public Lesson lesson() {
    return lesson.get();
  }

  public int index() {
    return index.get();
  }

  public MainWindow window() {
    return window;
  }
}
