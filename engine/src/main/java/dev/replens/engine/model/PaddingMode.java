package dev.replens.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a chain's zero padding happens.
 *
 * <ul>
 *   <li>{@link #AT_INPUT}: the block input is zero-padded once (or cropped) and every op in the
 *       chain is applied unpadded. An intermediate map's border then carries exactly what the chain
 *       computes from zeros, e.g. a BN's {@code β − μγ/σ}. This is DBB's {@code BNAndPadLayer} and
 *       it makes every linear chain exactly fusable.
 *   <li>{@link #PER_OP}: each op zero-pads its own input, as a plain stack of PyTorch convs does.
 *       For a single op this is the same; for a chain with a bias or BN between two spatial convs
 *       the border differs from the fused conv. RepLens evaluates it to show that mismatch.
 * </ul>
 */
public enum PaddingMode {
  AT_INPUT,
  PER_OP;

  @JsonValue
  String json() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  static PaddingMode fromJson(String text) {
    for (PaddingMode m : values()) {
      if (m.json().equalsIgnoreCase(text) || m.name().equalsIgnoreCase(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown padding mode '" + text + "' (expected at-input or per-op)");
  }
}
