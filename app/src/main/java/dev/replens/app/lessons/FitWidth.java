package dev.replens.app.lessons;

import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.layout.Region;
import javafx.scene.transform.Scale;

/**
 * Shows a node that can't wrap (a formula) at its preferred size, scaled down uniformly when the
 * width it is given is smaller, so that on a narrow panel or a 150 % desktop the formula shrinks
 * instead of widening the panel past its viewport and cutting the text beside it.
 */
final class FitWidth extends Region {

  private final Node child;
  private final Scale scale = new Scale(1, 1, 0, 0);

  FitWidth(Node child) {
    this.child = child;
    child.getTransforms().add(scale);
    getChildren().add(child);
    setMinWidth(0);
    setPadding(Insets.EMPTY);
    // The child's visibility decides whether the formula takes room.
    visibleProperty().bind(child.visibleProperty());
    managedProperty().bind(child.managedProperty());
  }

  private double factor(double width) {
    double pref = child.prefWidth(-1);
    return pref <= 0 || width <= 0 || width >= pref ? 1 : width / pref;
  }

  /** Its height follows the width it gets. */
  @Override
  public Orientation getContentBias() {
    return Orientation.HORIZONTAL;
  }

  @Override
  protected double computeMinWidth(double height) {
    return 0;
  }

  @Override
  protected double computePrefWidth(double height) {
    return child.prefWidth(-1);
  }

  @Override
  protected double computePrefHeight(double width) {
    double w = width < 0 ? computePrefWidth(-1) : width;
    return child.prefHeight(-1) * factor(w);
  }

  @Override
  protected void layoutChildren() {
    double s = factor(getWidth());
    scale.setX(s);
    scale.setY(s);
    child.resizeRelocate(0, 0, child.prefWidth(-1), child.prefHeight(-1));
  }
}
