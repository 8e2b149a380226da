package dev.replens.views.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.views.TestKernels;
import org.junit.jupiter.api.Test;

/**
 * The pure heatmap renderer and its geometry. Kernels: a 2×2×3×3 kernel with {@code w[0,1,2,0] =
 * +0.5} and {@code w[1,0,0,2] = −1}; a 4×4×3×3 kernel in 2 groups; a random 64×64×3×3 kernel.
 */
class KernelHeatmapRendererTest {

  private static int pixelAt(int[] px, HeatmapGeometry g, int row, int col, int y, int x) {
    int cx = g.tapLeft(col, x) + g.tap() / 2;
    int cy = g.tapTop(row, y) + g.tap() / 2;
    return px[cy * g.width() + cx];
  }

  @Test
  void eachTapIsItsColormapColorInItsGeometryCell() {
    KernelSnapshot k = TestKernels.zeros(2, 2, 3, 1, 0, 1, 2, 0, 0.5, 1, 0, 0, 2, -1.0);
    HeatmapGeometry g = HeatmapGeometry.of(2, 2, 3, 3, 8);
    int[] px = KernelHeatmapRenderer.render(k, new ChannelWindow(0, 2, 0, 2), g, 1.0, null);
    assertThat(px).hasSize(g.width() * g.height());
    assertThat(pixelAt(px, g, 0, 1, 2, 0)).isEqualTo(Colormap.DIVERGING.argb(0.5));
    assertThat(pixelAt(px, g, 1, 0, 0, 2)).isEqualTo(Colormap.DIVERGING.argb(-1));
    assertThat(pixelAt(px, g, 0, 0, 1, 1)).isEqualTo(0xffffffff);
    // The first row of pixels is a channel line; the pixel after the first tap is a tap line.
    assertThat(px[0]).isEqualTo(KernelHeatmapRenderer.THICK_LINE);
    int thinX = g.tapLeft(0, 0) + g.tap();
    assertThat(px[g.tapTop(0, 1) * g.width() + thinX]).isEqualTo(KernelHeatmapRenderer.THIN_LINE);
  }

  @Test
  void positiveIsRedNegativeIsBlueAndZeroIsWhite() {
    int red = Colormap.DIVERGING.argb(1);
    int blue = Colormap.DIVERGING.argb(-1);
    assertThat((red >> 16) & 0xff).isGreaterThan((red & 0xff) + 50);
    assertThat(blue & 0xff).isGreaterThan(((blue >> 16) & 0xff) + 50);
    assertThat(Colormap.DIVERGING.argb(0)).isEqualTo(0xffffffff);
    assertThat(Colormap.SEQUENTIAL.argb(0)).isEqualTo(0xffffffff);
    // Lightness falls monotonically away from 0 on both sides.
    double last = 1.1;
    for (int i = 0; i <= 20; i++) {
      double l = Colormap.DIVERGING.color(i / 20.0).getBrightness();
      assertThat(l).isLessThanOrEqualTo(last + 1e-9);
      last = l;
    }
  }

  @Test
  void valuesBeyondTheScaleSaturateAndAZeroScaleDrawsWhite() {
    KernelSnapshot k = TestKernels.zeros(1, 1, 1, 1, 0, 0, 0, 0, 5.0);
    HeatmapGeometry g = HeatmapGeometry.of(1, 1, 1, 1, 4);
    ChannelWindow w = new ChannelWindow(0, 1, 0, 1);
    assertThat(pixelAt(KernelHeatmapRenderer.render(k, w, g, 1.0, null), g, 0, 0, 0, 0))
        .isEqualTo(Colormap.DIVERGING.argb(1));
    assertThat(pixelAt(KernelHeatmapRenderer.render(k, w, g, 0.0, null), g, 0, 0, 0, 0))
        .isEqualTo(0xffffffff);
  }

  @Test
  void unconnectedKernelsAreHatchedGreyOverTheirWholeArea() {
    KernelSnapshot k = TestKernels.zeros(4, 4, 3, 2);
    HeatmapGeometry g = HeatmapGeometry.of(4, 4, 3, 3, 8);
    int[] px = KernelHeatmapRenderer.render(k, new ChannelWindow(0, 4, 0, 4), g, 1.0, null);
    // out 0 reads in 0..1 only: kernel (0, 3) is hatched, tap lines included.
    int left = g.kernelLeft(3);
    int top = g.kernelTop(0);
    for (int y = top; y < top + g.kernelHeight(); y++) {
      for (int x = left; x < left + g.kernelWidth(); x++) {
        assertThat(px[y * g.width() + x])
            .isIn(KernelHeatmapRenderer.HATCH_DARK, KernelHeatmapRenderer.HATCH_LIGHT);
      }
    }
    assertThat(pixelAt(px, g, 0, 1, 1, 1)).isEqualTo(0xffffffff);
  }

  @Test
  void aWindowRendersItsOwnChannels() {
    KernelSnapshot k = TestKernels.random(64, 64, 3, 1, 9);
    HeatmapGeometry g = HeatmapGeometry.of(32, 32, 3, 3, 5);
    int[] px = KernelHeatmapRenderer.render(k, new ChannelWindow(32, 64, 32, 64), g, 1.0, null);
    assertThat(pixelAt(px, g, 8, 1, 2, 1)).isEqualTo(Colormap.DIVERGING.argb(k.at(40, 33, 2, 1)));
  }

  @Test
  void reRenderingReusesTheCallersBuffer() {
    KernelSnapshot k = TestKernels.random(64, 64, 3, 1, 1);
    HeatmapGeometry g = HeatmapGeometry.of(64, 64, 3, 3, 4);
    ChannelWindow w = new ChannelWindow(0, 64, 0, 64);
    int[] first = KernelHeatmapRenderer.render(k, w, g, 1.0, null);
    int[] second = KernelHeatmapRenderer.render(k, w, g, 1.0, first);
    assertThat(second).isSameAs(first);
  }

  @Test
  void aMismatchedGeometryIsRejectedWithBothShapes() {
    KernelSnapshot k = TestKernels.random(4, 4, 3, 1, 1);
    assertThatThrownBy(
            () ->
                KernelHeatmapRenderer.render(
                    k, new ChannelWindow(0, 4, 0, 4), HeatmapGeometry.of(2, 2, 3, 3, 4), 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KernelSnapshot[4x4x3x3 g1]");
  }

  @Test
  void everyTapCentreHitsItsOwnTapAndChannelLinesHitNothing() {
    HeatmapGeometry g = HeatmapGeometry.of(3, 4, 3, 2, 7);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 2; x++) {
            int[] hit = g.hit(g.tapLeft(c, x) + 3.5, g.tapTop(r, y) + 3.5);
            assertThat(hit).containsExactly(r, c, y, x);
          }
        }
      }
    }
    assertThat(g.hit(0.5, 10)).isNull();
    assertThat(g.hit(g.kernelLeft(1) - 1, 10)).isNull();
    assertThat(g.hit(g.width() + 2, 10)).isNull();
  }

  @Test
  void theFittedTapIsTheLargestThatFits() {
    int t = HeatmapGeometry.fitTap(8, 8, 3, 3, 400, 300);
    assertThat(HeatmapGeometry.of(8, 8, 3, 3, t).height()).isLessThanOrEqualTo(300);
    assertThat(HeatmapGeometry.of(8, 8, 3, 3, t + 1).height()).isGreaterThan(300);
  }
}
