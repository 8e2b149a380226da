package dev.replens.app.model;

import dev.replens.app.Dialogs;
import dev.replens.app.Messages;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.network.BlockReport;
import dev.replens.engine.network.Finding;
import dev.replens.engine.network.Int8Report;
import dev.replens.engine.network.NetworkConverter;
import dev.replens.engine.network.NetworkInspector;
import dev.replens.engine.network.NetworkReport;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.views.NumberText;
import dev.replens.views.network.BlockStatus;
import dev.replens.views.network.ChannelRangeMap;
import dev.replens.views.network.ChannelRanges;
import dev.replens.views.network.Int8Bars;
import dev.replens.views.network.Int8Row;
import dev.replens.views.network.NetworkStrip;
import dev.replens.views.network.StripBlock;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.concurrent.Task;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Dragboard;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Model workspace: open (or drop) a whole network's checkpoint; it is read and inspected on a
 * thread of its own with a progress bar and a Cancel button. The blocks are a sortable table with a
 * filter for problems, a strip in network order, the findings in words, and the INT8 view
 * (per-layer error bars, and the selected block's per-channel range). Double-clicking a block opens
 * it in the Explorer with its real weights; Convert &amp; Save writes the deploy state dict, also
 * off the FX thread.
 *
 * <p>Order of calls: the window creates it with its {@link Host}; then {@link #open}, {@link
 * #openSample}, {@link #convertTo} and {@link #exportReport} as the user asks, one task at a time.
 */
public final class ModelWorkspace extends BorderPane {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWorkspace.class);

  /** The id of the workspace's tab. */
  public static final String TAB_ID = "modelTab";

  /** The bundled sample network. */
  public static final String SAMPLE_RESOURCE = SampleCatalog.ROOT + "models/tiny-repvgg.pth";

  /** The file name endings the workspace opens. */
  public static final List<String> EXTENSIONS =
      List.of(".pth", ".pt", ".bin", ".safetensors", ".npz");

  /** What the workspace needs from the window around it. */
  public interface Host {
    /** Opens a block in the Explorer with its real weights. */
    void openInExplorer(BlockReport block, LoadedModel model);

    /** A checkpoint was opened from a file of the user's (not the sample). */
    void opened(Path file);

    /** The window, as owner of dialogs. */
    Window window();

    /** The checkpoint opened last, if it still exists. */
    Optional<Path> lastCheckpoint();
  }

  /** The width of the INT8 side at first. */
  private static final double SIDE_WIDTH = 400;

  private final Host host;
  private final ReadOnlyObjectWrapper<LoadedModel> model =
      new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final ObservableList<BlockReport> blocks = FXCollections.observableArrayList();
  private final FilteredList<BlockReport> filtered = new FilteredList<>(blocks, b -> true);
  private final TableView<BlockReport> table = new TableView<>();
  private final CheckBox problemsOnly = new CheckBox("Show problems only");
  private final NetworkStrip strip = new NetworkStrip();
  private final ListView<Finding> findings = new ListView<>();
  private final Int8Bars int8 = new Int8Bars();
  private final ChannelRangeMap ranges = new ChannelRangeMap();
  private final ProgressBar progressBar = new ProgressBar();
  private final Label progressText = new Label();
  private final Label summary = new Label();
  private final Label statusLine = new Label();
  private final Button convertButton = new Button("Convert & Save…");
  private final Button reportButton = new Button("Export Report…");
  private final VBox emptyState;
  private final Button reopen = new Button();
  private Task<?> current;
  private boolean syncing;

  public ModelWorkspace(Host host) {
    this.host = host;
    getStyleClass().add("model-workspace");
    setId("modelWorkspace");
    setTop(new VBox(toolBar(), progressRow()));
    emptyState = emptyState();
    StackPane center = new StackPane(content(), emptyState);
    setCenter(center);
    statusLine.setId("modelStatus");
    statusLine.getStyleClass().add("model-status");
    statusLine.textProperty().bind(message);
    statusLine.setMaxWidth(Double.MAX_VALUE);
    setBottom(statusLine);
    model.addListener((o, a, b) -> show(b));
    installDragAndDrop();
    show(null);
  }

  // ---------------------------------------------------------------- layout

  private ToolBar toolBar() {
    Button open = new Button("Open Checkpoint…");
    open.setId("openCheckpoint");
    open.setTooltip(
        new Tooltip(
            "Open a PyTorch checkpoint (.pth, .pt, .bin), .safetensors or .npz (Ctrl+Shift+O)"));
    open.setOnAction(e -> chooseAndOpen());
    Button sample = new Button("Open Sample Network");
    sample.setId("openSampleNetwork");
    sample.setTooltip(new Tooltip("A small RepVGG-style network with one block that needs a look"));
    sample.setOnAction(e -> openSample());
    convertButton.setId("convertAndSave");
    convertButton.setTooltip(
        new Tooltip(
            "Write every block in deploy form; other keys pass through (.pth, .safetensors, .npz)"));
    convertButton.setOnAction(e -> chooseAndConvert());
    reportButton.setId("exportModelReport");
    reportButton.setTooltip(new Tooltip("The table, findings and INT8 ranking as HTML or PDF"));
    reportButton.setOnAction(e -> chooseAndExportReport());
    problemsOnly.setId("problemsOnly");
    problemsOnly.setTooltip(new Tooltip("Show only the blocks with a warning or an error"));
    problemsOnly
        .selectedProperty()
        .addListener(
            (o, a, b) ->
                filtered.setPredicate(b ? r -> BlockStatuses.of(r).isProblem() : r -> true));
    for (Node n : List.of(convertButton, reportButton, problemsOnly)) {
      n.disableProperty().bind(model.isNull().or(busy));
    }
    open.disableProperty().bind(busy);
    sample.disableProperty().bind(busy);
    summary.setId("modelSummary");
    summary.getStyleClass().add("model-summary");
    summary.setMinWidth(Region.USE_PREF_SIZE);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    ToolBar t =
        new ToolBar(
            open,
            sample,
            new javafx.scene.control.Separator(),
            convertButton,
            reportButton,
            new javafx.scene.control.Separator(),
            problemsOnly,
            spacer,
            summary);
    t.setId("modelToolBar");
    return t;
  }

  private Node progressRow() {
    progressBar.setId("modelProgress");
    progressBar.setPrefWidth(280);
    progressText.setId("modelProgressText");
    progressText.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(progressText, Priority.ALWAYS);
    Button cancel = new Button("Cancel");
    cancel.setId("modelCancel");
    cancel.setOnAction(e -> cancel());
    HBox row = new HBox(8, progressBar, progressText, cancel);
    row.setAlignment(Pos.CENTER_LEFT);
    row.getStyleClass().add("model-progress");
    row.visibleProperty().bind(busy);
    row.managedProperty().bind(busy);
    return row;
  }

  private VBox emptyState() {
    Label title = new Label("Open a trained network");
    title.getStyleClass().add("empty-title");
    Label text =
        new Label(
            "Open a PyTorch checkpoint (.pth, .pt, .bin), a .safetensors or an .npz file, or drop"
                + " one here. RepLens finds every re-parameterizable block (RepVGG, DBB, ACNet,"
                + " OREPA, DyRep), checks that its fused form agrees within round-off, ranks the"
                + " layers by INT8 sensitivity, and converts the network to deploy form.");
    text.setWrapText(true);
    text.setMaxWidth(560);
    text.getStyleClass().add("empty-text");
    Button open = new Button("Open Checkpoint…  (Ctrl+Shift+O)");
    open.setDefaultButton(true);
    open.setOnAction(e -> chooseAndOpen());
    Button sample = new Button("Open the Sample Network");
    sample.setId("emptyOpenSample");
    sample.setOnAction(e -> openSample());
    open.disableProperty().bind(busy);
    sample.disableProperty().bind(busy);
    reopen.setId("emptyReopen");
    reopen.managedProperty().bind(reopen.visibleProperty());
    reopen.disableProperty().bind(busy);
    reopen.setOnAction(
        e -> {
          Path p = (Path) reopen.getUserData();
          if (p != null) {
            open(p);
          }
        });
    HBox buttons = new HBox(10, open, sample, reopen);
    buttons.setAlignment(Pos.CENTER);
    VBox box = new VBox(14, title, text, buttons);
    box.setAlignment(Pos.CENTER);
    box.setId("modelEmptyState");
    box.getStyleClass().add("empty-state");
    return box;
  }

  private Node content() {
    buildTable();
    strip.setId("networkStrip");
    strip.selectedIndexProperty().addListener((o, a, b) -> stripSelected(b.intValue()));
    TitledPane stripBox = new TitledPane("Network, in order", strip);
    stripBox.setCollapsible(false);
    stripBox.getStyleClass().add("side-pane");

    findings.setId("modelFindings");
    findings.setPlaceholder(new Label("Nothing to report."));
    findings.setCellFactory(v -> new FindingCell());
    findings
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, f) -> {
              if (f != null && !f.prefix().isEmpty()) {
                selectPrefix(f.prefix());
              }
            });
    TitledPane findingsBox = new TitledPane("Findings", findings);
    findingsBox.setCollapsible(false);
    findingsBox.setMaxHeight(Double.MAX_VALUE);

    int8.setId("int8Bars");
    int8.selectedPrefixProperty()
        .addListener(
            (o, a, p) -> {
              if (p != null && !syncing) {
                selectPrefix(p);
              }
            });
    ranges.setId("channelRanges");
    ranges.setPlaceholder("Select a block to see its fused kernel's per-channel range.");
    ranges.setMinHeight(Region.USE_PREF_SIZE);
    VBox int8Box = new VBox(6, int8, ranges);
    VBox.setVgrow(int8, Priority.ALWAYS);
    TitledPane int8Pane = new TitledPane("INT8 sensitivity", int8Box);
    int8Pane.setCollapsible(false);
    int8Pane.setMaxHeight(Double.MAX_VALUE);

    SplitPane left = new SplitPane(table, findingsBox);
    left.setOrientation(Orientation.VERTICAL);
    left.setDividerPositions(0.6);
    left.setId("modelLeftSplit");
    int8Pane.setMinWidth(340);
    Node right = int8Pane;
    SplitPane main = new SplitPane(left, right);
    // The INT8 side keeps its width as the window resizes; the table takes the rest.
    SplitPane.setResizableWithParent(right, false);
    main.widthProperty()
        .addListener(
            new javafx.beans.value.ChangeListener<Number>() {
              @Override
              public void changed(
                  javafx.beans.value.ObservableValue<? extends Number> o, Number a, Number w) {
                if (w.doubleValue() > 0) {
                  // Unless the window's remembered layout has placed it already.
                  if (Math.abs(main.getDividerPositions()[0] - 0.5) < 1e-9) {
                    main.setDividerPosition(0, 1 - SIDE_WIDTH / w.doubleValue());
                  }
                  main.widthProperty().removeListener(this);
                }
              }
            });
    main.setId("modelSplit");
    VBox.setVgrow(main, Priority.ALWAYS);
    VBox all = new VBox(stripBox, main);
    all.getStyleClass().add("model-content");
    all.visibleProperty().bind(model.isNotNull());
    return all;
  }

  private void buildTable() {
    table.setId("modelTable");
    table.setPlaceholder(new Label("No block with a problem."));
    table.getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
    TableColumn<BlockReport, String> prefix = textColumn("Prefix", 100, BlockReport::prefix);
    prefix.setId("colPrefix");
    prefix.setCellFactory(c -> new TipCell<>(BlockStatuses::detail));
    TableColumn<BlockReport, String> family = textColumn("Family", 70, b -> b.family().cliName());
    family.setCellFactory(c -> new TipCell<>(b -> b.family().describe()));
    TableColumn<BlockReport, String> shape = textColumn("Shape", 88, BlockReport::shapeText);
    Label shapeHeader = new Label("Shape");
    shapeHeader.setTooltip(new Tooltip("The fused weight: out × in per group × K × K"));
    shape.setText("");
    shape.setGraphic(shapeHeader);
    TableColumn<BlockReport, Integer> groups = new TableColumn<>("Groups");
    groups.setCellValueFactory(
        c -> new javafx.beans.property.SimpleObjectProperty<>(c.getValue().groups()));
    groups.setPrefWidth(60);
    groups.getStyleClass().add("num");
    TableColumn<BlockReport, String> branches =
        textColumn("Branches", 140, b -> BlockStatuses.branches(b, true));
    branches.setCellFactory(c -> new TipCell<>(b -> BlockStatuses.branches(b, false)));
    TableColumn<BlockReport, Double> diff =
        numberColumn("max |Δ|", 68, BlockReport::fusedMaxAbsDiff);
    diff.setId("colDiff");
    TableColumn<BlockReport, Double> bound =
        numberColumn("Bound", 68, b -> b.verdict().measured() ? b.bound() : Double.NaN);
    TableColumn<BlockReport, Double> int8Col =
        numberColumn(
            "INT8 error", 100, b -> b.int8() == null ? Double.NaN : b.int8().perTensorError());
    int8Col.setId("colInt8");
    int8Col.setCellFactory(c -> new Int8Cell());
    TableColumn<BlockReport, String> verdict = textColumn("Verdict", 144, BlockStatuses::verdict);
    verdict.setId("colVerdict");
    verdict.setCellFactory(c -> new VerdictCell());
    table
        .getColumns()
        .setAll(List.of(prefix, family, shape, groups, branches, diff, bound, int8Col, verdict));
    for (TableColumn<BlockReport, ?> c : table.getColumns()) {
      c.setMinWidth(c.getPrefWidth());
    }
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    SortedList<BlockReport> sorted = new SortedList<>(filtered);
    sorted.comparatorProperty().bind(table.comparatorProperty());
    table.setItems(sorted);
    table.setRowFactory(
        v -> {
          TableRow<BlockReport> row = new TableRow<>();
          row.setOnMouseClicked(
              e -> {
                if (e.getButton() == MouseButton.PRIMARY
                    && e.getClickCount() == 2
                    && !row.isEmpty()) {
                  openInExplorer(row.getItem());
                }
              });
          return row;
        });
    table.setOnKeyPressed(
        e -> {
          if (e.getCode() == javafx.scene.input.KeyCode.ENTER) {
            BlockReport b = table.getSelectionModel().getSelectedItem();
            if (b != null) {
              openInExplorer(b);
              e.consume();
            }
          }
        });
    table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> tableSelected(b));
  }

  private static TableColumn<BlockReport, String> textColumn(
      String title, double width, java.util.function.Function<BlockReport, String> value) {
    TableColumn<BlockReport, String> c = new TableColumn<>(title);
    c.setCellValueFactory(
        d -> new javafx.beans.property.SimpleStringProperty(value.apply(d.getValue())));
    c.setPrefWidth(width);
    return c;
  }

  private static TableColumn<BlockReport, Double> numberColumn(
      String title, double width, java.util.function.ToDoubleFunction<BlockReport> value) {
    TableColumn<BlockReport, Double> c = new TableColumn<>(title);
    c.setCellValueFactory(
        d -> new javafx.beans.property.SimpleObjectProperty<>(value.applyAsDouble(d.getValue())));
    c.setCellFactory(
        col ->
            new TableCell<>() {
              @Override
              protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : v.isNaN() ? "—" : NumberText.scientific(v));
              }
            });
    // Not measured (NaN) sorts below every measured value.
    c.setComparator(
        (a, b) ->
            Double.compare(
                a.isNaN() ? Double.NEGATIVE_INFINITY : a,
                b.isNaN() ? Double.NEGATIVE_INFINITY : b));
    c.setPrefWidth(width);
    c.getStyleClass().add("num");
    return c;
  }

  // ---------------------------------------------------------------- showing a model

  private void show(LoadedModel m) {
    emptyState.setVisible(m == null);
    if (m == null) {
      Optional<Path> last = host.lastCheckpoint();
      reopen.setVisible(last.isPresent());
      reopen.setUserData(last.orElse(null));
      reopen.setText(last.map(p -> "Reopen " + p.getFileName()).orElse(""));
      last.ifPresent(p -> reopen.setTooltip(new Tooltip(p.toString())));
    }
    syncing = true;
    try {
      if (m == null) {
        blocks.clear();
        strip.getBlocks().clear();
        findings.getItems().clear();
        int8.getRows().clear();
        ranges.setRanges(null);
        summary.setText("");
        return;
      }
      NetworkReport r = m.report();
      blocks.setAll(r.blocks());
      strip.getBlocks().setAll(BlockStatuses.strip(m.checkpoint(), r));
      findings.getItems().setAll(r.findings());
      int8.getRows()
          .setAll(
              r.blocks().stream()
                  .filter(b -> b.int8() != null)
                  .map(
                      b ->
                          new Int8Row(
                              b.prefix(),
                              b.int8().perTensorError(),
                              b.int8().perChannelError(),
                              b.int8().inflatingBranch() == null
                                  ? ""
                                  : "range inflated most by " + b.int8().inflatingBranch()))
                  .toList());
      ranges.setRanges(null);
      ranges.setTitle("");
      summary.setText(summaryText(m));
    } finally {
      syncing = false;
    }
    if (!table.getItems().isEmpty()) {
      table.getSelectionModel().select(0);
    }
  }

  private static String summaryText(LoadedModel m) {
    NetworkReport r = m.report();
    long problems = r.blocks().stream().filter(b -> BlockStatuses.of(b).isProblem()).count();
    return m.displayName()
        + " · "
        + r.blocks().size()
        + (r.blocks().size() == 1 ? " block" : " blocks")
        + (problems == 0 ? "" : " (" + problems + " to look at)")
        + " · "
        + r.passThroughKeys()
        + " other keys pass through";
  }

  private void tableSelected(BlockReport b) {
    if (syncing) {
      return;
    }
    syncing = true;
    try {
      if (b == null) {
        return;
      }
      strip.selectPrefix(b.prefix());
      int8.setSelectedPrefix(b.int8() == null ? null : b.prefix());
      showRanges(b);
    } finally {
      syncing = false;
    }
  }

  private void stripSelected(int index) {
    if (syncing || index < 0 || index >= strip.getBlocks().size()) {
      return;
    }
    StripBlock s = strip.getBlocks().get(index);
    if (s.status() == BlockStatus.PASS_THROUGH) {
      syncing = true;
      try {
        table.getSelectionModel().clearSelection();
        int8.setSelectedPrefix(null);
        ranges.setRanges(null);
        ranges.setPlaceholder(
            s.prefix() + " is not a re-parameterizable block: " + s.detail() + ".");
      } finally {
        syncing = false;
      }
      return;
    }
    selectPrefix(s.prefix());
  }

  /** Selects the block with this prefix in the table (the strip and INT8 view follow). */
  public void selectPrefix(String prefix) {
    Optional<BlockReport> b = blocks.stream().filter(r -> r.prefix().equals(prefix)).findFirst();
    if (b.isEmpty()) {
      return;
    }
    if (!table.getItems().contains(b.get())) {
      problemsOnly.setSelected(false);
    }
    table.getSelectionModel().select(b.get());
    table.scrollTo(b.get());
  }

  private void showRanges(BlockReport b) {
    Int8Report q = b.int8();
    if (q == null) {
      ranges.setRanges(null);
      ranges.setPlaceholder(b.prefix() + " has no fused kernel to quantize.");
      return;
    }
    ranges.setTitle(b.prefix() + " · fused " + b.shapeText());
    ranges.setRanges(new ChannelRanges(q.channelMin(), q.channelMax()));
  }

  // ---------------------------------------------------------------- opening

  /** Asks for a checkpoint and opens it. */
  public void chooseAndOpen() {
    FileChooser fc = new FileChooser();
    fc.setTitle("Open a checkpoint");
    fc.getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter(
                "Checkpoints (*.pth, *.pt, *.bin, *.safetensors, *.npz)",
                EXTENSIONS.stream().map(e -> "*" + e).toList()),
            new FileChooser.ExtensionFilter("All files", "*.*"));
    LoadedModel m = model.get();
    if (m != null && !m.sample() && m.file().getParent() != null) {
      fc.setInitialDirectory(m.file().getParent().toFile());
    }
    File f = fc.showOpenDialog(host.window());
    if (f != null) {
      open(f.toPath());
    }
  }

  /** Reads and inspects a checkpoint off the FX thread; the result replaces the model shown. */
  public void open(Path file) {
    load(file, file.getFileName().toString(), false);
  }

  /** Opens the bundled sample network. */
  public void openSample() {
    try {
      Path tmp = Files.createTempFile("replens-sample-", ".pth");
      tmp.toFile().deleteOnExit();
      try (InputStream in =
          ModelWorkspace.class.getClassLoader().getResourceAsStream(SAMPLE_RESOURCE)) {
        if (in == null) {
          throw new IOException("the sample network is missing from the installation");
        }
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      load(tmp, "tiny-repvgg.pth (sample)", true);
    } catch (IOException e) {
      Dialogs.error(host.window(), "The sample network can't be opened", Messages.of(e));
    }
  }

  private void load(Path file, String name, boolean sample) {
    run(
        "Opening " + name,
        new Work<LoadedModel>() {
          @Override
          protected LoadedModel call() throws Exception {
            Checkpoint ckpt = Checkpoints.read(file, progress("Reading"));
            checkCancelled();
            NetworkReport r = NetworkInspector.inspect(ckpt, progress("Inspecting"));
            checkCancelled();
            return new LoadedModel(file, name, ckpt, r, sample);
          }
        },
        m -> {
          model.set(m);
          message.set(
              "Opened "
                  + name
                  + ": "
                  + m.report().blocks().size()
                  + " blocks, "
                  + m.report().problems().size()
                  + " findings to look at. Double-click a block to open it in the Explorer.");
          if (!sample) {
            host.opened(file);
          }
        },
        "This checkpoint can't be opened");
  }

  private void installDragAndDrop() {
    setOnDragOver(
        e -> {
          if (droppable(e.getDragboard()) != null && !busy.get()) {
            e.acceptTransferModes(TransferMode.COPY);
          }
          e.consume();
        });
    setOnDragDropped(
        e -> {
          Path p = droppable(e.getDragboard());
          boolean ok = p != null && !busy.get();
          if (ok) {
            open(p);
          }
          e.setDropCompleted(ok);
          e.consume();
        });
  }

  /** The first dropped file with a checkpoint's name, or null. */
  static Path droppable(Dragboard d) {
    if (!d.hasFiles()) {
      return null;
    }
    return d.getFiles().stream()
        .map(File::toPath)
        .filter(ModelWorkspace::isCheckpointName)
        .findFirst()
        .orElse(null);
  }

  /** Whether a file's name ends as a checkpoint's does. */
  public static boolean isCheckpointName(Path p) {
    String n = String.valueOf(p.getFileName()).toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(n::endsWith);
  }

  private void openInExplorer(BlockReport b) {
    LoadedModel m = model.get();
    if (m == null) {
      return;
    }
    if (b.block().isEmpty()) {
      Dialogs.error(
          host.window(),
          "This block can't be opened in the Explorer",
          b.prefix()
              + " could not be read as a "
              + b.family().moduleName()
              + "; see its findings.");
      return;
    }
    host.openInExplorer(b, m);
  }

  // ---------------------------------------------------------------- converting

  /** Asks where to write the deploy state dict and writes it. */
  public void chooseAndConvert() {
    LoadedModel m = model.get();
    if (m == null) {
      return;
    }
    if (!m.report().convertible()) {
      Finding first = m.report().errors().get(0);
      Dialogs.error(
          host.window(),
          "This network can't be converted yet",
          (first.prefix().isEmpty() ? "" : first.prefix() + ": ")
              + first.message()
              + (m.report().errors().size() > 1
                  ? " (and " + (m.report().errors().size() - 1) + " more; see Findings)"
                  : ""));
      return;
    }
    FileChooser fc = new FileChooser();
    fc.setTitle("Convert & save the deploy state dict");
    fc.getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("PyTorch checkpoint (*.pth)", "*.pth"),
            new FileChooser.ExtensionFilter("safetensors (*.safetensors)", "*.safetensors"),
            new FileChooser.ExtensionFilter("NumPy archive (*.npz)", "*.npz"));
    String stem = m.file().getFileName().toString().replaceFirst("\\.[^.]+$", "");
    if (m.sample()) {
      stem = "tiny-repvgg";
      fc.setInitialDirectory(new File(System.getProperty("user.home")));
    } else if (m.file().getParent() != null) {
      fc.setInitialDirectory(m.file().getParent().toFile());
    }
    fc.setInitialFileName(stem + "-deploy.pth");
    File f = fc.showSaveDialog(host.window());
    if (f == null) {
      return;
    }
    Path out = f.toPath();
    if (!isCheckpointName(out)) {
      String ext =
          fc.getSelectedExtensionFilter() == null
              ? ".pth"
              : fc.getSelectedExtensionFilter().getExtensions().get(0).substring(1);
      out = out.resolveSibling(out.getFileName() + ext);
    }
    convertTo(out);
  }

  /** Converts the open network and writes it to {@code out}, off the FX thread. */
  public void convertTo(Path out) {
    LoadedModel m = model.get();
    if (m == null) {
      return;
    }
    run(
        "Converting " + m.displayName(),
        new Work<Integer>() {
          @Override
          protected Integer call() throws Exception {
            Checkpoint deploy =
                NetworkConverter.convert(m.checkpoint(), m.report(), progress("Converting"));
            checkCancelled();
            Checkpoints.write(out, deploy, progress("Writing"));
            return deploy.keys().size();
          }
        },
        n ->
            message.set(
                "Saved the deploy state dict to "
                    + out
                    + ": "
                    + n
                    + " keys, "
                    + m.report().blocks().stream().filter(b -> !b.deployForm()).count()
                    + " blocks converted."),
        "The deploy state dict can't be written");
  }

  // ---------------------------------------------------------------- report

  /** Asks where to write the model report (HTML or PDF) and writes it. */
  public void chooseAndExportReport() {
    LoadedModel m = model.get();
    if (m == null) {
      return;
    }
    FileChooser fc = new FileChooser();
    fc.setTitle("Export the model report");
    fc.getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter("Web page (*.html)", "*.html"),
            new FileChooser.ExtensionFilter("PDF document (*.pdf)", "*.pdf"));
    String stem = m.displayName().replaceFirst("\\.[^.]+( \\(sample\\))?$", "");
    fc.setInitialFileName(stem + "-report.html");
    File f = fc.showSaveDialog(host.window());
    if (f == null) {
      return;
    }
    Path out = f.toPath();
    boolean pdf = fc.getSelectedExtensionFilter() == fc.getExtensionFilters().get(1);
    String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (pdf && !n.endsWith(".pdf")) {
      out = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.html?$", "") + ".pdf");
    } else if (!pdf && !n.endsWith(".html") && !n.endsWith(".htm")) {
      out = out.resolveSibling(out.getFileName() + ".html");
    }
    exportReport(out);
  }

  /** Writes the model report, as a PDF if the name ends in {@code .pdf} and as HTML otherwise. */
  public void exportReport(Path out) {
    LoadedModel m = model.get();
    if (m == null) {
      return;
    }
    try {
      ModelReport.write(m, out);
      message.set("Saved the model report to " + out);
    } catch (IOException e) {
      Dialogs.error(
          host.window(), "The model report can't be written", out + ": " + Messages.of(e));
    }
  }

  // ---------------------------------------------------------------- background work

  /** A task whose engine progress reaches the progress bar and which stops when cancelled. */
  private abstract static class Work<T> extends Task<T> {
    Progress progress(String phase) {
      return (done, total, what) -> {
        if (isCancelled()) {
          throw new CancellationException();
        }
        updateProgress(done, total < 0 ? -1 : total);
        updateMessage(progressText(phase, what));
      };
    }

    /** "Inspecting stage3.5" from the phase and the engine's "inspecting stage3.5". */
    static String progressText(String phase, String what) {
      if (what == null || what.isBlank()) {
        return phase + "…";
      }
      if (what.toLowerCase(Locale.ROOT).startsWith(phase.toLowerCase(Locale.ROOT))) {
        return Character.toUpperCase(what.charAt(0)) + what.substring(1);
      }
      return phase + ": " + what;
    }

    void checkCancelled() {
      if (isCancelled()) {
        throw new CancellationException();
      }
    }
  }

  private <T> void run(String title, Work<T> work, Consumer<T> done, String failureHeader) {
    if (current != null) {
      return;
    }
    current = work;
    busy.set(true);
    progressBar.progressProperty().bind(work.progressProperty());
    progressText
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    work.getMessage() == null || work.getMessage().isEmpty()
                        ? title + "…"
                        : work.getMessage(),
                work.messageProperty()));
    message.set(title + "…");
    work.setOnSucceeded(
        e -> {
          finish();
          done.accept(work.getValue());
        });
    work.setOnCancelled(
        e -> {
          finish();
          message.set(title + ": cancelled.");
        });
    work.setOnFailed(
        e -> {
          finish();
          Throwable t = work.getException();
          if (t instanceof CancellationException) {
            message.set(title + ": cancelled.");
            return;
          }
          LOG.warn("{} failed", title, t);
          message.set(failureHeader + ": " + Messages.of(t));
          Dialogs.error(host.window(), failureHeader, Messages.of(t));
        });
    Thread th = new Thread(work, "replens-model");
    th.setDaemon(true);
    th.start();
  }

  private void finish() {
    progressBar.progressProperty().unbind();
    progressText.textProperty().unbind();
    current = null;
    busy.set(false);
  }

  /** Cancels the running read, inspection or conversion; what it had done is dropped. */
  public void cancel() {
    if (current != null) {
      current.cancel();
    }
  }

  // ---------------------------------------------------------------- accessors

  /** The model shown, or null. */
  public ReadOnlyObjectProperty<LoadedModel> modelProperty() {
    return model.getReadOnlyProperty();
  }

  /** Whether a read, inspection or conversion is running. */
  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** The last thing the workspace reported, as the line at its bottom shows it. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** The table of blocks. */
  public TableView<BlockReport> table() {
    return table;
  }

  /** The network strip. */
  public NetworkStrip strip() {
    return strip;
  }

  /** The filter for problem blocks. */
  public CheckBox problemsOnly() {
    return problemsOnly;
  }

  /** The INT8 bars. */
  public Int8Bars int8Bars() {
    return int8;
  }

  /** The channel range map of the selected block. */
  public ChannelRangeMap channelRanges() {
    return ranges;
  }

  /** A finding in the list: its mark, block and message, wrapped. */
  private static final class FindingCell extends ListCell<Finding> {
    @Override
    protected void updateItem(Finding f, boolean empty) {
      super.updateItem(f, empty);
      getStyleClass().removeAll("problem-error", "problem-warning", "finding-info");
      if (empty || f == null) {
        setText(null);
        setTooltip(null);
        return;
      }
      String mark =
          switch (f.severity()) {
            case ERROR -> "✖ ";
            case WARNING -> "⚠ ";
            case INFO -> "ℹ ";
          };
      boolean named = f.prefix().isEmpty() || f.message().startsWith(f.prefix());
      setText(mark + (named ? "" : f.prefix() + ": ") + f.message());
      setWrapText(true);
      setPrefWidth(0);
      getStyleClass()
          .add(
              switch (f.severity()) {
                case ERROR -> "problem-error";
                case WARNING -> "problem-warning";
                case INFO -> "finding-info";
              });
      Tooltip t = new Tooltip(f.message());
      t.setWrapText(true);
      t.setMaxWidth(520);
      setTooltip(t);
    }
  }

  /** A text cell whose tooltip says more than the cell. */
  private static final class TipCell<T> extends TableCell<BlockReport, T> {
    private final java.util.function.Function<BlockReport, String> tip;

    TipCell(java.util.function.Function<BlockReport, String> tip) {
      this.tip = tip;
    }

    @Override
    protected void updateItem(T v, boolean empty) {
      super.updateItem(v, empty);
      BlockReport b = empty || getTableRow() == null ? null : getTableRow().getItem();
      setText(empty || v == null ? null : v.toString());
      setTooltip(b == null ? null : new Tooltip(tip.apply(b)));
    }
  }

  /** The INT8 errors as percentages, per-tensor / per-channel. */
  private static final class Int8Cell extends TableCell<BlockReport, Double> {
    @Override
    protected void updateItem(Double v, boolean empty) {
      super.updateItem(v, empty);
      BlockReport b = empty || getTableRow() == null ? null : getTableRow().getItem();
      if (b == null || b.int8() == null) {
        setText(empty ? null : "—");
        setTooltip(null);
        return;
      }
      String t = BlockStatuses.percent(b.int8().perTensorError());
      String c = BlockStatuses.percent(b.int8().perChannelError());
      setText(t + " / " + c);
      setTooltip(
          new Tooltip(
              "Relative error of the fused weight under INT8: "
                  + t
                  + " with one scale per tensor, "
                  + c
                  + " with one scale per output channel"));
    }
  }

  /** The verdict, colored by the block's status, with every problem in the tooltip. */
  private static final class VerdictCell extends TableCell<BlockReport, String> {
    @Override
    protected void updateItem(String v, boolean empty) {
      super.updateItem(v, empty);
      for (BlockStatus s : BlockStatus.values()) {
        pseudoClassStateChanged(s.pseudoClass(), false);
      }
      BlockReport b = empty ? null : getTableRow() == null ? null : getTableRow().getItem();
      if (empty || v == null || b == null) {
        setText(null);
        setTooltip(null);
        return;
      }
      setText(v);
      pseudoClassStateChanged(BlockStatuses.of(b).pseudoClass(), true);
      Tooltip t = new Tooltip(BlockStatuses.detail(b));
      t.setWrapText(true);
      t.setMaxWidth(520);
      setTooltip(t);
    }
  }
}
