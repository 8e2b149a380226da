package dev.replens.views.palette;

import java.util.Objects;
import javafx.event.Event;
import javafx.event.EventTarget;
import javafx.event.EventType;

/** A request from the {@link OpPalette}: add a template to the block as a new branch. */
public final class PaletteEvent extends Event {

  /** Any palette event. */
  public static final EventType<PaletteEvent> ANY = new EventType<>(Event.ANY, "PALETTE");

  /** Enter or a double-click on a palette item: add the template as a new branch. */
  public static final EventType<PaletteEvent> ADD_BRANCH_REQUEST =
      new EventType<>(ANY, "PALETTE_ADD_BRANCH_REQUEST");

  private final transient OpTemplate template;

  /** An event of the given type for the template. */
  public PaletteEvent(
      Object source, EventTarget target, EventType<PaletteEvent> type, OpTemplate template) {
    super(source, target, type);
    this.template = Objects.requireNonNull(template, "template");
  }

  /** The template the request is about. */
  public OpTemplate template() {
    return template;
  }

  @Override
  public String toString() {
    return "PaletteEvent[" + getEventType() + ", " + template.id() + "]";
  }
}
