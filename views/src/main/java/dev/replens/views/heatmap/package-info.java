/**
 * Heatmaps of kernels and errors.
 *
 * <ul>
 *   <li>{@link dev.replens.views.heatmap.KernelHeatmap}: a kernel's out × in grid of kh × kw taps
 *       in a diverging colormap, with hover readout, tap selection, zoom and channel paging.
 *   <li>{@link dev.replens.views.heatmap.ErrorMapView}: the difference view, an error map over the
 *       feature map in a sequential (optionally logarithmic) colormap.
 *   <li>{@link dev.replens.views.heatmap.ColorBar}: the scale both use.
 *   <li>{@link dev.replens.views.heatmap.KernelHeatmapRenderer} and {@link
 *       dev.replens.views.heatmap.ErrorMapRenderer}: the pure pixel renderers behind them.
 * </ul>
 */
package dev.replens.views.heatmap;
