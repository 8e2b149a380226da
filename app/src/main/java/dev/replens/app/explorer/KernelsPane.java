package dev.replens.app.explorer;

import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.pipeline.Equivalents;
import dev.replens.views.chart.ContributionChart;
import dev.replens.views.heatmap.ErrorMapView;
import dev.replens.views.heatmap.KernelHeatmap;
import dev.replens.views.heatmap.KernelTap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The kernels of the current step: each branch's contribution to the fused kernel side by side with
 * the fused kernel itself, on one shared color scale; clicking a tap shows how much each branch
 * contributed to it. A second tab shows where on the feature map the step's output differs from the
 * training form's.
 */
public final class KernelsPane extends TabPane {

  /** The title of the fused kernel's heatmap. */
  public static final String FUSED = "fused";

  private final StepperModel model;
  private final HBox heatmaps = new HBox(12);
  private final Map<String, KernelHeatmap> byBranch = new LinkedHashMap<>();
  private final ContributionChart contributions = new ContributionChart();
  private final ErrorMapView errorMap = new ErrorMapView();
  private final Label hint = new Label();
  private final CheckBox sharedScale = new CheckBox("One color scale for all kernels");
  private final ReadOnlyObjectWrapper<KernelTap> hovered =
      new ReadOnlyObjectWrapper<>(this, "hovered");
  private KernelTap selected;
  private boolean syncing;

  public KernelsPane(StepperModel model) {
    this.model = model;
    getStyleClass().add("kernels-pane");
    setTabClosingPolicy(TabClosingPolicy.UNAVAILABLE);
    heatmaps.setPadding(new Insets(8));
    heatmaps.setId("heatmapRow");
    ScrollPane scroll = new ScrollPane(heatmaps);
    scroll.setFitToHeight(true);
    scroll.setFitToWidth(true);
    contributions.setTitle("Contributions to one tap");
    contributions.setId("contributionChart");
    hint.getStyleClass().add("kernels-hint");
    hint.setWrapText(true);
    hint.setMinHeight(Region.USE_PREF_SIZE);
    sharedScale.setWrapText(true);
    sharedScale.setMinHeight(Region.USE_PREF_SIZE);
    hint.setText("Click a tap of any kernel to see what each branch contributes to it.");
    sharedScale.setSelected(true);
    sharedScale.setId("sharedScale");
    sharedScale.setTooltip(
        new javafx.scene.control.Tooltip(
            "On: the same color means the same value in every kernel, so the contributions compare."
                + " Off: each kernel uses its own range, which shows small kernels' structure."));
    sharedScale
        .selectedProperty()
        .addListener((o, a, b) -> showKernels(model.equivalentsProperty().get()));
    VBox right = new VBox(8, sharedScale, hint, contributions);
    right.setPadding(new Insets(8));
    right.setMinWidth(230);
    SplitPane split = new SplitPane(scroll, right);
    split.setDividerPositions(0.8);
    Tab kernels = new Tab("Kernels", split);
    kernels.setId("kernelsTab");
    errorMap.setTitle("|fused − training| over the feature map");
    errorMap.setId("errorMap");
    Tab diff = new Tab("Difference", errorMap);
    diff.setId("differenceTab");
    getTabs().addAll(kernels, diff);
    model.equivalentsProperty().addListener((o, a, b) -> showKernels(b));
    model
        .analysisProperty()
        .addListener((o, a, b) -> showKernels(model.equivalentsProperty().get()));
    model.checkProperty().addListener((o, a, b) -> showDifference(b));
    showKernels(model.equivalentsProperty().get());
    showDifference(model.checkProperty().get());
  }

  private void showDifference(StepCheck c) {
    errorMap.setBound(c == null ? Double.NaN : c.bound());
    errorMap.setComparison(c == null ? null : c.error());
    errorMap.setTitle(
        c == null
            ? "|step − training| over the feature map"
            : "|"
                + c.step().stage().title().toLowerCase(java.util.Locale.ROOT)
                + " step − training form|, max over channels");
  }

  private void showKernels(Equivalents eq) {
    if (eq == null) {
      heatmaps
          .getChildren()
          .setAll(
              new Label(
                  model.analysisProperty().get() == null
                      ? "Analysing the block…"
                      : "This step isn't linear, so it has no kernels to show."));
      byBranch.clear();
      contributions.clear();
      return;
    }
    Map<String, KernelSnapshot> snaps = eq.snapshots(FUSED);
    double scale = snaps.values().stream().mapToDouble(KernelSnapshot::maxAbs).max().orElse(0);
    if (!byBranch.keySet().equals(snaps.keySet())) {
      byBranch.clear();
      List<Node> nodes = new ArrayList<>();
      for (String id : snaps.keySet()) {
        KernelHeatmap h = new KernelHeatmap();
        h.setTitle(id.equals(FUSED) ? "fused (Σ)" : id);
        h.setId("heatmap-" + id);
        h.setPrefWidth(snaps.size() == 1 ? 520 : 250);
        // The fused kernel carries the color bar and the bias strip, so it gets more room.
        h.setMinWidth(id.equals(FUSED) && snaps.size() > 1 ? 240 : 130);
        h.setMaxWidth(snaps.size() == 1 ? 760 : 420);
        HBox.setHgrow(h, javafx.scene.layout.Priority.ALWAYS);
        h.setShowBias(id.equals(FUSED));
        h.selectedTapProperty().addListener((o, a, b) -> onSelect(b));
        h.hoveredTapProperty().addListener((o, a, b) -> hovered.set(b));
        byBranch.put(id, h);
        nodes.add(h);
      }
      heatmaps.getChildren().setAll(nodes);
    }
    // One scale: the same color is the same value everywhere, and only the fused kernel needs a
    // color bar. Otherwise each kernel spans its own range and keeps its own bar.
    boolean one = sharedScale.isSelected();
    double shared = one ? scale : 0;
    snaps.forEach(
        (id, s) -> {
          KernelHeatmap h = byBranch.get(id);
          h.setFixedScale(shared);
          h.setShowColorBar(!one || id.equals(FUSED));
          h.setKernel(s);
        });
    if (selected != null) {
      onSelect(selected);
    } else {
      contributions.clear();
    }
  }

  private void onSelect(KernelTap tap) {
    if (syncing) {
      return;
    }
    syncing = true;
    try {
      selected = tap;
      for (KernelHeatmap h : byBranch.values()) {
        if (h.getKernel() != null && tap != null) {
          try {
            h.setSelectedTap(tap.in(h.getKernel()));
          } catch (IndexOutOfBoundsException shapeChanged) {
            h.setSelectedTap(null);
          }
        } else {
          h.setSelectedTap(null);
        }
      }
      Equivalents eq = model.equivalentsProperty().get();
      if (tap == null || eq == null || tap.isBias() || !tap.connected()) {
        contributions.clear();
        hint.setText(
            tap != null && !tap.connected()
                ? "Those channels aren't connected: the groups keep them apart."
                : "Click a tap of any kernel to see what each branch contributes to it.");
        return;
      }
      Map<String, Double> parts = eq.contributionsAt(tap.out(), tap.inGroup(), tap.y(), tap.x());
      KernelTap fused = byBranch.get(FUSED) == null ? tap : tap.in(byBranch.get(FUSED).getKernel());
      contributions.show(fused, parts);
      hint.setText(
          "Tap "
              + fused.describe()
              + ": each bar is one branch's share; they add up to the fused value.");
    } catch (IndexOutOfBoundsException e) {
      contributions.clear();
    } finally {
      syncing = false;
    }
  }

  /** The heatmap of a branch (or {@link #FUSED}), for tests. */
  public KernelHeatmap heatmap(String id) {
    return byBranch.get(id);
  }

  /** The contribution chart, for tests. */
  public ContributionChart contributions() {
    return contributions;
  }

  /** The tap under the mouse in any heatmap, for the status bar. */
  public ReadOnlyObjectProperty<KernelTap> hoveredProperty() {
    return hovered.getReadOnlyProperty();
  }
}
