package dev.replens.views.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Tick placement of the color bar and the error map's scale; pure functions. */
class ColorBarTicksTest {

  @Test
  void aSymmetricBarTicksTheEndsHalvesAndZero() {
    assertThat(ColorBarSkin.ticks(-0.8, 0.8, false)).containsExactly(0.8, 0.4, 0.0, -0.4, -0.8);
    assertThat(ColorBarSkin.position(0, -0.8, 0.8, false)).isEqualTo(0.5);
  }

  @Test
  void aLogBarTicksDecades() {
    assertThat(ColorBarSkin.ticks(1e-9, 0.09, true)).containsExactly(1e-2, 1e-4, 1e-6, 1e-8);
    assertThat(ColorBarSkin.position(1e-5, 1e-9, 0.1, true)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void aDegenerateRangeHasOneTickInTheMiddle() {
    assertThat(ColorBarSkin.ticks(0, 0, false)).containsExactly(0.0);
    assertThat(ColorBarSkin.position(0, 0, 0, false)).isEqualTo(0.5);
  }

  @Test
  void theErrorScaleIsLogarithmicBetweenFloorAndMax() {
    assertThat(ErrorMapRenderer.t(1e-5, 1e-1, true, 1e-9)).isCloseTo(0.5, within(1e-12));
    assertThat(ErrorMapRenderer.t(1e-12, 1e-1, true, 1e-9)).isEqualTo(0);
    assertThat(ErrorMapRenderer.t(Double.POSITIVE_INFINITY, 1e-1, true, 1e-9)).isEqualTo(1);
    assertThat(ErrorMapRenderer.t(0.05, 0.1, false, 0)).isCloseTo(0.5, within(1e-12));
    assertThat(ErrorMapRenderer.t(Double.NaN, 0.1, false, 0)).isNaN();
  }
}
