package dev.replens.app.training;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.engine.train.BlockMetrics;
import dev.replens.engine.train.MemoryUsage;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.ValidationMetrics;
import dev.replens.views.chart.LiveChart;
import dev.replens.views.heatmap.KernelHeatmap;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.Range;

/**
 * The lab's charts and the numbers behind them: every run in {@link TrainingLab#runs()} is a set of
 * series (named after the run, e.g. {@code offline train}), so runs of a comparison overlay.
 *
 * <p>Drawing is spread over frames. {@link #append} only adds points to each chart's pending batch
 * (no drawing); {@link #flush} then redraws the charts that have new points, one after another,
 * until a frame's time budget is spent, so a frame never redraws every chart at once. A chart that
 * is not on screen (another tab, or another view of its card) keeps its batch until it is shown.
 *
 * <p>The branch charts (similarity, gradient directions and norms) and the kernel heatmap show one
 * block, {@link #blockProperty()}; each run keeps its branch measurements (without the kernels,
 * only the latest kernel per block) so that choosing another block redraws them from history.
 *
 * <p>Colors: one per run in the loss, accuracy and cost charts (validation drawn thicker with
 * markers); in the branch charts one per branch or pair, with the run's dash pattern.
 */
final class LabCharts {

  /** Run colors (Tableau 10). */
  private static final int[] PALETTE = {
    0x4e79a7, 0xf28e2b, 0x59a14f, 0xe15759, 0xb07aa1, 0x76b7b2, 0xedc948, 0xff9da7, 0x9c755f,
    0xbab0ac
  };

  private static final float[][] DASHES = {null, {7f, 4f}, {2f, 3f}, {9f, 3f, 2f, 3f}};

  /** One branch measurement of one block at one step, without the kernel. */
  private record BranchSample(
      int step,
      int block,
      List<String> branches,
      double[][] kernelCosine,
      double[] toTotal,
      double[][] gradientCosine,
      double[] norms) {

    static BranchSample of(int step, BlockMetrics m) {
      return new BranchSample(
          step,
          m.block(),
          m.branches(),
          m.kernelCosine(),
          m.gradientCosineToTotal(),
          m.gradientCosine(),
          m.gradientNorms());
    }
  }

  private record KernelAt(int step, KernelSnapshot kernel) {}

  private static final class RunRecord {
    final TrainingLab.RunInfo info;
    final int index;
    final List<BranchSample> samples = new ArrayList<>();
    final Map<Integer, KernelAt> kernels = new HashMap<>();
    double msSum;
    int msCount;
    StepMetrics last;

    RunRecord(TrainingLab.RunInfo info, int index) {
      this.info = info;
      this.index = index;
    }
  }

  final LiveChart loss = chart("Loss", "cross-entropy");
  final LiveChart accuracy = chart("Accuracy", "accuracy (%)");
  final LiveChart similarity = chart("Branch similarity", "cos(W_a, W_b)");
  final LiveChart toTotal = chart("Gradient direction vs. the total", "cos(d_b, Σ d)");
  final LiveChart pairs = chart("Gradient directions between branches", "cos(d_a, d_b)");
  final LiveChart norms = chart("Gradient norms", "|d_b|");
  final LiveChart stepTime = chart("Time per step", "ms per step");
  final LiveChart memory = chart("Memory", "MiB");
  final KernelHeatmap kernel = new KernelHeatmap();

  private final Map<Integer, RunRecord> records = new LinkedHashMap<>();
  private final IntegerProperty block = new SimpleIntegerProperty(this, "block", 0);
  private final ReadOnlyIntegerWrapper blocks = new ReadOnlyIntegerWrapper(this, "blocks", 0);
  private final ReadOnlyStringWrapper costSummary = new ReadOnlyStringWrapper(this, "cost", "");
  private final ReadOnlyStringWrapper kernelCaption =
      new ReadOnlyStringWrapper(this, "kernelCaption", "");
  private final Map<LiveChart, LiveChart.Batch> pending = new IdentityHashMap<>();
  private RunRecord pendingKernel;
  private final Map<Object, Long> lastDrawn = new IdentityHashMap<>();
  private int nextFlush;

  /** The series drawn with markers always (validation), per chart. */
  private final Map<LiveChart, Set<String>> marked = new IdentityHashMap<>();

  LabCharts(ObservableList<TrainingLab.RunInfo> runs) {
    norms.setLogY(true);
    // One point (or a flat line) must not collapse an axis to a sliver with repeated ticks, and an
    // empty chart shows the range its values will have.
    range(loss, 0.05, 0, 2.5);
    // Accuracy is a percentage: always 0 to 100, so that a run stuck at chance or one point alone
    // doesn't stretch the axis into negative percentages.
    accuracy.getChart().getXYPlot().getRangeAxis().setAutoRange(false);
    accuracy.getChart().getXYPlot().getRangeAxis().setRange(0, 100.5);
    range(similarity, 0.01, -1, 1);
    range(toTotal, 0.01, -1, 1);
    range(pairs, 0.01, -1, 1);
    range(stepTime, 2, 0, 100);
    range(memory, 2, 0, 1000);
    norms.getChart().getXYPlot().getRangeAxis().setDefaultAutoRange(new Range(1e-3, 1));
    for (LiveChart c : charts()) {
      NumberAxis x = (NumberAxis) c.getChart().getXYPlot().getDomainAxis();
      x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      x.setAutoRangeMinimumSize(2);
      x.setDefaultAutoRange(new Range(0, 100));
    }
    kernel.setId("labKernel");
    kernel.setShowBias(true);
    runs.addListener((ListChangeListener<TrainingLab.RunInfo>) c -> sync(runs));
    block.addListener((o, a, b) -> redrawBranches());
    sync(runs);
  }

  private static void range(LiveChart c, double minimumSize, double emptyFrom, double emptyTo) {
    org.jfree.chart.axis.ValueAxis y = c.getChart().getXYPlot().getRangeAxis();
    y.setAutoRangeMinimumSize(minimumSize);
    y.setDefaultAutoRange(new Range(emptyFrom, emptyTo));
  }

  private static LiveChart chart(String title, String yLabel) {
    LiveChart c = new LiveChart("", "step", yLabel);
    c.setUserData(title);
    return c;
  }

  /** Every chart, in the order of the cards. */
  List<LiveChart> charts() {
    return List.of(loss, accuracy, similarity, toTotal, pairs, norms, stepTime, memory);
  }

  /** The block the branch charts show, from 0. */
  IntegerProperty blockProperty() {
    return block;
  }

  /** How many blocks the shown runs have. */
  ReadOnlyIntegerProperty blocksProperty() {
    return blocks.getReadOnlyProperty();
  }

  /** The current run's cost in a line, e.g. {@code offline: 35.2 ms/step · process 812 MiB}. */
  ReadOnlyStringProperty costSummaryProperty() {
    return costSummary.getReadOnlyProperty();
  }

  /** What the heatmap shows, e.g. {@code block 1 · step 120 · offline}. */
  ReadOnlyStringProperty kernelCaptionProperty() {
    return kernelCaption.getReadOnlyProperty();
  }

  // ---------------------------------------------------------------- runs come and go

  private void sync(List<TrainingLab.RunInfo> runs) {
    if (runs.isEmpty()) {
      records.clear();
      pending.clear();
      pendingKernel = null;
      for (LiveChart c : charts()) {
        c.removeAllSeries();
        c.getChart().setNotify(true);
      }
      kernel.setKernel(null);
      kernel.setTitle("");
      kernelCaption.set("");
      costSummary.set("");
      blocks.set(0);
      return;
    }
    records.keySet().removeIf(id -> runs.stream().noneMatch(r -> r.id() == id));
    for (TrainingLab.RunInfo r : runs) {
      records.computeIfAbsent(r.id(), id -> new RunRecord(r, runs.indexOf(r)));
    }
    int depth = runs.stream().mapToInt(r -> r.net().depth()).max().orElse(0);
    blocks.set(depth);
    if (block.get() >= depth) {
      block.set(0);
    }
  }

  // ---------------------------------------------------------------- points

  /** Adds the events' points to the pending batches; nothing is drawn until {@link #flush}. */
  void append(List<LabEvent> events) {
    for (LabEvent e : events) {
      RunRecord r = records.get(e.run());
      if (r == null) {
        continue;
      }
      String l = r.info.label();
      if (e instanceof LabEvent.Step s) {
        StepMetrics m = s.metrics();
        Color c = runColor(r);
        add(loss, l + " train", c, stroke(1.4f, null), false, m.step(), m.loss());
        add(accuracy, l + " train", c, stroke(1.4f, null), false, m.step(), 100 * m.accuracy());
        add(stepTime, l, c, stroke(1.6f, null), false, m.step(), m.stepMillis());
        MemoryUsage mem = m.memory();
        add(
            memory,
            l + " process",
            c,
            stroke(1.6f, null),
            false,
            m.step(),
            MemoryUsage.mib(mem.processBytes()));
        add(
            memory,
            l + " step arrays",
            c,
            stroke(1.6f, DASHES[1]),
            false,
            m.step(),
            MemoryUsage.mib(mem.stepWorkingSetBytes()));
        r.last = m;
        if (m.step() > 3) {
          r.msSum += m.stepMillis();
          r.msCount++;
        }
        for (BlockMetrics b : m.blocks()) {
          BranchSample sample = BranchSample.of(m.step(), b);
          r.samples.add(sample);
          r.kernels.put(b.block(), new KernelAt(m.step(), b.fusedKernel()));
          if (b.block() == block.get()) {
            addBranchPoints(r, sample);
            pendingKernel = r;
          }
        }
        updateCost(r);
      } else if (e instanceof LabEvent.Validation v) {
        ValidationMetrics m = v.metrics();
        Color c = runColor(r);
        add(loss, l + " val", c, stroke(2f, null), true, m.step(), m.loss());
        add(accuracy, l + " val", c, stroke(2f, null), true, m.step(), 100 * m.accuracy());
      }
    }
  }

  /**
   * Redraws charts with pending points, taking turns, until {@code budgetNanos} is spent (at least
   * one chart). A chart redrawn less than {@code minIntervalNanos} ago, or not on screen, waits.
   * Returns how many were redrawn. FX thread.
   */
  int flush(long budgetNanos, long minIntervalNanos) {
    long t0 = System.nanoTime();
    List<Object> order = new ArrayList<>(charts());
    order.add(kernel);
    int n = order.size();
    int drawn = 0;
    for (int k = 0; k < n; k++) {
      int i = (nextFlush + k) % n;
      Object target = order.get(i);
      Long last = lastDrawn.get(target);
      if (last != null && t0 - last < minIntervalNanos) {
        continue;
      }
      boolean done;
      if (target == kernel) {
        done = pendingKernel != null && showing(kernel) && flushKernel();
      } else {
        LiveChart c = (LiveChart) target;
        done = pending.containsKey(c) && showing(c) && flushChart(c);
      }
      if (done) {
        drawn++;
        lastDrawn.put(target, t0);
        nextFlush = (i + 1) % n;
        if (System.nanoTime() - t0 >= budgetNanos) {
          break;
        }
      }
    }
    return drawn;
  }

  /** Redraws {@code c} now if it has pending points (e.g. when it is switched into view). */
  boolean flushChart(LiveChart c) {
    LiveChart.Batch b = pending.remove(c);
    if (b == null) {
      return false;
    }
    dotLonePoints(c);
    b.commit();
    return true;
  }

  /**
   * A line needs two points: a series with one point alone (after a single step) shows it as a dot
   * until its second point arrives.
   */
  private void dotLonePoints(LiveChart c) {
    XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) c.getChart().getXYPlot().getRenderer();
    org.jfree.data.xy.XYDataset d = c.getChart().getXYPlot().getDataset();
    for (int i = 0; i < d.getSeriesCount(); i++) {
      if (marked.getOrDefault(c, Set.of()).contains(String.valueOf(d.getSeriesKey(i)))) {
        continue;
      }
      boolean lone = d.getItemCount(i) == 1;
      if (!Boolean.valueOf(lone).equals(r.getSeriesShapesVisible(i))) {
        r.setSeriesShapesVisible(i, lone);
        if (lone) {
          r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5), false);
        }
      }
    }
  }

  private boolean flushKernel() {
    RunRecord r = pendingKernel;
    pendingKernel = null;
    showKernel(r);
    return true;
  }

  /**
   * Whether points wait for a chart that is shown in its card (a chart in a hidden tab counts: it
   * is drawn once the tab is shown; a view switched away in its card doesn't).
   */
  boolean hasPending() {
    if (pendingKernel != null) {
      return true;
    }
    for (LiveChart c : pending.keySet()) {
      if (c.isVisible()) {
        return true;
      }
    }
    return false;
  }

  private static boolean showing(javafx.scene.Node node) {
    if (node.getScene() == null) {
      return false;
    }
    for (javafx.scene.Node n = node; n != null; n = n.getParent()) {
      if (!n.isVisible()) {
        return false;
      }
    }
    return true;
  }

  private void add(
      LiveChart chart, String name, Color color, Stroke stroke, boolean marks, double x, double y) {
    series(chart, name, color, stroke, marks);
    pending.computeIfAbsent(chart, LiveChart::batch).add(name, x, y);
  }

  private void addBranchPoints(RunRecord r, BranchSample s) {
    String l = r.info.label() + " ";
    float[] dash = DASHES[r.index % DASHES.length];
    List<String> ids = s.branches();
    int pairIndex = 0;
    for (int i = 0; i < ids.size(); i++) {
      Color bc = color(i);
      add(toTotal, l + ids.get(i), bc, stroke(1.6f, dash), false, s.step(), s.toTotal()[i]);
      add(norms, l + ids.get(i), bc, stroke(1.6f, dash), false, s.step(), s.norms()[i]);
      for (int j = i + 1; j < ids.size(); j++) {
        Color pc = color(pairIndex++);
        String name = l + ids.get(i) + " / " + ids.get(j);
        add(similarity, name, pc, stroke(1.6f, dash), false, s.step(), s.kernelCosine()[i][j]);
        add(pairs, name, pc, stroke(1.6f, dash), false, s.step(), s.gradientCosine()[i][j]);
      }
    }
  }

  private void redrawBranches() {
    int b = block.get();
    List<LiveChart> branchCharts = List.of(similarity, toTotal, pairs, norms);
    for (LiveChart c : branchCharts) {
      pending.remove(c);
      c.removeAllSeries();
    }
    pendingKernel = null;
    RunRecord latest = null;
    for (RunRecord r : records.values()) {
      for (BranchSample s : r.samples) {
        if (s.block() == b) {
          addBranchPoints(r, s);
        }
      }
      if (r.kernels.containsKey(b)) {
        latest = r;
      }
    }
    for (LiveChart c : branchCharts) {
      flushChart(c);
    }
    if (latest != null) {
      showKernel(latest);
    } else {
      kernel.setKernel(null);
      kernel.setTitle("");
      kernelCaption.set("");
    }
  }

  private void showKernel(RunRecord r) {
    KernelAt k = r.kernels.get(block.get());
    if (k == null) {
      return;
    }
    kernel.setKernel(k.kernel());
    String caption =
        String.format(
            Locale.ROOT,
            "block %d of %d · fused %dx%d kernel · step %d · %s",
            block.get() + 1,
            r.info.net().depth(),
            k.kernel().kh(),
            k.kernel().kw(),
            k.step(),
            r.info.label());
    // The card is narrow: the heatmap's own title says only what changes as it trains.
    kernel.setTitle(
        String.format(
            Locale.ROOT, "block %d · step %d · %s", block.get() + 1, k.step(), r.info.label()));
    kernelCaption.set(caption);
  }

  private void updateCost(RunRecord r) {
    StepMetrics m = r.last;
    double ms = r.msCount > 0 ? r.msSum / r.msCount : m.stepMillis();
    costSummary.set(
        String.format(
            Locale.ROOT,
            "%s: %.1f ms/step%s · process %.0f MiB · step arrays %.1f MiB",
            r.info.label(),
            ms,
            r.msCount > 0 ? " (mean)" : "",
            MemoryUsage.mib(m.memory().processBytes()),
            MemoryUsage.mib(m.memory().stepWorkingSetBytes())));
  }

  // ---------------------------------------------------------------- series styling

  /**
   * Creates and styles the series {@code name} if it is new. The chart's notifications stay off
   * until its pending batch is committed, so that creating series draws nothing by itself.
   */
  private void series(LiveChart chart, String name, Color color, Stroke stroke, boolean marks) {
    List<String> names = chart.seriesNames();
    if (names.contains(name)) {
      return;
    }
    JFreeChart jf = chart.getChart();
    jf.setNotify(false);
    chart.addSeries(name);
    int i = names.size();
    XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) jf.getXYPlot().getRenderer();
    r.setSeriesPaint(i, color, false);
    r.setSeriesStroke(i, stroke, false);
    r.setSeriesShapesVisible(i, marks);
    if (marks) {
      marked.computeIfAbsent(chart, k -> new java.util.HashSet<>()).add(name);
      r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6), false);
    }
  }

  private Color runColor(RunRecord r) {
    return color(r.index);
  }

  private static Color color(int i) {
    return new Color(PALETTE[i % PALETTE.length]);
  }

  private static Stroke stroke(float width, float[] dash) {
    return dash == null
        ? new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
        : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
  }
}
