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

  @Override
  protected double computePrefHeight(
      double width, double top, double right, double bottom, double left) {
    return top + 300 + bottom;
  }
}
