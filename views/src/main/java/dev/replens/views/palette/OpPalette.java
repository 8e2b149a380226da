package dev.replens.views.palette;

import java.util.Objects;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ObjectPropertyBase;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.event.EventHandler;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * A palette of {@link OpTemplate}s grouped by category. Each item can be dragged onto a {@code
 * BlockGraphView} (the drag carries the template id under {@link OpTemplate#DATA_FORMAT}), and
 * Enter or a double-click on a focused item fires a {@link PaletteEvent#ADD_BRANCH_REQUEST}, so
 * that the palette works without a mouse.
 *
 * <p>Style class {@code op-palette}; items are {@code palette-item} with the id {@code
 * palette-<template id>}.
 */
public class OpPalette extends Control {

  private static final String DEFAULT_STYLE_CLASS = "op-palette";

  private final ObservableList<OpTemplate> templates =
      FXCollections.observableArrayList(OpTemplates.builtIn());

  private final ObjectProperty<EventHandler<PaletteEvent>> onAddBranchRequest =
      new ObjectPropertyBase<>() {
        @Override
        protected void invalidated() {
          setEventHandler(PaletteEvent.ADD_BRANCH_REQUEST, get());
        }

        @Override
        public Object getBean() {
          return OpPalette.this;
        }

        @Override
        public String getName() {
          return "onAddBranchRequest";
        }
      };

  /** A palette listing the built-in templates. */
  public OpPalette() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
  }

  /** The templates listed, in order; the palette groups consecutive ones by category. */
  public ObservableList<OpTemplate> getTemplates() {
    return templates;
  }

  /** Called when a template should be added to the block as a new branch. */
  public ObjectProperty<EventHandler<PaletteEvent>> onAddBranchRequestProperty() {
    return onAddBranchRequest;
  }

  public EventHandler<PaletteEvent> getOnAddBranchRequest() {
    return onAddBranchRequest.get();
  }

  public void setOnAddBranchRequest(EventHandler<PaletteEvent> handler) {
    onAddBranchRequest.set(handler);
  }

  /** Fires the add-branch request for a template, as Enter or a double-click on its item does. */
  public void requestAddBranch(OpTemplate template) {
    Objects.requireNonNull(template, "template");
    fireEvent(new PaletteEvent(this, this, PaletteEvent.ADD_BRANCH_REQUEST, template));
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new OpPaletteSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return Objects.requireNonNull(OpPalette.class.getResource("palette.css")).toExternalForm();
  }
}
