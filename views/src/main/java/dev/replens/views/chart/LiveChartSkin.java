package dev.replens.views.chart;

import javafx.scene.control.SkinBase;
import org.jfree.chart.fx.ChartViewer;

/** The skin of {@link LiveChart}: a JFreeChart-FX {@link ChartViewer} of the control's chart. */
public class LiveChartSkin extends SkinBase<LiveChart> {

  private final ChartViewer viewer;

  public LiveChartSkin(LiveChart control) {
    super(control);
    viewer = new ChartViewer(control.getChart());
    viewer.getStyleClass().add("viewer");
    getChildren().add(viewer);
  }

  /** The viewer, e.g. to take its canvas's snapshot. */
  public ChartViewer viewer() {
    return viewer;
  }

  @Override
  protected double computePrefWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 480 + right;
  }

  /** A chart draws at any size; it never holds its pane wider than the window. */
  @Override
  protected double computeMinWidth(
      double height, double top, double right, double bottom, double left) {
    return left + 160 + right;
  }

  @Override
  protected double computeMinHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 120 + bottom;
  }

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 300 + bottom;
  }
}
