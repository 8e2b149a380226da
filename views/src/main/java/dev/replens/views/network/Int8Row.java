package dev.replens.views.network;

import java.util.Objects;

/**
 * One layer of the {@link Int8Bars}: the error of its fused kernel after symmetric INT8
 * quantization, with one scale for the whole tensor and with one scale per output channel.
 *
 * @param prefix the block's prefix
 * @param perTensorError the error with one scale for the tensor
 * @param perChannelError the error with one scale per output channel
 * @param note what inflates the range, e.g. "range inflated by rbr_identity"; may be empty
 */
public record Int8Row(String prefix, double perTensorError, double perChannelError, String note) {

  public Int8Row {
    Objects.requireNonNull(prefix, "prefix");
    note = note == null ? "" : note;
  }

  /** The worse of the two errors, by which the bars rank layers. */
  public double worst() {
    return Math.max(
        Double.isNaN(perTensorError) ? 0 : perTensorError,
        Double.isNaN(perChannelError) ? 0 : perChannelError);
  }
}
