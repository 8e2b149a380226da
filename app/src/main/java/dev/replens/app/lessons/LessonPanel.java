package dev.replens.app.lessons;

import dev.replens.app.Dialogs;
import dev.replens.app.MainWindow;
import dev.replens.app.Messages;
import dev.replens.engine.eval.Verdict;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.Lesson;
import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.engine.lesson.LessonFormatException;
import dev.replens.engine.lesson.LessonReader;
import dev.replens.engine.lesson.LessonStep;
import dev.replens.engine.lesson.Readout;
import dev.replens.views.NumberText;
import dev.replens.views.formula.FormulaView;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.css.PseudoClass;
import javafx.event.EventHandler;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The lesson drawer at the right of the main window: a list of lessons to choose from, and, while a
 * lesson runs, its current step in large type for a classroom projector: title, plain sentences,
 * formula, live numbers, an optional demo, the task with a live "done ✓", progress and Back/Next
 * (also PageUp/PageDown, as presentation remotes send). A locked lesson hides the app chrome it
 * doesn't need while it runs.
 */
public final class LessonPanel extends BorderPane {

  private static final PseudoClass DONE = PseudoClass.getPseudoClass("done");
  private static final PseudoClass OK = PseudoClass.getPseudoClass("ok");
  private static final PseudoClass BAD = PseudoClass.getPseudoClass("bad");

  private final MainWindow window;
  private final LessonRunner runner;
  private final ChromeLock lock = new ChromeLock();

  private final VBox chooser = new VBox(12);
  private final BorderPane stepView = new BorderPane();
  private final Label lessonTitle = new Label();
  private final Label progress = new Label();
  private final ProgressBar progressBar = new ProgressBar(0);
  private final Label stepTitle = new Label();
  private final Label stepText = new Label();
  private final FormulaView formula = new FormulaView();
  private final NumberGrid numbers = new NumberGrid();
  private final StackPane demoHolder = new StackPane();
  private final Label notice = new Label();
  private final VBox taskBox = new VBox(6);
  private final Label taskText = new Label();
  private final Label taskHint = new Label();
  private final Label taskStatus = new Label();
  private final Button back = new Button("◀ Back");
  private final Button next = new Button("Next ▶");
  private final ScrollPane scroll = new ScrollPane();
  private final BooleanProperty wide = new SimpleBooleanProperty(this, "wide");
  private DemoView demoView;
  private final EventHandler<KeyEvent> pageKeys = this::onKey;
  // A handler, not a filter: a control that uses Escape itself (an open popup) gets it first.
  private final EventHandler<KeyEvent> escapeKey =
      e -> {
        if (e.getCode() == KeyCode.ESCAPE && isVisible()) {
          closePanel();
          e.consume();
        }
      };

  public LessonPanel(MainWindow window) {
    this.window = window;
    this.runner = new LessonRunner(window);
    setId("lessonPanel");
    getStyleClass().add("lesson-panel");
    getStylesheets().add(LessonPanel.class.getResource("lessons.css").toExternalForm());
    setMinWidth(420);
    applyWidth();
    wide.addListener((o, a, b) -> applyWidth());
    window.workspaces().getSelectionModel().selectedItemProperty().addListener(o -> applyWidth());
    setVisible(false);
    setManaged(false);
    buildChooser();
    buildStepView();
    setCenter(chooser);

    runner.indexProperty().addListener((o, a, b) -> showStep());
    runner.lessonProperty().addListener((o, a, b) -> lessonChanged(b));
    runner.taskDoneProperty().addListener((o, a, b) -> showTaskState());
    runner.performingProperty().addListener((o, a, b) -> showTaskState());
    runner.noticeProperty().addListener((o, a, b) -> showNotice(b));
    runner
        .readings()
        .addListener(
            (javafx.collections.ListChangeListener<LessonRunner.Reading>) c -> showNumbers());
    runner.demoProperty().addListener((o, a, b) -> showDemo(b));
    // A training demo trains the design its step loaded: it starts once the actions are done.
    runner
        .performingProperty()
        .addListener(
            (o, a, b) -> {
              if (!b) {
                showDemo(runner.demoProperty().get());
              }
            });
    sceneProperty()
        .addListener(
            (o, a, b) -> {
              if (a != null) {
                a.removeEventFilter(KeyEvent.KEY_PRESSED, pageKeys);
                a.removeEventHandler(KeyEvent.KEY_PRESSED, escapeKey);
              }
              if (b != null) {
                b.addEventFilter(KeyEvent.KEY_PRESSED, pageKeys);
                b.addEventHandler(KeyEvent.KEY_PRESSED, escapeKey);
                b.widthProperty().addListener((x, y, z) -> applyWidth());
              }
              applyWidth();
            });
    showNotice("");
    showDemo(null);
  }

  // ---------------------------------------------------------------- layout

  private void buildChooser() {
    chooser.getStyleClass().add("lesson-chooser");
    chooser.setId("lessonChooser");
    Label title = new Label("Lessons");
    title.getStyleClass().add("lesson-title");
    Button close = closeButton();
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox head = new HBox(8, title, spacer, close);
    head.setAlignment(Pos.CENTER_LEFT);
    VBox list = new VBox(10);
    for (LessonCatalog.Entry e : LessonCatalog.list()) {
      list.getChildren().add(card(e));
    }
    ScrollPane listScroll = new ScrollPane(list);
    listScroll.setFitToWidth(true);
    listScroll.getStyleClass().add("lesson-scroll");
    VBox.setVgrow(listScroll, Priority.ALWAYS);
    Button open = new Button("Open a lesson file…");
    open.setId("lessonOpenFile");
    open.getStyleClass().add("lesson-small-button");
    open.setOnAction(e -> openFile());
    chooser.getChildren().addAll(head, listScroll, open);
  }

  private Node card(LessonCatalog.Entry e) {
    VBox card = new VBox(4);
    card.getStyleClass().add("lesson-card");
    try {
      Lesson l = LessonCatalog.load(e);
      Label t = new Label(l.title() + (l.locked() ? "  🔒" : ""));
      t.getStyleClass().add("lesson-card-title");
      t.setWrapText(true);
      Label s = new Label(l.summary());
      s.getStyleClass().add("lesson-card-summary");
      s.setWrapText(true);
      Button start = new Button("Start  (" + l.size() + " steps)");
      start.setId("lesson-start-" + l.id());
      start.getStyleClass().add("lesson-small-button");
      start.setOnAction(x -> start(l));
      card.getChildren().addAll(t, s, start);
    } catch (IOException | LessonFormatException ex) {
      Label bad = new Label(ex.getMessage());
      bad.getStyleClass().add("lesson-notice");
      bad.setWrapText(true);
      card.getChildren().add(bad);
    }
    return card;
  }

  private Button closeButton() {
    Button close = new Button("✕");
    close.getStyleClass().add("lesson-close");
    close.setOnAction(e -> closePanel());
    close.setFocusTraversable(false);
    return close;
  }

  private void buildStepView() {
    lessonTitle.getStyleClass().add("lesson-title");
    lessonTitle.setId("lessonTitle");
    lessonTitle.setWrapText(true);
    Button report = new Button("Report…");
    report.setId("lessonReport");
    report.getStyleClass().add("lesson-small-button");
    report.setOnAction(e -> exportReport());
    report.setMinWidth(Region.USE_PREF_SIZE);
    Button close = closeButton();
    close.setId("lessonClose");
    ToggleButton widen = new ToggleButton("⇔");
    widen.setId("lessonWide");
    widen.getStyleClass().add("lesson-small-button");
    widen.setTooltip(new Tooltip("A wider lesson panel (for charts)"));
    widen.selectedProperty().bindBidirectional(wide);
    widen.setMinWidth(Region.USE_PREF_SIZE);
    widen.setFocusTraversable(false);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox head = new HBox(8, lessonTitle, spacer, widen, report, close);
    head.setAlignment(Pos.TOP_LEFT);
    HBox.setHgrow(lessonTitle, Priority.SOMETIMES);
    progress.setId("lessonProgress");
    progress.getStyleClass().add("lesson-progress");
    progressBar.setId("lessonProgressBar");
    progressBar.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(progressBar, Priority.ALWAYS);
    HBox progressRow = new HBox(10, progress, progressBar);
    progressRow.setAlignment(Pos.CENTER_LEFT);
    VBox top = new VBox(8, head, progressRow);
    top.getStyleClass().add("lesson-head");

    stepTitle.setId("lessonStepTitle");
    stepTitle.getStyleClass().add("lesson-step-title");
    stepTitle.setWrapText(true);
    stepText.setId("lessonStepText");
    stepText.getStyleClass().add("lesson-step-text");
    stepText.setWrapText(true);
    formula.setId("lessonFormula");
    formula.getStyleClass().add("lesson-formula");
    numbers.setId("lessonNumbers");
    demoHolder.setId("lessonDemo");
    demoHolder.setMinWidth(0);
    notice.setId("lessonNotice");
    notice.getStyleClass().add("lesson-notice");
    notice.setWrapText(true);
    Label tryIt = new Label("Try it");
    tryIt.getStyleClass().add("lesson-task-head");
    taskText.setId("lessonTaskText");
    taskText.getStyleClass().add("lesson-task-text");
    taskText.setWrapText(true);
    taskHint.getStyleClass().add("lesson-task-hint");
    taskHint.setWrapText(true);
    taskStatus.setId("lessonTaskStatus");
    taskStatus.getStyleClass().add("lesson-task-status");
    taskStatus.setWrapText(true);
    taskBox.setId("lessonTask");
    taskBox.getStyleClass().add("lesson-task");
    taskBox.getChildren().addAll(tryIt, taskText, taskHint, taskStatus);
    VBox content =
        new VBox(
            14, stepTitle, stepText, new FitWidth(formula), numbers, notice, taskBox, demoHolder);
    content.getStyleClass().add("lesson-content");
    // The text always wraps at the viewport: a wide child is clipped, it doesn't widen the page.
    content.setMinWidth(0);
    scroll.setContent(content);
    scroll.setFitToWidth(true);
    // The page always fits the width (see the content's min width): it scrolls only down.
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    scroll.getStyleClass().add("lesson-scroll");

    back.setId("lessonBack");
    next.setId("lessonNext");
    back.getStyleClass().add("lesson-nav");
    next.getStyleClass().addAll("lesson-nav", "lesson-next");
    back.setOnAction(e -> runner.back());
    next.setOnAction(e -> nextOrFinish());
    back.setMaxWidth(Double.MAX_VALUE);
    next.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(back, Priority.ALWAYS);
    HBox.setHgrow(next, Priority.ALWAYS);
    HBox nav = new HBox(12, back, next);
    nav.getStyleClass().add("lesson-navbar");

    stepView.setTop(top);
    stepView.setCenter(scroll);
    stepView.setBottom(nav);
  }

  // ---------------------------------------------------------------- opening and closing

  /** Shows the drawer with the list of lessons (or the running lesson). */
  public void showChooser() {
    setVisible(true);
    setManaged(true);
    setCenter(runner.lesson() == null ? chooser : stepView);
  }

  /**
   * Starts a lesson in the drawer. A lesson opens designs of its own with seeded random weights: if
   * the current design holds unsaved changes or weights that aren't seeded random (trained,
   * imported, a sample's), the user is asked first, and answering no leaves everything as it was.
   */
  public void start(Lesson l) {
    String atStake = atStake();
    if (atStake != null
        && !Dialogs.confirm(
            window.stage(),
            "lessonConfirmDialog",
            "Start the lesson “" + l.title() + "”?",
            "The lesson opens its own designs with seeded random weights. "
                + atStake
                + " will be replaced. Save first if you want to keep them.",
            "Start the lesson",
            "Keep my design")) {
      return;
    }
    setVisible(true);
    setManaged(true);
    setCenter(stepView);
    runner.start(l);
  }

  /** What starting a lesson would replace, in words; null if nothing worth asking about. */
  private String atStake() {
    var session = window.session();
    boolean modified = session.commands().isModified();
    String source = session.weightsSourceProperty().get();
    boolean ownWeights = !source.startsWith("seeded random");
    if (!modified && !ownWeights) {
      return null;
    }
    String name =
        session.file() != null
            ? session.file().getFileName().toString()
            : session.document().name().isEmpty() ? "Untitled" : session.document().name();
    if (modified && ownWeights) {
      return "Your unsaved changes to “" + name + "” and its weights (" + source + ")";
    }
    return modified
        ? "Your unsaved changes to “" + name + "”"
        : "The weights of “" + name + "” (" + source + ")";
  }

  /** Ends the lesson and closes the drawer. */
  public void closePanel() {
    runner.stop();
    setVisible(false);
    setManaged(false);
    setCenter(chooser);
  }

  private void nextOrFinish() {
    Lesson l = runner.lesson();
    if (l != null && runner.index() >= l.size() - 1) {
      runner.stop();
      setCenter(chooser);
    } else {
      runner.next();
    }
  }

  private void onKey(KeyEvent e) {
    if (!isVisible() || runner.lesson() == null) {
      return;
    }
    if (e.getCode() == KeyCode.PAGE_DOWN) {
      runner.next();
      e.consume();
    } else if (e.getCode() == KeyCode.PAGE_UP) {
      runner.back();
      e.consume();
    }
  }

  private void openFile() {
    FileChooser fc = new FileChooser();
    fc.setTitle("Open a lesson");
    fc.getExtensionFilters()
        .add(new FileChooser.ExtensionFilter("RepLens lessons (*.json)", "*.json"));
    File f = fc.showOpenDialog(window.stage());
    if (f != null) {
      openFile(f.toPath());
    }
  }

  /** Reads a lesson file and starts it; a broken file gets a dialog naming file, step and line. */
  public void openFile(Path f) {
    try {
      start(LessonReader.read(f));
    } catch (LessonFormatException e) {
      Dialogs.error(window.stage(), "This lesson can't be used", e.getMessage());
    } catch (IOException e) {
      Dialogs.error(window.stage(), "This lesson file can't be read", f + ": " + Messages.of(e));
    }
  }

  private void lessonChanged(Lesson l) {
    Scene scene = getScene();
    if (l != null && l.locked()) {
      lock.lock(scene, window.workspaces());
    } else {
      lock.unlock();
    }
    lessonTitle.setText(l == null ? "" : l.title());
    if (l == null) {
      showDemo(null);
    }
  }

  // ---------------------------------------------------------------- the step

  private void showStep() {
    Lesson l = runner.lesson();
    int i = runner.index();
    if (l == null || i < 0) {
      return;
    }
    LessonStep s = l.step(i);
    progress.setText("Step " + (i + 1) + " of " + l.size());
    progressBar.setProgress((i + 1) / (double) l.size());
    stepTitle.setText(s.title());
    stepText.setText(s.text());
    formula.setFormula(s.formula());
    formula.setVisible(!s.formula().isBlank());
    formula.setManaged(!s.formula().isBlank());
    taskBox.setVisible(s.hasTask());
    taskBox.setManaged(s.hasTask());
    if (s.hasTask()) {
      taskText.setText(s.task().text());
      taskHint.setText(s.task().hint());
      taskHint.setVisible(!s.task().hint().isBlank());
      taskHint.setManaged(!s.task().hint().isBlank());
    }
    back.setDisable(i == 0);
    next.setText(i == l.size() - 1 ? "Finish ✓" : "Next ▶");
    showNumbers();
    showTaskState();
    scroll.setVvalue(0);
  }

  private void showNumbers() {
    numbers.clear();
    int i = 0;
    for (LessonRunner.Reading reading : runner.readings()) {
      Label v = numbers.add(reading.label(), format(reading));
      v.setId("lessonNumber-" + i);
      v.setUserData(reading.value());
      Verdict verdict = reading.verdict();
      if (verdict != null && verdict.measured()) {
        boolean ok = verdict.withinRoundOff();
        v.pseudoClassStateChanged(OK, ok);
        v.pseudoClassStateChanged(BAD, !ok);
        Label note = numbers.addNote(verdictText(verdict));
        note.setId("lessonVerdict-" + i);
        note.pseudoClassStateChanged(OK, ok);
        note.pseudoClassStateChanged(BAD, !ok);
      }
      i++;
    }
    numbers.setVisible(numbers.rows() > 0);
    numbers.setManaged(numbers.rows() > 0);
  }

  /**
   * The verdict under an error: {@code within round-off (bound 2.1e−05)} or {@code real mismatch,
   * 38× the round-off bound 2.1e−05}.
   */
  static String verdictText(Verdict v) {
    String bound = NumberText.scientific(v.bound());
    return v.withinRoundOff()
        ? "within round-off (bound " + bound + ")"
        : "real mismatch, "
            + Verdict.times(v.ratio()).replace('-', '−')
            + " the round-off bound "
            + bound;
  }

  /** How a live number is written: errors in scientific notation, counts whole, weights exact. */
  static String format(LessonRunner.Reading r) {
    double v = r.value();
    if (Double.isNaN(v)) {
      return "—";
    }
    if (r.readout() instanceof Readout.FusedError || r.readout() instanceof Readout.StepError) {
      return NumberText.scientific(v);
    }
    if (r.readout() instanceof Readout.BranchCount) {
      return String.valueOf((long) v);
    }
    return NumberText.exact(v);
  }

  private void showTaskState() {
    Lesson l = runner.lesson();
    if (l == null || runner.index() < 0 || !l.step(runner.index()).hasTask()) {
      return;
    }
    boolean done = runner.taskDoneProperty().get() && !runner.performingProperty().get();
    taskStatus.pseudoClassStateChanged(DONE, done);
    taskBox.pseudoClassStateChanged(DONE, done);
    taskStatus.setText(
        done ? "Done ✓" : "Waiting for: " + l.step(runner.index()).task().doneWhen().describe());
  }

  private void showNotice(String text) {
    notice.setText(text);
    notice.setVisible(!text.isEmpty());
    notice.setManaged(!text.isEmpty());
  }

  private void showDemo(Demo d) {
    if (demoView != null && d != null && d.equals(demoView.demo())) {
      return;
    }
    if (demoView != null) {
      runner.demoParametersProperty().unbind();
      runner.demoParametersProperty().set(Map.of());
      demoView.dispose();
      demoView = null;
    }
    demoHolder.getChildren().clear();
    boolean trains =
        d instanceof Demo.TrainingCost
            || d instanceof Demo.RepOptTrajectories
            || d instanceof Demo.DyRepGrowth;
    // A training demo waits for its step's actions (see the performing listener).
    Demo now = trains && runner.performingProperty().get() ? null : d;
    if (now instanceof Demo.VaeGradients v) {
      demoView = new VaeDemoView(v);
    } else if (now instanceof Demo.VaeTraining v) {
      demoView = new VaeTrainingDemoView(v);
    } else if (now instanceof Demo.BatchStatistics b) {
      demoView = new BatchStatsDemoView(b, window.session());
    } else if (now instanceof Demo.TrainingCost t) {
      demoView = new TrainingCostDemoView(t, window.session().spec());
    } else if (now instanceof Demo.RepOptTrajectories r) {
      demoView = new RepOptDemoView(r, window.session().spec());
    } else if (now instanceof Demo.DyRepGrowth g) {
      demoView = new DyRepDemoView(g, window.session().spec());
    }
    if (demoView != null) {
      demoHolder.getChildren().add(demoView.node());
      runner.demoParametersProperty().bind(demoView.parametersProperty());
    }
    demoHolder.setVisible(demoView != null);
    demoHolder.setManaged(demoView != null);
    // A chart that doesn't use the explorer gets the room; demos on the design leave it.
    wide.set(d != null && !(d instanceof Demo.BatchStatistics));
  }

  /**
   * Narrow: the explorer keeps most of the window. Wide: 60 % of it, for charts. Either way the
   * workspace beside the drawer keeps at least its minimum width, so that the drawer never covers
   * its right edge; the drawer gives way down to its own minimum.
   */
  private void applyWidth() {
    double w = getScene() == null ? 0 : getScene().getWidth();
    double width = wide.get() ? Math.max(500, 0.6 * w) : 500;
    if (w > 0) {
      var tab = window.workspaces().getSelectionModel().getSelectedItem();
      double workspace =
          tab == null || tab.getContent() == null ? 0 : tab.getContent().minWidth(-1);
      width = Math.max(getMinWidth(), Math.min(width, w - workspace));
    }
    setPrefWidth(width);
    setMaxWidth(width);
  }

  // ---------------------------------------------------------------- reports

  /** Asks where to write the lesson/run report, then writes it. */
  public void exportReport() {
    FileChooser fc = new FileChooser();
    fc.setTitle("Export the lesson/run report");
    fc.getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("HTML pages (*.html)", "*.html"),
            new FileChooser.ExtensionFilter("PDF documents (*.pdf)", "*.pdf"));
    fc.setInitialFileName(
        (runner.lesson() == null ? "replens" : "lesson-" + runner.lesson().id()) + "-report.html");
    File chosen = fc.showSaveDialog(window.stage());
    if (chosen == null) {
      return;
    }
    File f = chosen;
    boolean pdf = fc.getSelectedExtensionFilter() == fc.getExtensionFilters().get(1);
    if (pdf && !f.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".pdf")) {
      f = new File(f.getParentFile(), f.getName().replaceFirst("\\.html?$", "") + ".pdf");
    }
    try {
      exportReport(f.toPath());
    } catch (IOException | RuntimeException e) {
      Dialogs.error(window.stage(), "The report can't be written", f + ": " + Messages.of(e));
    }
  }

  /** Writes the report to {@code file} (atomically). Call on the JavaFX thread. */
  public void exportReport(Path file) throws IOException {
    ReportExport.write(window, runner, demoView, file);
  }

  // ---------------------------------------------------------------- accessors for tests

  public LessonRunner runner() {
    return runner;
  }

  /** Whether the panel is the wide one (for charts). */
  public BooleanProperty wideProperty() {
    return wide;
  }

  /** The demo view shown, or null. */
  DemoView demoView() {
    return demoView;
  }

  /** Whether the app chrome is locked by the running lesson. */
  public boolean chromeLocked() {
    return lock.locked();
  }
}
