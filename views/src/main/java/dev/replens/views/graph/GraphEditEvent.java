package dev.replens.views.graph;

import java.util.Objects;
import javafx.event.Event;
import javafx.event.EventTarget;
import javafx.event.EventType;

/** A {@link BlockGraphView}'s request to edit its block; see {@link GraphEdit}. */
public final class GraphEditEvent extends Event {

  /** The type of every edit request. */
  public static final EventType<GraphEditEvent> EDIT_REQUEST =
      new EventType<>(Event.ANY, "GRAPH_EDIT_REQUEST");

  private final transient GraphEdit edit;

  /** An edit request from {@code source}. */
  public GraphEditEvent(Object source, EventTarget target, GraphEdit edit) {
    super(source, target, EDIT_REQUEST);
    this.edit = Objects.requireNonNull(edit, "edit");
  }

  /** The edit asked for. */
  public GraphEdit edit() {
    return edit;
  }

  @Override
  public String toString() {
    return "GraphEditEvent[" + edit + "]";
  }
}
