package dev.replens.engine.lesson;

/**
 * One tap of a KxK kernel, {@code w[out, in, y, x]}, with {@code in} counted within the output
 * channel's group (the weight's second OIHW index).
 *
 * @param out output channel
 * @param in input channel within the group
 * @param y row
 * @param x column
 */
public record Tap(int out, int in, int y, int x) {

  public Tap {
    if (out < 0 || in < 0 || y < 0 || x < 0) {
      throw new IllegalArgumentException(
          "a tap's indices are at least 0, got [" + out + ", " + in + ", " + y + ", " + x + "]");
    }
  }

  /** {@code w[o, i, y, x]}. */
  public String describe() {
    return "w[" + out + ", " + in + ", " + y + ", " + x + "]";
  }
}
