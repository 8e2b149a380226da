package dev.replens.views.heatmap;

/**
 * The channels a heatmap page shows: out channels {@code [outFrom, outTo)} as rows and absolute in
 * channels {@code [inFrom, inTo)} as columns.
 */
public record ChannelWindow(int outFrom, int outTo, int inFrom, int inTo) {

  public ChannelWindow {
    if (outFrom < 0 || inFrom < 0 || outTo < outFrom || inTo < inFrom) {
      throw new IllegalArgumentException(
          "bad channel window: out " + outFrom + ".." + outTo + ", in " + inFrom + ".." + inTo);
    }
  }

  /** The empty window (no kernel). */
  public static final ChannelWindow EMPTY = new ChannelWindow(0, 0, 0, 0);

  public int outCount() {
    return outTo - outFrom;
  }

  public int inCount() {
    return inTo - inFrom;
  }

  /**
   * Whether the window shows the tap row of out channel {@code o} and column of in channel {@code
   * in}.
   */
  public boolean contains(int o, int in) {
    return o >= outFrom && o < outTo && in >= inFrom && in < inTo;
  }

  public boolean isEmpty() {
    return outCount() == 0 || inCount() == 0;
  }

  @Override
  public String toString() {
    return "out " + outFrom + "–" + (outTo - 1) + ", in " + inFrom + "–" + (inTo - 1);
  }
}
