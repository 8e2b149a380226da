package dev.replens.app;

import dev.replens.app.design.AddBranchCommand;
import dev.replens.app.design.AddOpCommand;
import dev.replens.app.design.DeleteBranchCommand;
import dev.replens.app.design.DeleteOpCommand;
import dev.replens.app.design.DesignSession;
import dev.replens.app.design.Layouts;
import dev.replens.app.design.MoveBranchCommand;
import dev.replens.app.design.MoveNodeCommand;
import dev.replens.app.design.MoveOpCommand;
import dev.replens.app.design.SetWeightsCommand;
import dev.replens.app.explorer.AnalysisService;
import dev.replens.app.explorer.FusionAnalysis;
import dev.replens.app.explorer.InspectorPane;
import dev.replens.app.explorer.KernelsPane;
import dev.replens.app.explorer.StepperModel;
import dev.replens.app.explorer.StepperPane;
import dev.replens.app.files.RecentFiles;
import dev.replens.app.files.RecoveryStore;
import dev.replens.app.lessons.LessonPanel;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.FusedExport;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.family.BlockImporter;
import dev.replens.engine.io.family.ImportedBlock;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Weights;
import dev.replens.engine.pipeline.Step;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.views.badge.ErrorBadge;
import dev.replens.views.export.PngExport;
import dev.replens.views.graph.BlockGraphView;
import dev.replens.views.graph.GraphEdit;
import dev.replens.views.graph.GraphElement;
import dev.replens.views.palette.OpPalette;
import dev.replens.views.palette.OpTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ObservableMap;
import javafx.css.PseudoClass;
import javafx.geometry.Orientation;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explorer window: palette, block graph, inspector and problems, the fusion stepper with its
 * kernel heatmaps, menus, toolbar and status bar. It wires the views to the {@link DesignSession}
 * (every edit an undoable command) and to the {@link AnalysisService} (all math off the FX thread).
 */
public final class MainWindow {

  private static final Logger LOG = LoggerFactory.getLogger(MainWindow.class);
  private static final String RANDOM = "seeded random";

  private final Stage stage;
  private final RecentFiles recent;
  private final RecoveryStore recovery;
  private final DesignSession session;
  private final AnalysisService analysis = new AnalysisService();
  private final StepperModel stepper = new StepperModel();
  private final BlockGraphView graph = new BlockGraphView();
  private final OpPalette palette = new OpPalette();
  private final InspectorPane inspector;
  private final ListView<Problem> problems = new ListView<>();
  private final StepperPane stepperPane;
  private final KernelsPane kernels;
  private final StatusBar status = new StatusBar();
  private final Label errorLabel = new Label();
  private final Label tapLabel = new Label();
  private final Label viewingBanner = new Label();
  private final Menu recentMenu = new Menu("Open _Recent");
  private final PauseTransition autosave = new PauseTransition(Duration.millis(800));
  private final TabPane workspaces = new TabPane();
  private final LessonPanel lessons;
  private final dev.replens.app.model.ModelWorkspace model;
  private boolean syncingGraph;

  /** Builds the window on {@code stage}, showing {@code initial}. */
  public MainWindow(
      Stage stage, DesignDocument initial, RecentFiles recent, RecoveryStore recovery) {
    this.stage = stage;
    this.recent = recent;
    this.recovery = recovery;
    // Opened with seeded random weights: a weights reference relative to some other file would
    // only be dropped, or misread, on the first save.
    this.session = new DesignSession(initial.withWeights(null));
    this.inspector = new InspectorPane(session);
    this.stepperPane = new StepperPane(stepper);
    this.kernels = new KernelsPane(stepper);
    this.model = new dev.replens.app.model.ModelWorkspace(modelHost());

    BorderPane root = new BorderPane();
    root.setTop(new VBox(menuBar(), toolBar()));
    Tab explorerTab = new Tab("Explorer", center());
    explorerTab.setId("explorerTab");
    workspaces.getTabs().add(explorerTab);
    workspaces.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    workspaces.setId("workspaces");
    workspaces.getStyleClass().add("workspaces");
    addWorkspaces();
    root.setCenter(workspaces);
    lessons = new LessonPanel(this);
    root.setRight(lessons);
    root.setBottom(statusBar());
    root.getStyleClass().add("main-window");

    Scene scene = new Scene(root, 1440, 900);
    scene.getStylesheets().add(MainWindow.class.getResource("app.css").toExternalForm());
    stage.setScene(scene);
    stage.titleProperty().bind(session.titleProperty());
    stage.setMinWidth(960);
    stage.setMinHeight(640);
    stage.setOnCloseRequest(
        e -> {
          if (!confirmDiscard()) {
            e.consume();
          } else {
            shutdown();
          }
        });

    session.documentProperty().addListener((o, a, b) -> designChanged());
    session.weightsProperty().addListener((o, a, b) -> designChanged());
    session.commands().revisionProperty().addListener((o, a, b) -> autosave.playFromStart());
    autosave.setOnFinished(e -> saveRecovery());
    analysis.resultProperty().addListener((o, a, b) -> analysed(b));
    analysis
        .failureProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) {
                status.setText("The analysis failed: " + b);
              }
            });
    stepper.stepProperty().addListener((o, a, b) -> showStep(b));
    // The status bar repeats the step badge, figure and verdict, so the two never disagree.
    ErrorBadge badge = stepperPane.badge();
    errorLabel
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    badge.getSummary().isEmpty()
                        ? ""
                        : "step "
                            + (stepper.indexProperty().get() + 1)
                            + " of "
                            + stepper.size()
                            + ": "
                            + badge.getSummary(),
                badge.summaryProperty(),
                stepper.indexProperty(),
                stepper.analysisProperty()));
    badge.valueProperty().addListener((o, a, b) -> showErrorState(badge));
    badge.boundProperty().addListener((o, a, b) -> showErrorState(badge));
    kernels
        .hoveredProperty()
        .addListener((o, a, b) -> tapLabel.setText(b == null ? "" : b.describe()));
    wireGraph();
    refreshRecent();
    designChanged();
  }

  // ---------------------------------------------------------------- layout

  /** The workspaces beside the explorer; each gets the session and works on the same design. */
  private void addWorkspaces() {
    // One line per workspace: workspaces.getTabs().add(new Tab(title, new XPane(session, ...)));
    Tab modelTab = new Tab("Model", model);
    modelTab.setId(dev.replens.app.model.ModelWorkspace.TAB_ID);
    workspaces.getTabs().add(modelTab);
    workspaces.getTabs().add(dev.replens.app.training.TrainingLabPane.tab(session));
    workspaces.getTabs().add(dev.replens.app.reparam.ReparamWorkspaces.repOptimizer());
    workspaces.getTabs().add(dev.replens.app.reparam.ReparamWorkspaces.dyRep());
  }

  /** Shows the workspace tab with this id ({@code explorerTab}, ...). */
  public void showWorkspace(String tabId) {
    workspaces.getTabs().stream()
        .filter(t -> tabId.equals(t.getId()))
        .findFirst()
        .ifPresent(t -> workspaces.getSelectionModel().select(t));
  }

  /** The workspace tabs. */
  public TabPane workspaces() {
    return workspaces;
  }

  private Node center() {
    TitledPane paletteBox = new TitledPane("Palette", palette);
    paletteBox.setCollapsible(false);
    paletteBox.setMaxHeight(Double.MAX_VALUE);
    paletteBox.getStyleClass().add("side-pane");
    palette.setOnAddBranchRequest(e -> addBranch(e.template(), session.spec().branches().size()));

    viewingBanner.getStyleClass().add("viewing-banner");
    viewingBanner.setMaxWidth(Double.MAX_VALUE);
    viewingBanner.setWrapText(true);
    viewingBanner.setMinHeight(Region.USE_PREF_SIZE);
    viewingBanner.setVisible(false);
    viewingBanner.setManaged(false);
    viewingBanner.setOnMouseClicked(e -> stepper.first());
    graph.setId("graph");
    VBox graphBox = new VBox(viewingBanner, graph);
    VBox.setVgrow(graph, Priority.ALWAYS);

    TitledPane inspectorBox = new TitledPane("Inspector", inspector);
    inspectorBox.setCollapsible(false);
    inspectorBox.setMaxHeight(Double.MAX_VALUE);
    problems.setId("problems");
    problems.setPlaceholder(new Label("No problems: the block fuses exactly."));
    problems.setCellFactory(v -> new ProblemCell());
    problems
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, p) -> {
              if (p != null) {
                select(p.branchId(), p.opId());
              }
            });
    TitledPane problemsBox = new TitledPane("Problems", problems);
    problemsBox.setCollapsible(false);
    problemsBox.setMaxHeight(Double.MAX_VALUE);
    SplitPane right = new SplitPane(inspectorBox, problemsBox);
    right.setMinWidth(250);
    paletteBox.setMinWidth(150);
    graphBox.setMinWidth(240);
    right.setId("explorerRightSplit");
    right.setOrientation(Orientation.VERTICAL);
    right.setDividerPositions(0.62);

    SplitPane top = new SplitPane(paletteBox, graphBox, right);
    top.setId("explorerTopSplit");
    top.setDividerPositions(0.15, 0.76);
    // All three share a change of width (a resized window, the lesson drawer opening), so that
    // the graph isn't the only one to give way; each keeps its minimum.

    stepperPane.setId("stepper");
    VBox details = stepperPane.details();
    details.setPrefWidth(340);
    details.setMinWidth(300);
    javafx.scene.control.ScrollPane detailsScroll = new javafx.scene.control.ScrollPane(details);
    detailsScroll.setFitToWidth(true);
    detailsScroll.getStyleClass().add("step-details-scroll");
    SplitPane work = new SplitPane(detailsScroll, kernels);
    work.setId("explorerFusionSplit");
    work.setDividerPositions(0.22);
    SplitPane.setResizableWithParent(detailsScroll, false);
    BorderPane bottom = new BorderPane();
    bottom.setTop(stepperPane);
    bottom.setCenter(work);
    bottom.getStyleClass().add("fusion-area");
    SplitPane all = new SplitPane(top, bottom);
    all.setId("explorerSplit");
    all.setOrientation(Orientation.VERTICAL);
    all.setDividerPositions(0.42);
    return all;
  }

  private Node statusBar() {
    status.setId("statusBar");
    ProgressIndicator busy = new ProgressIndicator();
    busy.setPrefSize(16, 16);
    busy.visibleProperty().bind(analysis.busyProperty());
    errorLabel.setId("statusError");
    tapLabel.setId("statusTap");
    status.getRightItems().addAll(tapLabel, new Label("   "), errorLabel, busy);
    return status;
  }

  private MenuBar menuBar() {
    Menu file = new Menu("_File");
    MenuItem newItem = item("_New", "Ctrl+N", this::newDesign);
    MenuItem open = item("_Open…", "Ctrl+O", this::open);
    Menu samples = new Menu("Open _Sample");
    for (SampleCatalog.Sample s : SampleCatalog.list()) {
      MenuItem m = new MenuItem(s.name());
      m.setId("sample-" + s.id());
      m.setOnAction(e -> openSample(s));
      samples.getItems().add(m);
    }
    MenuItem save = item("_Save", "Ctrl+S", this::save);
    MenuItem saveAs = item("Save _As…", "Ctrl+Shift+S", this::saveAs);
    MenuItem importW = item("_Import Weights…", "Ctrl+I", this::importWeights);
    MenuItem openCheckpoint =
        item(
            "Open _Checkpoint…",
            "Ctrl+Shift+O",
            () -> {
              showWorkspace(dev.replens.app.model.ModelWorkspace.TAB_ID);
              model.chooseAndOpen();
            });
    openCheckpoint.setId("openCheckpointItem");
    MenuItem openSampleNetwork =
        item(
            "Open Sample _Network",
            null,
            () -> {
              showWorkspace(dev.replens.app.model.ModelWorkspace.TAB_ID);
              model.openSample();
            });
    MenuItem exportFused = item("_Export Fused Weights…", "Ctrl+E", () -> exportFused(false));
    MenuItem exportDeploy =
        item("Export Fused Weights with RepVGG _Deploy Names…", null, () -> exportFused(true));
    MenuItem exportTorch =
        item(
            "Export as P_yTorch Module…",
            null,
            () -> dev.replens.app.handoff.TorchExportAction.run(stage, session, status::setText));
    Menu exportPng = new Menu("Export View as _PNG");
    exportPng
        .getItems()
        .addAll(
            item("Block Graph…", null, () -> exportPng(graph, "graph")),
            item("Kernels…", null, () -> exportPng(kernels, "kernels")),
            item("Stepper…", null, () -> exportPng(stepperPane, "stepper")));
    MenuItem quit =
        item(
            "_Quit",
            "Ctrl+Q",
            () -> {
              if (confirmDiscard()) {
                shutdown();
                stage.close();
              }
            });
    file.getItems()
        .addAll(
            newItem,
            open,
            samples,
            recentMenu,
            new SeparatorMenuItem(),
            openCheckpoint,
            openSampleNetwork,
            new SeparatorMenuItem(),
            save,
            saveAs,
            new SeparatorMenuItem(),
            importW,
            exportFused,
            exportDeploy,
            exportTorch,
            exportPng,
            item("Export Lesson/Run _Report…", "Ctrl+Shift+R", () -> lessons.exportReport()),
            new SeparatorMenuItem(),
            quit);

    Menu edit = new Menu("_Edit");
    MenuItem undo = item("_Undo", "Ctrl+Z", () -> session.commands().undo());
    undo.textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    session.commands().undoTextProperty().get().isEmpty()
                        ? "Undo"
                        : "Undo " + session.commands().undoTextProperty().get(),
                session.commands().undoTextProperty()));
    undo.disableProperty().bind(session.commands().canUndoProperty().not());
    MenuItem redo = item("_Redo", "Ctrl+Y", () -> session.commands().redo());
    redo.textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    session.commands().redoTextProperty().get().isEmpty()
                        ? "Redo"
                        : "Redo " + session.commands().redoTextProperty().get(),
                session.commands().redoTextProperty()));
    redo.disableProperty().bind(session.commands().canRedoProperty().not());
    MenuItem redo2 = item("Redo (alternative)", "Ctrl+Shift+Z", () -> session.commands().redo());
    redo2.setVisible(false);
    MenuItem delete = item("_Delete Selection", "Delete", this::deleteSelection);
    MenuItem addBranch =
        item(
            "Add _Branch (conv KxK → BN)",
            "Ctrl+B",
            () ->
                addBranch(
                    dev.replens.views.palette.OpTemplates.builtIn().get(0),
                    session.spec().branches().size()));
    edit.getItems().addAll(undo, redo, redo2, new SeparatorMenuItem(), delete, addBranch);

    Menu view = new Menu("_View");
    view.getItems()
        .addAll(
            item("Zoom _In", "Ctrl+Equals", graph::zoomIn),
            item("Zoom _Out", "Ctrl+Minus", graph::zoomOut),
            item("_Fit to View", "Ctrl+0", graph::fitToView));

    Menu fusion = new Menu("F_usion");
    fusion
        .getItems()
        .addAll(
            item("_Next Step", "Alt+Right", stepper::next),
            item("_Previous Step", "Alt+Left", stepper::previous),
            item("Next _Stage", "Ctrl+Right", stepper::nextStage),
            item("Previous S_tage", "Ctrl+Left", stepper::previousStage),
            new SeparatorMenuItem(),
            item("_Training Form (edit)", "Ctrl+Home", stepper::first),
            item("_Fused", "Ctrl+End", stepper::last));

    Menu help = new Menu("_Help");
    help.getItems()
        .addAll(
            item("_Lessons…", "Ctrl+L", () -> lessons.showChooser()),
            item("_Keyboard Shortcuts", "F1", this::showShortcuts),
            item("_About RepLens", null, this::about));
    MenuBar bar = new MenuBar(file, edit, view, fusion, help);
    bar.setId("menuBar");
    return bar;
  }

  private ToolBar toolBar() {
    Button newB = tool("New", "New design (Ctrl+N)", this::newDesign);
    Button openB = tool("Open", "Open a design (Ctrl+O)", this::open);
    Button saveB = tool("Save", "Save (Ctrl+S)", this::save);
    Button undoB = tool("↶ Undo", "Undo (Ctrl+Z)", () -> session.commands().undo());
    undoB.disableProperty().bind(session.commands().canUndoProperty().not());
    Button redoB = tool("↷ Redo", "Redo (Ctrl+Y)", () -> session.commands().redo());
    redoB.disableProperty().bind(session.commands().canRedoProperty().not());
    Button importB =
        tool("Import Weights", "Import a PyTorch state dict (.npz) (Ctrl+I)", this::importWeights);
    Button exportB =
        tool(
            "Export Fused",
            "Export the fused conv's weight and bias (.npz) (Ctrl+E)",
            () -> exportFused(false));
    Button fit = tool("Fit", "Fit the graph to the view (Ctrl+0)", graph::fitToView);
    Button first =
        tool("|◀ Training form", "Back to the editable training form (Ctrl+Home)", stepper::first);
    Button fused = tool("Fused ▶|", "Jump to the fused conv (Ctrl+End)", stepper::last);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    ToolBar t =
        new ToolBar(
            newB,
            openB,
            saveB,
            new javafx.scene.control.Separator(),
            undoB,
            redoB,
            new javafx.scene.control.Separator(),
            importB,
            exportB,
            new javafx.scene.control.Separator(),
            fit,
            spacer,
            first,
            fused);
    t.setId("toolBar");
    return t;
  }

  private static MenuItem item(String text, String accelerator, Runnable action) {
    MenuItem m = new MenuItem(text);
    if (accelerator != null) {
      m.setAccelerator(KeyCombination.keyCombination(accelerator));
    }
    m.setOnAction(e -> action.run());
    return m;
  }

  private static Button tool(String text, String tip, Runnable action) {
    Button b = new Button(text);
    b.setTooltip(new Tooltip(tip));
    b.setOnAction(e -> action.run());
    b.setFocusTraversable(false);
    return b;
  }

  // ---------------------------------------------------------------- graph wiring

  private void wireGraph() {
    graph.setTemplateResolver(dev.replens.views.palette.OpTemplates::find);
    graph.setOnEditRequest(e -> onEdit(e.edit()));
    graph.setOnOpenRequest(e -> selectElement(e.element()));
    graph
        .selectionProperty()
        .addListener(
            (o, a, b) -> {
              if (!syncingGraph) {
                selectElement(b);
              }
            });
    graph.addEventFilter(
        javafx.scene.input.KeyEvent.KEY_PRESSED,
        e -> {
          if (new KeyCodeCombination(KeyCode.F).match(e)) {
            graph.fitToView();
            e.consume();
          }
        });
  }

  private void selectElement(GraphElement el) {
    if (el == null || el.branchId() == null) {
      inspector.select(null, null);
    } else {
      inspector.select(el.branchId(), el.opId());
    }
  }

  private void select(String branchId, String opId) {
    syncingGraph = true;
    try {
      GraphElement el =
          branchId == null
              ? GraphElement.BLOCK
              : BlockSpec.POST.equals(branchId)
                  ? GraphElement.postOp(opId)
                  : opId == null ? GraphElement.branch(branchId) : GraphElement.op(branchId, opId);
      graph.setSelection(el);
    } finally {
      syncingGraph = false;
    }
    inspector.select(branchId, opId);
  }

  private boolean editingBlocked() {
    if (stepper.indexProperty().get() == 0) {
      return false;
    }
    status.setText(
        "The canvas shows a fusion step. Go back to the training form (Ctrl+Home) to edit.");
    return true;
  }

  private void onEdit(GraphEdit edit) {
    if (editingBlocked()) {
      return;
    }
    try {
      BlockSpec spec = session.spec();
      if (edit instanceof GraphEdit.AddOp a) {
        Branch b = spec.branch(a.branchId()).orElseThrow();
        int[] ch = b.channelsThrough(spec.inChannels());
        int at = Math.max(0, Math.min(a.index(), b.ops().size()));
        int inCh = ch[at];
        int outCh = at < b.ops().size() ? ch[at] : spec.outChannels();
        Set<String> ids = b.ops().stream().map(Op::id).collect(Collectors.toSet());
        List<Op> ops = a.template().create(spec, inCh, outCh, ids);
        for (int i = ops.size() - 1; i >= 0; i--) {
          session.execute(new AddOpCommand(session, a.branchId(), at, ops.get(i)));
        }
        select(a.branchId(), ops.get(0).id());
      } else if (edit instanceof GraphEdit.AddBranch a) {
        addBranch(a.template(), a.index());
      } else if (edit instanceof GraphEdit.DeleteElement d) {
        delete(d.element());
      } else if (edit instanceof GraphEdit.MoveOp m) {
        session.execute(
            new MoveOpCommand(session, m.fromBranch(), m.fromIndex(), m.toBranch(), m.toIndex()));
      } else if (edit instanceof GraphEdit.MoveBranch m) {
        session.execute(new MoveBranchCommand(session, m.from(), m.to()));
      } else if (edit instanceof GraphEdit.MoveNode m) {
        GraphElement n = m.node();
        session.execute(new MoveNodeCommand(session, layoutKey(n), m.to().getX(), m.to().getY()));
      }
    } catch (RuntimeException e) {
      LOG.warn("edit {} failed", edit, e);
      Dialogs.error(stage, "That edit can't be made", Messages.of(e));
    }
  }

  private void addBranch(OpTemplate template, int index) {
    if (editingBlocked()) {
      return;
    }
    Branch b = template.createBranch(session.spec());
    session.execute(new AddBranchCommand(session, index, b));
    select(b.id(), null);
  }

  private void deleteSelection() {
    if (graph.getSelection() != null && !editingBlocked()) {
      delete(graph.getSelection());
    }
  }

  private void delete(GraphElement el) {
    if (el == null || el.branchId() == null) {
      return;
    }
    if (el.opId() == null) {
      session.execute(new DeleteBranchCommand(session, el.branchId()));
    } else {
      session.execute(new DeleteOpCommand(session, el.branchId(), el.opId()));
    }
    select(null, null);
  }

  private static String layoutKey(GraphElement n) {
    if (n.branchId() == null) {
      return n.opId() == null ? "block" : n.opId();
    }
    return Layouts.key(n.branchId(), n.opId());
  }

  private static GraphElement elementOf(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return switch (key) {
        case "input" -> GraphElement.INPUT;
        case "sum" -> GraphElement.SUM;
        case "activation" -> GraphElement.ACTIVATION;
        case "output" -> GraphElement.OUTPUT;
        default -> GraphElement.branch(key);
      };
    }
    String b = key.substring(0, slash);
    String op = key.substring(slash + 1);
    return BlockSpec.POST.equals(b) ? GraphElement.postOp(op) : GraphElement.op(b, op);
  }

  // ---------------------------------------------------------------- design → views

  private void designChanged() {
    analysis.request(session.spec(), session.weights());
    if (stepper.indexProperty().get() == 0) {
      showDesignOnGraph();
    }
  }

  private void showDesignOnGraph() {
    syncingGraph = true;
    try {
      graph.setSpec(session.spec());
      ObservableMap<GraphElement, Point2D> offsets = FXCollections.observableHashMap();
      session
          .document()
          .layout()
          .forEach((k, v) -> offsets.put(elementOf(k), new Point2D(v.dx(), v.dy())));
      graph.setNodeOffsets(offsets);
      graph.getHighlight().clear();
    } finally {
      syncingGraph = false;
    }
  }

  private void analysed(FusionAnalysis a) {
    if (a == null) {
      return;
    }
    stepper.analysisProperty().set(a);
    List<Problem> ps = a.problems();
    problems.getItems().setAll(ps);
    graph.getProblems().setAll(ps);
    inspector.setProblems(ps);
    long errors = ps.stream().filter(Problem::isError).count();
    long warnings = ps.size() - errors;
    String validity =
        errors > 0
            ? "✖ "
                + errors
                + (errors == 1 ? " error" : " errors")
                + ": "
                + ps.stream().filter(Problem::isError).findFirst().orElseThrow().location()
            : warnings > 0
                ? "⚠ " + warnings + (warnings == 1 ? " warning" : " warnings") + "; the block fuses"
                : "✔ valid: "
                    + session.spec().branches().size()
                    + " branches fuse into one "
                    + session.spec().kernel()
                    + "x"
                    + session.spec().kernel()
                    + " conv";
    status.setText(validity + "   ·   weights: " + session.weightsSourceProperty().get());
  }

  private void showStep(Step s) {
    boolean viewing = s != null && stepper.indexProperty().get() > 0;
    viewingBanner.setVisible(viewing);
    viewingBanner.setManaged(viewing);
    if (!viewing) {
      showDesignOnGraph();
      return;
    }
    viewingBanner.setText(
        "Viewing step "
            + (stepper.indexProperty().get() + 1)
            + " of "
            + stepper.size()
            + " ("
            + s.stage().title()
            + "). Click here or press Ctrl+Home to edit the design.");
    syncingGraph = true;
    try {
      graph.setSpec(s.state().spec());
      graph.setNodeOffsets(FXCollections.observableHashMap());
      graph.getHighlight().clear();
      if (s.branchId() != null) {
        graph
            .getHighlight()
            .add(
                s.opId() == null
                    ? GraphElement.branch(s.branchId())
                    : GraphElement.op(s.branchId(), s.opId()));
      }
      graph.getProblems().clear();
    } finally {
      syncingGraph = false;
    }
  }

  private void showErrorState(ErrorBadge badge) {
    errorLabel.pseudoClassStateChanged(PseudoClass.getPseudoClass("ok"), badge.isOk());
    errorLabel.pseudoClassStateChanged(PseudoClass.getPseudoClass("diverged"), badge.isDiverged());
  }

  // ---------------------------------------------------------------- files

  private boolean confirmDiscard() {
    if (!session.commands().isModified()) {
      return true;
    }
    String name = session.file() != null ? session.file().getFileName().toString() : displayName();
    return switch (Dialogs.askSave(stage, name)) {
      case SAVE -> save();
      case DISCARD -> true;
      case CANCEL -> false;
    };
  }

  private String displayName() {
    return session.document().name().isEmpty() ? "Untitled" : session.document().name();
  }

  private void newDesign() {
    if (!confirmDiscard()) {
      return;
    }
    BlockSpec spec =
        new BlockSpec(
            8,
            8,
            3,
            1,
            1,
            1,
            List.of(Branch.of("conv_bn", Conv.square("conv", 8, 3, 1), BatchNorm.of("bn"))),
            List.of(),
            Activation.RELU);
    session.open(
        new DesignDocument("Untitled", "", spec, Map.of(), null), null, null, RANDOM + " (seed 1)");
    stepper.first();
  }

  private void open() {
    if (!confirmDiscard()) {
      return;
    }
    FileChooser fc = chooser("Open a design", "RepLens designs", "*.json");
    Path f = toPath(fc.showOpenDialog(stage));
    if (f != null) {
      openFile(f);
    }
  }

  /** Opens a design file; problems are shown in a dialog and the current design stays. */
  public void openFile(Path f) {
    try {
      DesignDocument doc = DesignIO.read(f);
      Weights w = null;
      String source = RANDOM + " (seed 1)";
      if (doc.weights() != null) {
        Path wf = f.toAbsolutePath().getParent().resolve(doc.weights());
        try {
          w = DesignWeights.read(wf, doc.block());
          source = wf.getFileName().toString();
        } catch (WeightFileException e) {
          Dialogs.error(
              stage,
              "The design's weights can't be used",
              Messages.of(e) + "\n\nThe design opens with seeded random weights instead.");
        }
      }
      session.open(doc, w, f, source);
      stepper.first();
      recent.add(f);
      refreshRecent();
      Platform.runLater(graph::fitToView);
    } catch (DesignFormatException e) {
      Dialogs.error(stage, "This design file can't be opened", e.getMessage());
    } catch (IOException e) {
      Dialogs.error(stage, "This design file can't be read", f + ": " + Messages.of(e));
    }
  }

  /** Opens a bundled sample with the weights it ships with (else seeded random weights). */
  public void openSample(SampleCatalog.Sample s) {
    if (!confirmDiscard()) {
      return;
    }
    try {
      DesignDocument doc = SampleCatalog.load(s);
      Optional<Weights> w = SampleCatalog.loadWeights(s, doc);
      String source =
          w.isPresent()
              ? Path.of(doc.weights()).getFileName() + " (trained on the shapes data set)"
              : RANDOM + " (seed 1)";
      // The weights are now in memory; the sample's reference to its bundled file means nothing
      // next to a file the user saves.
      session.open(doc.withWeights(null), w.orElse(null), null, source);
      stepper.first();
      Platform.runLater(graph::fitToView);
    } catch (IOException | DesignFormatException | WeightFileException e) {
      Dialogs.error(stage, "The sample can't be opened", Messages.of(e));
    }
  }

  private boolean save() {
    return session.file() == null ? saveAs() : saveTo(session.file());
  }

  private boolean saveAs() {
    FileChooser fc = chooser("Save the design", "RepLens designs", "*.json");
    fc.setInitialFileName((displayName().replaceAll("[^A-Za-z0-9._-]+", "-")) + ".json");
    Path f = toPath(fc.showSaveDialog(stage));
    if (f == null) {
      return false;
    }
    if (!f.getFileName().toString().endsWith(".json")) {
      f = f.resolveSibling(f.getFileName() + ".json");
    }
    return saveTo(f);
  }

  private boolean saveTo(Path f) {
    try {
      DesignDocument doc = session.document();
      if (!session.weightsSourceProperty().get().startsWith(RANDOM)) {
        String name = f.getFileName().toString().replaceFirst("\\.json$", "") + ".weights.npz";
        DesignWeights.write(f.resolveSibling(name), session.weights());
        doc = doc.withWeights(name);
      } else if (doc.weights() != null) {
        doc = doc.withWeights(null);
      }
      DesignIO.write(doc, f);
      session.markSaved(f);
      recent.add(f);
      refreshRecent();
      status.setText("Saved " + f);
      return true;
    } catch (IOException | WeightFileException e) {
      Dialogs.error(
          stage,
          "The design can't be saved",
          f
              + ": "
              + Messages.of(e)
              + "\n\nNothing was lost: the design is still open and a recovery copy is kept.");
      return false;
    }
  }

  private void importWeights() {
    if (editingBlocked()) {
      return;
    }
    FileChooser fc = chooser("Import weights", "NumPy archives", "*.npz");
    Path f = toPath(fc.showOpenDialog(stage));
    if (f == null) {
      return;
    }
    var choice = new ImportWeightsDialog(stage, f, session.spec()).showAndWait();
    if (choice.isEmpty()) {
      return;
    }
    var c = choice.get();
    if (c.error() != null) {
      Dialogs.error(stage, "Those settings can't describe a block", c.error());
      return;
    }
    try {
      if (c.family().isEmpty()) {
        Weights w = DesignWeights.read(f, session.spec());
        session.execute(new SetWeightsCommand(session, null, w, f.getFileName().toString()));
      } else {
        ImportedBlock b = BlockImporter.load(c.family().get(), f, c.geometry(), c.bnEps());
        DesignDocument doc =
            new DesignDocument(
                c.family().get().moduleName() + " (" + f.getFileName() + ")",
                String.join(" ", b.notes()),
                b.spec(),
                Map.of(),
                null);
        session.execute(
            new SetWeightsCommand(
                session,
                doc,
                b.weights(),
                f.getFileName()
                    + " ("
                    + c.family().get().cliName()
                    + ", "
                    + (b.weights().dtype() == DataType.DOUBLE ? "float64" : "float32")
                    + ")"));
        Platform.runLater(graph::fitToView);
      }
      stepper.first();
    } catch (WeightFileException e) {
      Dialogs.error(stage, "These weights can't be imported", Messages.of(e));
    } catch (IllegalArgumentException e) {
      Dialogs.error(stage, "These weights can't be imported", Messages.of(e));
    }
  }

  private void exportFused(boolean deployNames) {
    FusionAnalysis a = analysis.resultProperty().get();
    if (a == null || !a.pipeline().complete()) {
      Dialogs.error(
          stage,
          "The block can't be fused yet",
          a == null ? "The analysis is still running." : a.pipeline().blockedBy());
      return;
    }
    FileChooser fc = chooser("Export the fused conv", "NumPy archives", "*.npz");
    fc.setInitialFileName("fused.npz");
    Path f = toPath(fc.showSaveDialog(stage));
    if (f == null) {
      return;
    }
    try {
      FusedExport.write(
          f,
          a.pipeline().fusedKernel(),
          deployNames ? FusedExport.Naming.REPVGG_DEPLOY : FusedExport.Naming.PLAIN);
      status.setText("Exported the fused conv to " + f);
    } catch (WeightFileException e) {
      Dialogs.error(stage, "The fused weights can't be written", Messages.of(e));
    }
  }

  private void exportPng(Node node, String name) {
    FileChooser fc = chooser("Export as PNG", "PNG images", "*.png");
    fc.setInitialFileName(name + ".png");
    Path f = toPath(fc.showSaveDialog(stage));
    if (f == null) {
      return;
    }
    try {
      PngExport.save(node, f);
      status.setText("Saved " + f);
    } catch (IOException e) {
      Dialogs.error(stage, "The image can't be written", Messages.of(e));
    }
  }

  private static FileChooser chooser(String title, String kind, String pattern) {
    FileChooser fc = new FileChooser();
    fc.setTitle(title);
    fc.getExtensionFilters()
        .add(new FileChooser.ExtensionFilter(kind + " (" + pattern + ")", pattern));
    return fc;
  }

  private static Path toPath(java.io.File f) {
    return f == null ? null : f.toPath();
  }

  private void refreshRecent() {
    recentMenu.getItems().clear();
    for (Path p : recent.list()) {
      MenuItem m = new MenuItem(p.getFileName() + "  —  " + p.getParent());
      m.setMnemonicParsing(false);
      m.setOnAction(
          e -> {
            if (dev.replens.app.model.ModelWorkspace.isCheckpointName(p)) {
              openCheckpoint(p);
            } else if (confirmDiscard()) {
              openFile(p);
            }
          });
      recentMenu.getItems().add(m);
    }
    recentMenu.setDisable(recentMenu.getItems().isEmpty());
  }

  // ---------------------------------------------------------------- recovery and shutdown

  private void saveRecovery() {
    if (!session.commands().isModified()) {
      return;
    }
    try {
      recovery.save(session.document(), session.file());
    } catch (IOException e) {
      LOG.warn("the recovery copy can't be written: {}", e.getMessage());
    }
  }

  /** Writes the recovery copy now, e.g. when an unexpected error occurred. */
  public void saveRecoveryNow() {
    saveRecovery();
  }

  /** Marks the current design as restored from a recovery copy: unsaved. */
  public void markRestored(Path originalFile) {
    session.markUnsaved();
  }

  private void shutdown() {
    autosave.stop();
    analysis.close();
    try {
      recovery.clear();
    } catch (IOException e) {
      LOG.warn("the recovery copy can't be removed: {}", e.getMessage());
    }
  }

  private void showShortcuts() {
    Dialogs.info(
        stage,
        "Keyboard shortcuts",
        String.join(
            "\n",
            "Ctrl+N  new design          Ctrl+O  open          Ctrl+S  save",
            "Ctrl+Shift+O  open a checkpoint in the Model workspace",
            "Model: double-click or Enter opens a block in the Explorer",
            "Ctrl+Z  undo                Ctrl+Y / Ctrl+Shift+Z  redo",
            "Delete  delete selection    Ctrl+B  add branch",
            "Ctrl+I  import weights      Ctrl+E  export fused weights",
            "Alt+→ / Alt+←  next / previous fusion step",
            "Ctrl+→ / Ctrl+←  next / previous stage",
            "Ctrl+Home  training form (edit)    Ctrl+End  fused conv",
            "Ctrl+= / Ctrl+-  zoom    Ctrl+0 or F  fit to view",
            "Ctrl+L  lessons    PageDown / PageUp  next / previous lesson step",
            "Ctrl+Shift+R  export the lesson/run report",
            "Training lab: F5 start/resume  F6 pause  F10 step  Shift+F5 stop  Ctrl+R reset"));
  }

  private void about() {
    Dialogs.info(
        stage,
        "RepLens 0.1.0",
        "A desktop explorer for structural re-parameterization: compose a block, "
            + "step through linearization, squeezing and fusion, and see every kernel.");
  }

  // ---------------------------------------------------------------- model workspace

  private dev.replens.app.model.ModelWorkspace.Host modelHost() {
    return new dev.replens.app.model.ModelWorkspace.Host() {
      @Override
      public void openInExplorer(
          dev.replens.engine.network.BlockReport block, dev.replens.app.model.LoadedModel m) {
        openImportedBlock(block, m);
      }

      @Override
      public void opened(Path file) {
        recent.add(file);
        refreshRecent();
      }

      @Override
      public javafx.stage.Window window() {
        return stage;
      }

      @Override
      public Optional<Path> lastCheckpoint() {
        return recent.list().stream()
            .filter(dev.replens.app.model.ModelWorkspace::isCheckpointName)
            .findFirst();
      }
    };
  }

  /** Shows the Model workspace and reads the checkpoint there. */
  public void openCheckpoint(Path file) {
    showWorkspace(dev.replens.app.model.ModelWorkspace.TAB_ID);
    model.open(file);
  }

  /**
   * Opens one block of a network in the Explorer with its real weights, as Import Weights does: one
   * undoable replacement of the design.
   */
  private void openImportedBlock(
      dev.replens.engine.network.BlockReport block, dev.replens.app.model.LoadedModel m) {
    ImportedBlock b = block.block().orElseThrow();
    String where = block.prefix().isEmpty() ? m.displayName() : block.prefix();
    DesignDocument doc =
        new DesignDocument(
            where + " (" + m.displayName() + ")",
            (block.family().moduleName()
                    + " "
                    + where
                    + " from "
                    + m.displayName()
                    + ". "
                    + String.join(" ", b.notes()))
                .trim(),
            b.spec(),
            Map.of(),
            null);
    session.execute(
        new SetWeightsCommand(
            session,
            doc,
            b.weights(),
            m.displayName()
                + " · "
                + where
                + " ("
                + block.family().cliName()
                + ", "
                + (b.weights().dtype() == DataType.DOUBLE ? "float64" : "float32")
                + ")"));
    stepper.first();
    showWorkspace("explorerTab");
    Platform.runLater(graph::fitToView);
    status.setText(
        "Opened " + where + " of " + m.displayName() + " in the Explorer (Ctrl+Z undoes)");
  }

  /** The Model workspace. */
  public dev.replens.app.model.ModelWorkspace model() {
    return model;
  }

  // ---------------------------------------------------------------- accessors for tests

  public DesignSession session() {
    return session;
  }

  public StepperModel stepper() {
    return stepper;
  }

  public AnalysisService analysis() {
    return analysis;
  }

  public BlockGraphView graph() {
    return graph;
  }

  public KernelsPane kernels() {
    return kernels;
  }

  public Stage stage() {
    return stage;
  }

  /** The lesson drawer. */
  public LessonPanel lessons() {
    return lessons;
  }

  /** Saves to a file without a dialog (tests and scripted use). */
  public boolean saveAs(Path f) {
    return saveTo(f);
  }

  /** A problem in the list, drawn with its severity and location. */
  private static final class ProblemCell extends ListCell<Problem> {
    @Override
    protected void updateItem(Problem p, boolean empty) {
      super.updateItem(p, empty);
      getStyleClass().removeAll("problem-error", "problem-warning");
      if (empty || p == null) {
        setText(null);
        setTooltip(null);
        return;
      }
      setText((p.isError() ? "✖ " : "⚠ ") + p.location() + ": " + p.message());
      setWrapText(true);
      setPrefWidth(0);
      getStyleClass().add(p.isError() ? "problem-error" : "problem-warning");
      setTooltip(new Tooltip(p.message()));
    }
  }
}
