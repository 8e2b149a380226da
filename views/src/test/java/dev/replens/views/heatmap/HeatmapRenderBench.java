package dev.replens.views.heatmap;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.views.TestKernels;
import java.util.Arrays;
import java.util.Locale;

/**
 * A timing harness (not a test) for {@link KernelHeatmapRenderer#render}: a random 64×64×3×3
 * kernel, whole and paged, at several tap sizes; prints the median and 95th percentile of 200 runs
 * after 50 warm-up runs. Run with the test classpath: {@code java -cp … HeatmapRenderBench}.
 */
public final class HeatmapRenderBench {

  private HeatmapRenderBench() {}

  public static void main(String[] args) {
    KernelSnapshot k = TestKernels.random(64, 64, 3, 1, 42);
    run(k, new ChannelWindow(0, 64, 0, 64), 4);
    run(k, new ChannelWindow(0, 64, 0, 64), 2);
    run(k, new ChannelWindow(0, 32, 0, 32), 6);
    run(k, new ChannelWindow(0, 64, 0, 64), 8);
  }

  private static void run(KernelSnapshot k, ChannelWindow w, int tap) {
    HeatmapGeometry g = HeatmapGeometry.of(w.outCount(), w.inCount(), k.kh(), k.kw(), tap);
    int[] buf = null;
    for (int i = 0; i < 50; i++) {
      buf = KernelHeatmapRenderer.render(k, w, g, k.maxAbs(), buf);
    }
    long[] ns = new long[200];
    for (int i = 0; i < ns.length; i++) {
      long t0 = System.nanoTime();
      buf = KernelHeatmapRenderer.render(k, w, g, k.maxAbs(), buf);
      ns[i] = System.nanoTime() - t0;
    }
    Arrays.sort(ns);
    System.out.printf(
        Locale.ROOT,
        "%s tap %d px -> %d x %d px: median %.2f ms, p95 %.2f ms%n",
        w,
        tap,
        g.width(),
        g.height(),
        ns[ns.length / 2] / 1e6,
        ns[(int) (ns.length * 0.95)] / 1e6);
  }
}
