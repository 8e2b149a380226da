package dev.replens.views.chart;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.Range;
import org.jfree.data.xy.XYDataset;

/**
 * A base-10 log axis whose auto range spans the data's decades, however small the values: from the
 * decade at or below the smallest value to the decade at or above the largest, at least one decade
 * wide, with ticks on whole decades. JFreeChart's own {@link LogAxis} widens a range narrower than
 * its minimum size (1e-8) in linear terms, which sends the lower bound below zero for data near
 * 1e-15, and then draws neither line nor ticks.
 *
 * <p>Non-positive and non-finite values are left out of the range (a log axis can't show them);
 * positive values below {@link #getSmallestValue()} (by default {@link Double#MIN_NORMAL}) count as
 * that value.
 */
final class DataLogAxis extends LogAxis {

  private static final long serialVersionUID = 1L;

  DataLogAxis(String label) {
    super(label);
    setBase(10);
    setSmallestValue(Double.MIN_NORMAL);
    setStandardTickUnits(NumberAxis.createIntegerTickUnits());
  }

  @Override
  protected void autoAdjustRange() {
    Plot plot = getPlot();
    if (!(plot instanceof XYPlot xy)) {
      super.autoAdjustRange();
      return;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < xy.getDatasetCount(); i++) {
      XYDataset d = xy.getDataset(i);
      if (d == null || xy.getRangeAxisForDataset(i) != this) {
        continue;
      }
      for (int s = 0; s < d.getSeriesCount(); s++) {
        for (int k = 0; k < d.getItemCount(s); k++) {
          double y = d.getYValue(s, k);
          if (y > 0 && Double.isFinite(y)) {
            min = Math.min(min, y);
            max = Math.max(max, y);
          }
        }
      }
    }
    if (min > max) {
      setRange(new Range(0.1, 1), false, false);
      return;
    }
    double lo = Math.floor(Math.log10(Math.max(min, getSmallestValue())));
    double hi = Math.ceil(Math.log10(Math.max(max, getSmallestValue())));
    if (hi <= lo) {
      hi = lo + 1;
    }
    setRange(new Range(Math.pow(10, lo), Math.pow(10, hi)), false, false);
  }
}
