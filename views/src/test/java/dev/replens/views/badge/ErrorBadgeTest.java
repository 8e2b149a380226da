package dev.replens.views.badge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.views.FxSnapshots;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class ErrorBadgeTest {

  private ErrorBadge badge;

  @Start
  void start(Stage stage) {
    badge = new ErrorBadge(3.1e-7, 1e-5);
    stage.setScene(new Scene(new VBox(badge), 420, 160));
    stage.show();
  }

  private boolean has(String pseudoClass) {
    return badge.getPseudoClassStates().stream()
        .anyMatch(p -> p.getPseudoClassName().equals(pseudoClass));
  }

  /** The badge's background color a few pixels inside its left edge, at mid height. */
  private Color background(FxRobot robot) {
    WritableImage img = FxSnapshots.snapshot(robot, badge);
    return FxSnapshots.colorAt(img, new Point2D(3, img.getHeight() / 2));
  }

  @Test
  void aValueWithinTheBoundIsOkAndGreenAndSaysSo(FxRobot robot) {
    assertThat(has("ok")).isTrue();
    assertThat(has("diverged")).isFalse();
    assertThat(badge.getText()).isEqualTo("max |Δ| 3.1e−07 · within round-off");
    assertThat(badge.getBoundText()).isEqualTo("round-off bound 1.0e−05");
    assertThat(badge.getSummary()).isEqualTo("max |Δ| 3.1e−07 · within round-off (bound 1.0e−05)");
    assertThat(robot.lookup(".error-badge .bound-label").queryLabeled().getText())
        .isEqualTo("round-off bound 1.0e−05");
    Color c = background(robot);
    assertThat(c.getGreen()).isGreaterThan(c.getRed() + 0.03);
  }

  @Test
  void thePseudoClassFlipsWhenTheValueCrossesTheBound(FxRobot robot) {
    robot.interact(
        () -> {
          badge.setTransform("Pad 1x1 → 3x3 in rbr_1x1");
          badge.setValue(0.042);
        });
    assertThat(has("diverged")).isTrue();
    assertThat(has("ok")).isFalse();
    assertThat(badge.getText()).isEqualTo("max |Δ| 4.2e−02 · real mismatch");
    assertThat(badge.getBoundText()).isEqualTo("4200× the round-off bound 1.0e−05");
    assertThat(badge.getSummary())
        .isEqualTo(
            "max |Δ| 4.2e−02 · real mismatch, 4200× the bound 1.0e−05, in “Pad 1x1 → 3x3 in"
                + " rbr_1x1”");
    Color c = background(robot);
    assertThat(c.getRed()).isGreaterThan(c.getGreen() + 0.03);
    robot.interact(() -> badge.setValue(Double.POSITIVE_INFINITY));
    assertThat(has("diverged")).isTrue();
    robot.interact(() -> badge.setValue(1e-5));
    assertThat(has("ok")).isTrue();
    robot.interact(() -> badge.setBound(1e-6));
    assertThat(has("diverged")).isTrue();
  }

  @Test
  void aNanValueIsNotMeasured(FxRobot robot) {
    robot.interact(badge::clear);
    assertThat(has("unknown")).isTrue();
    assertThat(has("ok") || has("diverged")).isFalse();
    assertThat(badge.getText()).isEqualTo("max |Δ| —");
    assertThat(badge.getSummary()).isEmpty();
  }

  @Test
  void clickingABadgeWithADiagnosisShowsIt(FxRobot robot) {
    robot.interact(
        () -> {
          badge.setValue(0.5);
          badge.setDiagnosis("Pad kernel to KxK diverged on the border.");
        });
    Label diagnosis = robot.lookup(".diagnosis").queryAs(Label.class);
    assertThat(diagnosis.isVisible()).isFalse();
    robot.clickOn(badge);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(badge.isExpanded()).isTrue();
    assertThat(has("expanded")).isTrue();
    assertThat(diagnosis.isVisible()).isTrue();
    assertThat(diagnosis.getText()).contains("border");
  }
}
