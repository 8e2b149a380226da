package dev.replens.views.heatmap;

import dev.replens.views.NumberText;

/**
 * One position of an error map.
 *
 * @param y row
 * @param x column
 * @param value {@code max |Δ|} over batch and channels at that position
 */
public record ErrorCell(int y, int x, double value) {

  /** A readout such as {@code (y 3, x 5) |Δ| = 2.4e−07}. */
  public String describe() {
    return "(y " + y + ", x " + x + ")  |Δ| = " + NumberText.scientific(value);
  }
}
