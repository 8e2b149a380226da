package dev.replens.views.graph;

import java.util.Objects;
import javafx.event.Event;
import javafx.event.EventTarget;
import javafx.event.EventType;

/**
 * A {@link BlockGraphView}'s request to open an element for editing (double-click or Enter): the
 * application shows it in its inspector.
 */
public final class GraphOpenEvent extends Event {

  /** The type of every open request. */
  public static final EventType<GraphOpenEvent> OPEN_REQUEST =
      new EventType<>(Event.ANY, "GRAPH_OPEN_REQUEST");

  private final transient GraphElement element;

  /** An open request for {@code element}. */
  public GraphOpenEvent(Object source, EventTarget target, GraphElement element) {
    super(source, target, OPEN_REQUEST);
    this.element = Objects.requireNonNull(element, "element");
  }

  /** The element to open. */
  public GraphElement element() {
    return element;
  }

  @Override
  public String toString() {
    return "GraphOpenEvent[" + element + "]";
  }
}
