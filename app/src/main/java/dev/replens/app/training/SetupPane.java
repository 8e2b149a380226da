package dev.replens.app.training;

import dev.replens.app.Dialogs;
import dev.replens.app.Messages;
import dev.replens.engine.data.DataLoadException;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.TrainMode;
import java.io.File;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javafx.application.Platform;
import javafx.geometry.HPos;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;

/**
 * The lab's setup panel: the block (the Explorer's current design), the data, the network, the mode
 * and the optimizer, plus the modes to compare. It reads a {@link LabSetup} from its fields and
 * says in the field's own words what is wrong with a value.
 */
final class SetupPane extends VBox {

  /** An entry of the dataset list. */
  record DataChoice(String label, String source) {
    @Override
    public String toString() {
      return label;
    }
  }

  /** An entry of the design list: the Explorer's design, or a bundled sample. */
  record DesignChoice(String label, SampleCatalog.Sample sample) {
    @Override
    public String toString() {
      return label;
    }
  }

  static final DesignChoice EXPLORER = new DesignChoice("The Explorer's current design", null);

  static final DataChoice SHAPES = new DataChoice("Shapes · 28×28 gray", "shapes");
  static final DataChoice SHAPES_RGB = new DataChoice("Shapes · 32×32 RGB", "shapes-rgb");

  private final TrainingLab lab;
  private final ComboBox<DesignChoice> design = new ComboBox<>();
  private final Label blockName = new Label();
  private final Label blockDetail = new Label();
  private final Label blockNote = new Label();
  private final ComboBox<DataChoice> dataset = new ComboBox<>();
  private final Label dataInfo = new Label();
  private final Spinner<Integer> depth = intSpinner("labDepth", 1, 16, 2, 1);
  private final Spinner<Integer> width = intSpinner("labWidth", 1, 512, 16, 4);
  private final ComboBox<TrainMode> mode = new ComboBox<>();
  private final Label modeSummary = new Label();
  private final ComboBox<OptimizerConfig.Kind> optimizer = new ComboBox<>();
  private final TextField lr = field("labLr", "0.1");
  private final TextField momentum = field("labMomentum", "0.9");
  private final TextField weightDecay = field("labWeightDecay", "1e-4");
  private final Spinner<Integer> batch = intSpinner("labBatch", 1, 4096, 32, 8);
  private final Spinner<Integer> steps = intSpinner("labSteps", 1, 1_000_000, 300, 50);
  private final TextField seed = field("labSeed", "1");
  private final Spinner<Integer> validateEvery = intSpinner("labValidateEvery", 0, 100_000, 25, 5);
  private final Spinner<Integer> validationImages =
      intSpinner("labValidationImages", 1, 1_000_000, 500, 100);
  private final Spinner<Integer> metricsEvery = intSpinner("labMetricsEvery", 0, 100_000, 5, 1);
  private final Spinner<Integer> shapesTrain = intSpinner("labShapesTrain", 1, 200_000, 5000, 500);
  private final Spinner<Integer> shapesValidation =
      intSpinner("labShapesValidation", 1, 100_000, 1000, 100);
  private final Map<TrainMode, CheckBox> compare = new EnumMap<>(TrainMode.class);
  private final Button compareButton = new Button("Compare modes");
  private final CheckBox overlay = new CheckBox("Keep earlier runs in the charts");
  private final javafx.beans.property.ReadOnlyBooleanWrapper compareReady =
      new javafx.beans.property.ReadOnlyBooleanWrapper(this, "compareReady");
  private final Node form;
  private DataChoice lastGood = SHAPES;
  private boolean reverting;

  SetupPane(TrainingLab lab) {
    this.lab = lab;
    getStyleClass().add("lab-setup");
    setId("labSetup");

    design.setId("labDesign");
    design.getItems().add(EXPLORER);
    for (SampleCatalog.Sample sample : SampleCatalog.list()) {
      design.getItems().add(new DesignChoice("Sample · " + sample.name(), sample));
    }
    design.setValue(EXPLORER);
    design.setMaxWidth(Double.MAX_VALUE);
    design.setTooltip(
        new Tooltip("Train the design open in the Explorer (it follows your edits) or a sample"));
    blockName.setId("labBlockName");
    blockName.getStyleClass().add("block-name");
    blockName.setWrapText(true);
    blockDetail.getStyleClass().add("setup-hint");
    blockDetail.setWrapText(true);
    blockNote.setId("labBlockNote");
    blockNote.getStyleClass().add("block-note");
    blockNote.setWrapText(true);
    blockNote.setVisible(false);
    blockNote.setManaged(false);

    dataset.setId("labDataset");
    dataset.getItems().addAll(SHAPES, SHAPES_RGB);
    dataset.getSelectionModel().select(SHAPES);
    dataset.setMaxWidth(Double.MAX_VALUE);
    dataset.valueProperty().addListener((o, a, b) -> datasetChosen(b));
    Button folder = new Button("Folder…");
    folder.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    folder.setId("labDatasetFolder");
    folder.setTooltip(
        new Tooltip(
            "Train on your own images: an MNIST / Fashion-MNIST folder of IDX files, or a folder"
                + " with one subfolder of images per class (resized to 32×32)"));
    folder.setOnAction(e -> chooseFolder());
    HBox dataRow = new HBox(6, dataset, folder);
    HBox.setHgrow(dataset, Priority.ALWAYS);
    dataInfo.setId("labDataInfo");
    dataInfo.getStyleClass().add("setup-hint");
    dataInfo.setWrapText(true);
    showBuiltInInfo(SHAPES);

    mode.setId("labMode");
    mode.getItems().addAll(TrainMode.values());
    mode.getSelectionModel().select(TrainMode.OFFLINE);
    mode.setMaxWidth(Double.MAX_VALUE);
    modeSummary.getStyleClass().add("setup-hint");
    modeSummary.setWrapText(true);
    mode.valueProperty()
        .addListener((o, a, b) -> modeSummary.setText(b == null ? "" : b.summary()));
    modeSummary.setText(TrainMode.OFFLINE.summary());

    optimizer.setId("labOptimizer");
    optimizer.getItems().addAll(OptimizerConfig.Kind.SGD, OptimizerConfig.Kind.ADAM);
    optimizer.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(OptimizerConfig.Kind k) {
            return k == null ? "" : k == OptimizerConfig.Kind.SGD ? "SGD + momentum" : "Adam";
          }

          @Override
          public OptimizerConfig.Kind fromString(String text) {
            return OptimizerConfig.Kind.parse(text);
          }
        });
    optimizer.getSelectionModel().select(OptimizerConfig.Kind.SGD);
    optimizer.setMaxWidth(Double.MAX_VALUE);
    optimizer
        .valueProperty()
        .addListener((o, a, b) -> momentum.setDisable(b != OptimizerConfig.Kind.SGD));

    GridPane net = grid();
    row(net, 0, "Depth N", depth);
    row(net, 1, "Width", width);
    Label netHint = new Label("stem conv → N × block → global pool → linear");
    netHint.getStyleClass().add("setup-hint");
    netHint.setWrapText(true);
    net.add(netHint, 0, 2, 2, 1);

    GridPane train = grid();
    row(train, 0, "Optimizer", optimizer);
    row(train, 1, "Learning rate", lr);
    row(train, 2, "Momentum", momentum);
    row(train, 3, "Weight decay", weightDecay);
    row(train, 4, "Batch size", batch);
    row(train, 5, "Steps", steps);
    row(train, 6, "Seed", seed);

    GridPane adv = grid();
    row(adv, 0, "Validate every", validateEvery);
    row(adv, 1, "Validation images", validationImages);
    row(adv, 2, "Branch metrics every", metricsEvery);
    row(adv, 3, "Shapes: train images", shapesTrain);
    row(adv, 4, "Shapes: val. images", shapesValidation);
    TitledPane advanced = new TitledPane("More settings", adv);
    advanced.setId("labAdvanced");
    advanced.setExpanded(false);
    advanced.getStyleClass().add("setup-advanced");

    FlowPane checks = new FlowPane(10, 4);
    for (TrainMode m : TrainMode.values()) {
      CheckBox c = new CheckBox(m.id());
      c.setId("labCompare-" + m.id());
      c.setSelected(m != TrainMode.REPOPT);
      c.setTooltip(new Tooltip(m.summary()));
      c.selectedProperty().addListener((o, a, b) -> updateCompareButton());
      compare.put(m, c);
      checks.getChildren().add(c);
    }
    compareButton.setId("labCompare");
    compareButton.setMaxWidth(Double.MAX_VALUE);
    overlay.setId("labOverlay");
    overlay.setWrapText(true);
    overlay.setTooltip(
        new Tooltip("Start adds the new run to the charts instead of clearing them first"));
    Label compareHint =
        new Label("Trains the checked modes one after another on the same seed and overlays them.");
    compareHint.getStyleClass().add("setup-hint");
    compareHint.setWrapText(true);
    Label compareLabel = new Label("Compare");
    compareLabel.getStyleClass().add("setup-subheading");
    VBox modeBox =
        new VBox(6, mode, modeSummary, compareLabel, checks, compareButton, compareHint, overlay);

    VBox fields =
        new VBox(
            section("Block"),
            design,
            blockName,
            blockDetail,
            blockNote,
            section("Data"),
            dataRow,
            dataInfo,
            section("Mode"),
            modeBox,
            section("Network"),
            net,
            section("Training"),
            train,
            advanced);
    fields.getStyleClass().add("setup-fields");
    form = fields;
    getChildren().add(fields);
    updateCompareButton();
  }

  // ---------------------------------------------------------------- reading and writing

  /**
   * The setup in the fields.
   *
   * @throws IllegalArgumentException naming the field if a value is not valid
   */
  LabSetup read() {
    DataChoice d = dataset.getValue();
    return new LabSetup(
        d == null ? "shapes" : d.source(),
        intValue(depth, "Depth"),
        intValue(width, "Width"),
        mode.getValue(),
        optimizer.getValue(),
        doubleValue(lr, "Learning rate"),
        optimizer.getValue() == OptimizerConfig.Kind.SGD ? doubleValue(momentum, "Momentum") : 0,
        doubleValue(weightDecay, "Weight decay"),
        intValue(batch, "Batch size"),
        intValue(steps, "Steps"),
        longValue(seed, "Seed"),
        intValue(validateEvery, "Validate every"),
        intValue(validationImages, "Validation images"),
        intValue(metricsEvery, "Branch metrics every"),
        intValue(shapesTrain, "Shapes: train images"),
        intValue(shapesValidation, "Shapes: validation images"));
  }

  /** Fills the fields with {@code s} (a folder dataset is added to the list). */
  void apply(LabSetup s) {
    DataChoice d =
        switch (s.dataset()) {
          case "shapes" -> SHAPES;
          case "shapes-rgb" -> SHAPES_RGB;
          default -> folderChoice(s.dataset());
        };
    reverting = true;
    try {
      if (!dataset.getItems().contains(d)) {
        dataset.getItems().add(d);
      }
      dataset.setValue(d);
      lastGood = d;
    } finally {
      reverting = false;
    }
    if (d == SHAPES || d == SHAPES_RGB) {
      showBuiltInInfo(d);
    }
    set(depth, s.depth());
    set(width, s.width());
    mode.setValue(s.mode());
    optimizer.setValue(s.optimizer());
    lr.setText(number(s.learningRate()));
    momentum.setText(number(s.momentum()));
    weightDecay.setText(number(s.weightDecay()));
    set(batch, s.batchSize());
    set(steps, s.steps());
    seed.setText(Long.toString(s.seed()));
    set(validateEvery, s.validateEvery());
    set(validationImages, s.validationImages());
    set(metricsEvery, s.metricsEvery());
    set(shapesTrain, s.shapesTrain());
    set(shapesValidation, s.shapesValidation());
  }

  /** The modes checked for a comparison, in the list's order. */
  List<TrainMode> compareModes() {
    List<TrainMode> out = new ArrayList<>();
    compare.forEach(
        (m, c) -> {
          if (c.isSelected()) {
            out.add(m);
          }
        });
    return out;
  }

  /** Checks exactly the given modes for a comparison. */
  void setCompareModes(List<TrainMode> modes) {
    compare.forEach((m, c) -> c.setSelected(modes.contains(m)));
  }

  /** The design list: the Explorer's design or a sample. */
  ComboBox<DesignChoice> designBox() {
    return design;
  }

  /** Whether Start keeps the runs already in the charts. */
  boolean overlay() {
    return overlay.isSelected();
  }

  Button compareButton() {
    return compareButton;
  }

  /** Whether two or more modes are checked. */
  javafx.beans.property.ReadOnlyBooleanProperty compareReadyProperty() {
    return compareReady.getReadOnlyProperty();
  }

  /** Locks the fields while a run is under way. */
  void setLocked(boolean locked) {
    form.setDisable(locked);
  }

  /**
   * Shows the design: the one in the Explorer, or, while a run trains another, the run's with a
   * note.
   */
  void showDesign(DesignDocument doc, String trainingName, BlockSpec trainingSpec) {
    BlockSpec spec = doc.block();
    String name = doc.name().isBlank() ? "Untitled design" : doc.name();
    blockName.setText(name);
    blockDetail.setText(
        String.format(
            Locale.ROOT,
            "%d branch%s · %dx%d kernel · %s",
            spec.branches().size(),
            spec.branches().size() == 1 ? "" : "es",
            spec.kernel(),
            spec.kernel(),
            design.getValue() == EXPLORER ? "the Explorer's current design" : "a bundled sample"));
    boolean differs =
        trainingSpec != null && (!trainingSpec.equals(spec) || !name.equals(trainingName));
    blockNote.setText(
        differs
            ? "This run trains the design as it was at its start (“"
                + trainingName
                + "”). The next Start uses the current one."
            : "");
    blockNote.setVisible(differs);
    blockNote.setManaged(differs);
  }

  private void updateCompareButton() {
    long n = compare.values().stream().filter(CheckBox::isSelected).count();
    compareButton.setText(n < 2 ? "Compare modes (check two or more)" : "Compare " + n + " modes");
    compareReady.set(n >= 2);
  }

  // ---------------------------------------------------------------- data

  private void datasetChosen(DataChoice d) {
    if (d == null || reverting) {
      return;
    }
    if (d == SHAPES || d == SHAPES_RGB) {
      lastGood = d;
      showBuiltInInfo(d);
      return;
    }
    dataInfo.setText("Reading " + d.source() + " …");
    LabSetup probe;
    try {
      probe = read().withDataset(d.source());
    } catch (IllegalArgumentException e) {
      probe = LabSetup.defaults().withDataset(d.source());
    }
    lab.openData(probe)
        .whenComplete((split, ex) -> Platform.runLater(() -> dataOpened(d, split, ex)));
  }

  private void dataOpened(DataChoice d, DatasetSplit split, Throwable ex) {
    if (dataset.getValue() != d) {
      return;
    }
    if (ex == null) {
      lastGood = d;
      dataInfo.setText(
          split.train()
              + "; "
              + split.validation().size()
              + " validation images. Folder images are resized to "
              + LabSetup.IMAGE_SIZE
              + "×"
              + LabSetup.IMAGE_SIZE
              + ".");
      return;
    }
    Throwable cause =
        ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    reverting = true;
    try {
      dataset.getItems().remove(d);
      dataset.setValue(lastGood);
    } finally {
      reverting = false;
    }
    if (lastGood == SHAPES || lastGood == SHAPES_RGB) {
      showBuiltInInfo(lastGood);
    }
    Dialogs.error(
        getScene() == null ? null : getScene().getWindow(),
        "The data can't be loaded",
        cause instanceof DataLoadException
            ? cause.getMessage()
            : d.source() + ": " + Messages.of(cause));
  }

  /** Adds a folder to the list and selects it; it is read at once to show what it holds. */
  void chooseDataFolder(java.nio.file.Path folder) {
    DataChoice d = folderChoice(folder.toString());
    if (!dataset.getItems().contains(d)) {
      dataset.getItems().add(d);
    }
    dataset.setValue(d);
  }

  private void chooseFolder() {
    DirectoryChooser dc = new DirectoryChooser();
    dc.setTitle("Choose an MNIST-style IDX folder or an image folder");
    File f = dc.showDialog(getScene().getWindow());
    if (f != null) {
      chooseDataFolder(f.toPath());
    }
  }

  private static DataChoice folderChoice(String path) {
    java.nio.file.Path p = java.nio.file.Path.of(path);
    String name = p.getFileName() == null ? path : p.getFileName().toString();
    return new DataChoice("Folder · " + name, path);
  }

  private void showBuiltInInfo(DataChoice d) {
    dataInfo.setText(
        (d == SHAPES ? "28×28 gray" : "32×32 RGB")
            + " images of 10 classes (oriented bars, gratings, circle, square, triangle, cross),"
            + " generated from the seed.");
  }

  // ---------------------------------------------------------------- helpers

  private static Label section(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("setup-section");
    l.setMaxWidth(Double.MAX_VALUE);
    return l;
  }

  private static GridPane grid() {
    GridPane g = new GridPane();
    g.getStyleClass().add("setup-grid");
    ColumnConstraints labels = new ColumnConstraints();
    labels.setHalignment(HPos.LEFT);
    labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    ColumnConstraints values = new ColumnConstraints();
    values.setHgrow(Priority.ALWAYS);
    values.setFillWidth(true);
    g.getColumnConstraints().addAll(labels, values);
    return g;
  }

  private static void row(GridPane g, int row, String label, Node control) {
    Label l = new Label(label);
    l.setLabelFor(control);
    l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    g.add(l, 0, row);
    g.add(control, 1, row);
    if (control instanceof javafx.scene.layout.Region r) {
      r.setMaxWidth(Double.MAX_VALUE);
    }
    GridPane.setFillWidth(control, true);
    GridPane.setHalignment(control, HPos.LEFT);
    GridPane.setValignment(l, javafx.geometry.VPos.CENTER);
  }

  private static Spinner<Integer> intSpinner(String id, int min, int max, int value, int step) {
    Spinner<Integer> s =
        new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value, step));
    s.setEditable(true);
    s.setId(id);
    s.setPrefWidth(120);
    s.getEditor().setAlignment(Pos.CENTER_RIGHT);
    return s;
  }

  private static TextField field(String id, String text) {
    TextField f = new TextField(text);
    f.setId(id);
    f.setPrefColumnCount(8);
    f.setAlignment(Pos.CENTER_RIGHT);
    return f;
  }

  private static void set(Spinner<Integer> s, int v) {
    s.getValueFactory().setValue(v);
    s.getEditor().setText(Integer.toString(v));
  }

  private static int intValue(Spinner<Integer> s, String name) {
    String text = s.getEditor().getText().trim();
    int v;
    try {
      v = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a whole number");
    }
    SpinnerValueFactory.IntegerSpinnerValueFactory f =
        (SpinnerValueFactory.IntegerSpinnerValueFactory) s.getValueFactory();
    if (v < f.getMin() || v > f.getMax()) {
      throw new IllegalArgumentException(
          name + " must be between " + f.getMin() + " and " + f.getMax() + ", not " + v);
    }
    f.setValue(v);
    return v;
  }

  private static double doubleValue(TextField f, String name) {
    String text = f.getText().trim();
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a number");
    }
  }

  private static long longValue(TextField f, String name) {
    String text = f.getText().trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a whole number");
    }
  }

  private static String number(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toString().replace('E', 'e');
  }
}
