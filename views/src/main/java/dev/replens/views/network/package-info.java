/**
 * Views of a whole network read from a checkpoint. They take plain data, so that they draw the same
 * whatever produced it.
 *
 * <ul>
 *   <li>{@link dev.replens.views.network.NetworkStrip}: every block in network order as one cell,
 *       colored by its {@link dev.replens.views.network.BlockStatus}, with selection.
 *   <li>{@link dev.replens.views.network.ChannelRangeMap}: a fused kernel's per-output-channel
 *       minimum and maximum weight as a two-row heatmap with its color bar.
 *   <li>{@link dev.replens.views.network.Int8Bars}: per-layer INT8 quantization error, per-tensor
 *       against per-channel, worst layer first.
 * </ul>
 */
package dev.replens.views.network;
