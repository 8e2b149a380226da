/**
 * Charts: {@link dev.replens.views.chart.ContributionChart} (each branch's share of one fused tap)
 * and {@link dev.replens.views.chart.LiveChart} (a JFreeChart-FX line chart fed in batches).
 */
package dev.replens.views.chart;
