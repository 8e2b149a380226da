package dev.replens.views.network;

import java.util.Objects;

/**
 * One block of the {@link NetworkStrip}.
 *
 * @param prefix the block's module prefix in the state dict, e.g. {@code stage2.1}
 * @param family what it is, e.g. {@code RepVGG}, or empty for a pass-through group
 * @param status how it stands
 * @param detail one line on its state, e.g. "max |Δ| 3.1e−07 within round-off"; may be empty
 */
public record StripBlock(String prefix, String family, BlockStatus status, String detail) {

  public StripBlock {
    Objects.requireNonNull(prefix, "prefix");
    family = family == null ? "" : family;
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }

  /** The block in one line, as tooltips and screen readers say it. */
  public String describe() {
    StringBuilder s = new StringBuilder(prefix);
    if (!family.isEmpty()) {
      s.append(" (").append(family).append(')');
    }
    s.append(": ").append(status.description());
    if (!detail.isEmpty()) {
      s.append("; ").append(detail);
    }
    return s.toString();
  }
}
