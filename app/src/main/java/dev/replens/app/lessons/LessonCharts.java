package dev.replens.app.lessons;

import dev.replens.views.chart.LiveChart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;

/** The look the lesson demos' charts share: type large enough for a projector, thick lines. */
final class LessonCharts {

  static final Color BLUE = new Color(0x1f5fa8);
  static final Color RED = new Color(0xd62728);
  static final Color GREEN = new Color(0x2e8b3a);
  static final Color ORANGE = new Color(0xe07b00);

  private LessonCharts() {}

  /** A chart with no title, axis labels {@code x} and {@code y} and {@code series} in order. */
  static LiveChart chart(String x, String y, String... series) {
    LiveChart c = new LiveChart("", x, y);
    for (String s : series) {
      c.addSeries(s);
    }
    return c;
  }

  /**
   * A chart with projector-sized type, {@code colors} for its series in order (add the series
   * first) and its y axis logarithmic if asked.
   */
  static LiveChart styled(LiveChart chart, boolean logY, Color... colors) {
    chart.setLogY(logY);
    XYPlot plot = (XYPlot) chart.getChart().getPlot();
    // Room above the top curve, so that the highest tick label isn't cut.
    plot.getRangeAxis().setUpperMargin(0.12);
    for (ValueAxis a : new ValueAxis[] {plot.getDomainAxis(), plot.getRangeAxis()}) {
      a.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
      a.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    }
    chart.getChart().getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    for (int i = 0; i < colors.length; i++) {
      plot.getRenderer().setSeriesPaint(i, colors[i]);
      plot.getRenderer().setSeriesStroke(i, new BasicStroke(2.4f));
    }
    shrinkable(chart);
    chart.setMinHeight(220);
    chart.setPrefHeight(280);
    return chart;
  }

  /** Lets a chart shrink below its preferred width with the panel (a 150 % desktop). */
  static void shrinkable(LiveChart chart) {
    chart.setMinWidth(0);
  }
}
