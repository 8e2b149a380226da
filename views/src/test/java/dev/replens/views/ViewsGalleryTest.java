package dev.replens.views;

import dev.replens.engine.eval.Comparison;
import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.pipeline.TransformKind;
import dev.replens.views.badge.ErrorBadge;
import dev.replens.views.chart.ContributionChart;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.formula.FormulaView;
import dev.replens.views.heatmap.ErrorMapView;
import dev.replens.views.heatmap.KernelHeatmap;
import dev.replens.views.heatmap.KernelHeatmapSkin;
import dev.replens.views.heatmap.KernelTap;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders every control into PNGs for a person to look at: run with {@code
 * -Dreplens.gallery=/tmp/gallery}. Skipped otherwise.
 */
@EnabledIfSystemProperty(named = "replens.gallery", matches = ".+")
@ExtendWith(ApplicationExtension.class)
class ViewsGalleryTest {

  private final StackPane root = new StackPane();

  @Start
  void start(Stage stage) {
    stage.setScene(new Scene(root, 1200, 900));
    stage.show();
  }

  private void shoot(FxRobot robot, Node node, double w, double h, String name) {
    robot.interact(
        () -> {
          root.getChildren().setAll(new StackPane(node));
          root.getScene().getWindow().setWidth(w);
          root.getScene().getWindow().setHeight(h);
        });
    WaitForAsyncUtils.waitForFxEvents();
    WaitForAsyncUtils.waitForFxEvents();
    FxSnapshots.saveIfGallery(FxSnapshots.snapshot(robot, root), name);
  }

  @Test
  void heatmaps(FxRobot robot) {
    KernelSnapshot k = TestKernels.random(8, 8, 3, 1, 11);
    KernelHeatmap h = new KernelHeatmap("rbr_dense", k);
    h.setShowBias(true);
    h.setSelectedTap(KernelTap.at(k, 2, 5, 1, 1));
    shoot(robot, h, 560, 480, "heatmap-8x8.png");

    robot.interact(() -> h.setZoom(3));
    shoot(robot, h, 560, 480, "heatmap-8x8-zoomed.png");
    robot.interact(h::fit);
    robot.moveTo(h.localToScreen(((KernelHeatmapSkin) h.getSkin()).tapCenter(6, 1, 0, 2)));
    WaitForAsyncUtils.waitForFxEvents();
    FxSnapshots.saveIfGallery(FxSnapshots.snapshot(robot, root), "heatmap-8x8-hover.png");

    KernelHeatmap big = new KernelHeatmap("fused", TestKernels.random(64, 64, 3, 1, 5));
    shoot(robot, big, 700, 620, "heatmap-64-page.png");
    robot.interact(() -> big.setPageSize(64));
    shoot(robot, big, 700, 620, "heatmap-64-all.png");

    KernelSnapshot dw = TestKernels.random(8, 8, 3, 4, 2);
    shoot(robot, new KernelHeatmap("grouped g4", dw), 520, 460, "heatmap-grouped.png");

    HBox side = new HBox(8);
    String[] names = {"rbr_dense", "rbr_1x1", "rbr_identity", "fused"};
    for (int i = 0; i < names.length; i++) {
      KernelHeatmap m = new KernelHeatmap(names[i], TestKernels.random(16, 16, 3, 1, 20 + i));
      m.setFixedScale(1.0);
      m.setPrefSize(290, 300);
      side.getChildren().add(m);
    }
    shoot(robot, side, 1220, 360, "heatmap-side-by-side.png");
  }

  @Test
  void formulas(FxRobot robot) {
    GridPane grid = new GridPane();
    grid.setHgap(16);
    grid.setVgap(6);
    grid.setPadding(new Insets(10));
    int row = 0;
    for (TransformKind t : TransformKind.values()) {
      grid.add(new Label(t.title()), 0, row);
      grid.add(new FormulaView(t.formula()), 1, row++);
    }
    grid.add(new Label("tricky"), 0, row);
    grid.add(
        new FormulaView("x^{2}_{i} + \\frac{a^{2}}{b_{j}} - \\foo{z} \\sqrt{\\frac{1}{2}}"),
        1,
        row);
    grid.setStyle("-fx-background-color: white;");
    shoot(robot, grid, 1100, 900, "formulas.png");
    FxSnapshots.saveIfGallery(FxSnapshots.snapshot(robot, root, 1.5), "formulas-150.png");
  }

  @Test
  void badgesChartsAndMaps(FxRobot robot) {
    ErrorBadge ok = new ErrorBadge(3.1e-7, 1e-5);
    ErrorBadge bad = new ErrorBadge(0.042, 1e-5);
    bad.setDiagnosis(
        "Step 3 (Pad kernel to KxK) diverged: the error lies only on the border ring, the"
            + " signature of per-op padding.");
    bad.setExpanded(true);
    ErrorBadge unknown = new ErrorBadge();
    VBox badges = new VBox(8, ok, bad, unknown);
    badges.setPadding(new Insets(10));
    badges.setStyle("-fx-background-color: white;");
    shoot(robot, badges, 460, 220, "badges.png");

    ContributionChart chart = new ContributionChart();
    Map<String, Double> parts = new LinkedHashMap<>();
    parts.put("rbr_dense", 0.412);
    parts.put("rbr_1x1", -0.137);
    parts.put("rbr_identity", 1.0);
    parts.put("rbr_avg", -0.0213);
    chart.show(new KernelTap(3, 3, 3, 1, 1, 1.2537), parts);
    shoot(robot, chart, 520, 300, "contributions.png");

    int n = 16;
    double[] map = new double[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        boolean border = y == 0 || x == 0 || y == n - 1 || x == n - 1;
        map[y * n + x] = border ? 0.03 * (1 + (x + y) % 3) : 1e-7 * (1 + (x * y) % 5);
      }
    }
    ErrorMapView em = new ErrorMapView();
    em.setTitle("fused vs training");
    em.setComparison(new Comparison(0.09, 0.5, new double[] {0.09}, map, n, n));
    shoot(robot, em, 480, 420, "error-map-log.png");
    robot.interact(() -> em.setLogScale(false));
    shoot(robot, em, 480, 420, "error-map-linear.png");
    // Against a round-off bound: fine inside (1e−7 … 5e−7 under 2e−5), a mismatch on the border.
    robot.interact(
        () -> {
          em.setLogScale(true);
          em.setBound(2e-5);
        });
    shoot(robot, em, 520, 460, "error-map-bounded.png");
    double[] fine = new double[13 * 11];
    for (int i = 0; i < fine.length; i++) {
      fine[i] = 1e-7 * (1 + (i * 7) % 13);
    }
    robot.interact(
        () -> {
          em.setBound(2.3e-5);
          em.setComparison(new Comparison(1.3e-6, 1e-6, new double[] {1.3e-6}, fine, 13, 11));
        });
    shoot(robot, em, 520, 460, "error-map-within-round-off.png");

    LiveChart live = new LiveChart("Training loss", "step", "loss");
    LiveChart.Batch b = live.batch();
    for (int i = 0; i < 200; i++) {
      b.add("multi-branch", i, 2.3 * Math.exp(-i / 60.0) + 0.05 * Math.sin(i / 3.0) + 0.2);
      b.add("fused", i, 2.3 * Math.exp(-i / 50.0) + 0.04 * Math.cos(i / 4.0) + 0.18);
    }
    b.commit();
    shoot(robot, live, 640, 400, "live-chart.png");
  }
}
