package dev.replens.views.graph;

import dev.replens.engine.model.Problem;
import dev.replens.views.graph.GraphModel.NodeInfo;
import dev.replens.views.graph.GraphModel.Role;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * One node of the graph: an op (styled by its kind) or a fixed node (input, Σ, activation, output).
 * Shows the op's description and id, and a {@link ProblemBadge} plus a tooltip with the engine's
 * messages when validation found problems there.
 */
final class NodeView extends Region {

  static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");
  static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");
  static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
  static final PseudoClass HIGHLIGHTED = PseudoClass.getPseudoClass("highlighted");
  static final PseudoClass DRAGGING = PseudoClass.getPseudoClass("dragging");

  private final GraphElement key;
  private final Label title = new Label();
  private final Label subtitle = new Label();
  private final VBox text = new VBox(title, subtitle);
  private final ProblemBadge badge = new ProblemBadge();
  private NodeInfo info;
  private String kindClass;
  private Tooltip tooltip;
  private String problemText;

  NodeView(NodeInfo info) {
    this.key = info.key();
    getStyleClass().addAll("graph-node", roleClass(info.role()));
    title.getStyleClass().add("node-title");
    subtitle.getStyleClass().add("node-id");
    title.setMinWidth(Region.USE_PREF_SIZE);
    subtitle.setMinWidth(Region.USE_PREF_SIZE);
    text.getStyleClass().add("node-text");
    text.setManaged(false);
    text.setMouseTransparent(true);
    getChildren().addAll(text, badge);
    update(info);
  }

  private static String roleClass(Role role) {
    return "graph-" + role.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The node's unique key. */
  GraphElement key() {
    return key;
  }

  /** The node's current description. */
  NodeInfo info() {
    return info;
  }

  /** The element the node stands for (selection, problems). */
  GraphElement ref() {
    return info.ref();
  }

  /** The main label's text. */
  String titleText() {
    return title.getText();
  }

  /** The second label's text. */
  String subtitleText() {
    return subtitle.getText();
  }

  /** The problems' messages shown as tooltip, or null. */
  String problemText() {
    return problemText;
  }

  /** The tooltip showing the problems, or null. */
  Tooltip problemTooltip() {
    return tooltip;
  }

  void update(NodeInfo newInfo) {
    this.info = newInfo;
    title.setText(newInfo.title());
    subtitle.setText(newInfo.subtitle());
    subtitle.setVisible(!newInfo.subtitle().isEmpty());
    subtitle.setManaged(!newInfo.subtitle().isEmpty());
    String kc = newInfo.kind() == null ? null : newInfo.kind().styleClass();
    if (kindClass != null && !kindClass.equals(kc)) {
      getStyleClass().remove(kindClass);
    }
    if (kc != null && !getStyleClass().contains(kc)) {
      getStyleClass().add(kc);
    }
    kindClass = kc;
    boolean centred = newInfo.role() != Role.OP && newInfo.role() != Role.POST_OP;
    text.setAlignment(centred ? Pos.CENTER : Pos.CENTER_LEFT);
    requestLayout();
  }

  void setProblems(List<Problem> problems) {
    boolean error = problems.stream().anyMatch(Problem::isError);
    pseudoClassStateChanged(INVALID, error);
    pseudoClassStateChanged(WARNING, !error && !problems.isEmpty());
    badge.setVisible(!problems.isEmpty());
    String msg =
        problems.isEmpty()
            ? null
            : problems.stream().map(Problem::message).collect(Collectors.joining("\n"));
    if (java.util.Objects.equals(msg, problemText)) {
      return;
    }
    problemText = msg;
    if (tooltip != null) {
      Tooltip.uninstall(this, tooltip);
      tooltip = null;
    }
    if (msg != null) {
      tooltip = new Tooltip(msg);
      tooltip.getStyleClass().add("graph-problem-tooltip");
      tooltip.setShowDelay(Duration.millis(250));
      tooltip.setWrapText(true);
      tooltip.setMaxWidth(420);
      Tooltip.install(this, tooltip);
    }
  }

  @Override
  protected double computePrefWidth(double height) {
    Insets in = getInsets();
    return in.getLeft() + text.prefWidth(-1) + in.getRight();
  }

  @Override
  protected double computePrefHeight(double width) {
    Insets in = getInsets();
    return in.getTop() + text.prefHeight(-1) + in.getBottom();
  }

  @Override
  protected void layoutChildren() {
    Insets in = getInsets();
    double w = getWidth() - in.getLeft() - in.getRight();
    double h = getHeight() - in.getTop() - in.getBottom();
    double th = Math.min(h, text.prefHeight(w));
    text.resizeRelocate(in.getLeft(), in.getTop() + (h - th) / 2, w, th);
    double s = ProblemBadge.SIZE;
    badge.resizeRelocate(getWidth() - s + 5, -s / 2 + 1, s, s);
  }
}
