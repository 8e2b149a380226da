package dev.replens.views.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.replens.views.heatmap.KernelTap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Contributions of three branches (+0.4, −0.15, +1.0) to a fused tap of 1.25. */
@ExtendWith(ApplicationExtension.class)
class ContributionChartTest {

  private ContributionChart chart;

  @Start
  void start(Stage stage) {
    chart = new ContributionChart();
    stage.setScene(new Scene(new StackPane(chart), 520, 320));
    stage.show();
  }

  private static Map<String, Double> parts() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rbr_dense", 0.4);
    m.put("rbr_1x1", -0.15);
    m.put("rbr_identity", 1.0);
    return m;
  }

  private List<Node> bars(FxRobot robot) {
    return new ArrayList<>(robot.from(chart).lookup(".contribution-bar").queryAll());
  }

  private Node bar(FxRobot robot, String styleClass) {
    return bars(robot).stream()
        .filter(n -> n.getStyleClass().contains(styleClass))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void oneBarPerBranchPlusTheTotalWithTheirSigns(FxRobot robot) {
    robot.interact(() -> chart.show(new KernelTap(3, 3, 3, 1, 1, 1.25), parts()));
    WaitForAsyncUtils.waitForFxEvents();
    List<Node> bars = bars(robot);
    assertThat(bars).hasSize(4);
    assertThat(bars.stream().filter(n -> n.getStyleClass().contains("negative"))).hasSize(1);
    assertThat(bars.stream().filter(n -> n.getStyleClass().contains("fused"))).hasSize(1);
    assertThat(bar(robot, "data1").getStyleClass()).contains("negative");
    assertThat(bar(robot, "fused").getStyleClass()).doesNotContain("negative");
    assertThat(chart.getTitle()).isEqualTo("Contributions to w[3, 3, 1, 1]");
    assertThat(robot.from(chart).lookup(".value-label").queryAllAs(Text.class))
        .extracting(Text::getText)
        .containsExactlyInAnyOrder("0.4", "−0.15", "1", "1.25");
  }

  @Test
  void negativeBarsPointLeftOfZeroAndPositiveOnesRight(FxRobot robot) {
    robot.interact(() -> chart.show(new KernelTap(0, 0, 0, 0, 0, 1.25), parts()));
    WaitForAsyncUtils.waitForFxEvents();
    Bounds neg = bar(robot, "negative").localToScene(bar(robot, "negative").getBoundsInLocal());
    Node posNode = bar(robot, "data0");
    Bounds pos = posNode.localToScene(posNode.getBoundsInLocal());
    assertThat(neg.getMaxX()).isCloseTo(pos.getMinX(), within(1.5));
    // Lengths follow the values: |−0.15| / 0.4.
    assertThat(neg.getWidth() / pos.getWidth()).isCloseTo(0.375, within(0.05));
  }

  @Test
  void theTotalDefaultsToTheSumOfTheParts(FxRobot robot) {
    robot.interact(() -> chart.setContributions(parts()));
    assertThat(chart.effectiveTotal()).isCloseTo(1.25, within(1e-12));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(bars(robot)).hasSize(4);
  }

  @Test
  void aNegativeTotalIsANegativeFusedBar(FxRobot robot) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("a", -0.5);
    m.put("b", 0.2);
    robot.interact(() -> chart.setContributions(m));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(bar(robot, "fused").getStyleClass()).contains("negative");
  }

  @Test
  void withoutContributionsThePlaceholderShows(FxRobot robot) {
    assertThat(chart.getPseudoClassStates().toString()).contains("empty");
    assertThat(robot.from(chart).lookup(".placeholder").queryLabeled().isVisible()).isTrue();
    robot.interact(() -> chart.setContributions(parts()));
    robot.interact(chart::clear);
    assertThat(bars(robot)).isEmpty();
  }
}
