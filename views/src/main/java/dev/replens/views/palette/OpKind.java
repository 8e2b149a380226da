package dev.replens.views.palette;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;

/**
 * The visual kind of an op: which shape, color and glyph the graph and the palette draw it with.
 * Each kind has a CSS style class ({@link #styleClass()}) that both {@code graph.css} and {@code
 * palette.css} color.
 */
public enum OpKind {
  CONV_KXK("op-conv-kxk", "K×K", "conv K×K"),
  CONV_1X1("op-conv-1x1", "1×1", "conv 1×1"),
  CONV_1XK("op-conv-1xk", "1×K", "conv 1×K"),
  CONV_KX1("op-conv-kx1", "K×1", "conv K×1"),
  DEPTHWISE("op-depthwise", "DW", "depthwise conv"),
  IDENTITY("op-identity", "id", "identity"),
  AVG_POOL("op-avg-pool", "avg", "avg-pool"),
  FREQUENCY("op-frequency", "DCT", "frequency filter"),
  BATCH_NORM("op-bn", "BN", "BN"),
  SCALE("op-scale", "×s", "channel-wise scale"),
  SHIFT("op-shift", "+t", "shift"),
  NONLINEARITY("op-nonlinearity", "ƒ", "nonlinearity");

  private final String styleClass;
  private final String glyph;
  private final String label;

  OpKind(String styleClass, String glyph, String label) {
    this.styleClass = styleClass;
    this.glyph = glyph;
    this.label = label;
  }

  /** The CSS style class, e.g. {@code op-conv-kxk}. */
  public String styleClass() {
    return styleClass;
  }

  /** A short glyph drawn in a badge, e.g. {@code K×K} or {@code BN}. */
  public String glyph() {
    return glyph;
  }

  /** The kind's name for people, e.g. {@code conv 1×K}. */
  public String label() {
    return label;
  }

  /** Whether ops of this kind act on each channel alone (BN, scale, shift). */
  public boolean channelWise() {
    return this == BATCH_NORM || this == SCALE || this == SHIFT;
  }

  /**
   * The kind of an op.
   *
   * @param op the op
   * @param inChannels the channels flowing into the op (decides whether a grouped conv is
   *     depthwise)
   */
  public static OpKind of(Op op, int inChannels) {
    if (op instanceof Conv c) {
      if (c.depthwise(inChannels)) {
        return DEPTHWISE;
      }
      if (c.kernelH() == 1 && c.kernelW() == 1) {
        return CONV_1X1;
      }
      if (c.kernelH() == 1) {
        return CONV_1XK;
      }
      if (c.kernelW() == 1) {
        return CONV_KX1;
      }
      return CONV_KXK;
    }
    if (op instanceof Identity) {
      return IDENTITY;
    }
    if (op instanceof AvgPool) {
      return AVG_POOL;
    }
    if (op instanceof FrequencyFilter) {
      return FREQUENCY;
    }
    if (op instanceof BatchNorm) {
      return BATCH_NORM;
    }
    if (op instanceof ChannelScale) {
      return SCALE;
    }
    if (op instanceof ChannelBias) {
      return SHIFT;
    }
    if (op instanceof Nonlinearity) {
      return NONLINEARITY;
    }
    throw new IllegalArgumentException("unknown op " + op);
  }
}
