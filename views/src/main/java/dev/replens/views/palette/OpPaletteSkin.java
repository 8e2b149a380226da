package dev.replens.views.palette;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SkinBase;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/** The skin of {@link OpPalette}: a scrolling column of category sections with item rows. */
public class OpPaletteSkin extends SkinBase<OpPalette> {

  private final VBox sections = new VBox();
  private final ListChangeListener<OpTemplate> templatesListener = c -> rebuild();

  /** A skin for the palette. */
  public OpPaletteSkin(OpPalette palette) {
    super(palette);
    sections.getStyleClass().add("palette-sections");
    sections.setFillWidth(true);
    ScrollPane scroll = new ScrollPane(sections);
    scroll.setFitToWidth(true);
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    scroll.getStyleClass().add("palette-scroll");
    getChildren().add(scroll);
    palette.getTemplates().addListener(templatesListener);
    rebuild();
  }

  @Override
  public void dispose() {
    if (getSkinnable() != null) {
      getSkinnable().getTemplates().removeListener(templatesListener);
    }
    super.dispose();
  }

  private void rebuild() {
    Map<OpTemplate.Category, List<OpTemplate>> byCategory = new LinkedHashMap<>();
    for (OpTemplate t : getSkinnable().getTemplates()) {
      byCategory.computeIfAbsent(t.category(), c -> new java.util.ArrayList<>()).add(t);
    }
    sections.getChildren().clear();
    byCategory.forEach(
        (category, list) -> {
          Label title = new Label(category.title());
          title.getStyleClass().add("palette-category");
          title.setMaxWidth(Double.MAX_VALUE);
          sections.getChildren().add(title);
          for (OpTemplate t : list) {
            sections.getChildren().add(item(t));
          }
        });
  }

  private Node item(OpTemplate t) {
    HBox row = new HBox();
    row.getStyleClass().add("palette-item");
    row.setId("palette-" + t.id());
    row.setAlignment(Pos.CENTER_LEFT);
    row.setFocusTraversable(true);
    row.setUserData(t);

    Label name = new Label(t.name());
    name.getStyleClass().add("palette-name");
    name.setMinWidth(Region.USE_PREF_SIZE);
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    row.getChildren().addAll(glyph(t), name, spacer);
    if (!t.fusable()) {
      Label tag = new Label("not fusable");
      tag.getStyleClass().add("palette-tag");
      tag.setMinWidth(Region.USE_PREF_SIZE);
      row.getChildren().add(tag);
    }
    Tooltip.install(row, new Tooltip(t.description()));

    row.setOnMousePressed(
        e -> {
          row.requestFocus();
          // Keep the scroll pane from taking the focus back; drag detection is unaffected.
          e.consume();
        });
    row.setOnMouseClicked(
        e -> {
          if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
            getSkinnable().requestAddBranch(t);
            e.consume();
          }
        });
    row.setOnKeyPressed(
        e -> {
          if (e.getCode() == KeyCode.ENTER || e.getCode() == KeyCode.SPACE) {
            getSkinnable().requestAddBranch(t);
            e.consume();
          }
        });
    row.setOnDragDetected(
        e -> {
          Dragboard db = row.startDragAndDrop(TransferMode.COPY);
          ClipboardContent content = new ClipboardContent();
          content.put(OpTemplate.DATA_FORMAT, t.id());
          content.putString(t.name());
          db.setContent(content);
          SnapshotParameters params = new SnapshotParameters();
          params.setFill(Color.TRANSPARENT);
          db.setDragView(row.snapshot(params, null), e.getX(), e.getY());
          e.consume();
        });
    return row;
  }

  /** A colored badge with the op's glyph, or a small strip of colored dots for a chain. */
  private static Node glyph(OpTemplate t) {
    if (t.chain()) {
      HBox strip = new HBox();
      strip.getStyleClass().add("palette-chain");
      strip.setAlignment(Pos.CENTER);
      for (OpKind kind : t.kinds()) {
        Region dot = new Region();
        dot.getStyleClass().addAll("palette-chain-dot", kind.styleClass());
        strip.getChildren().add(dot);
      }
      return strip;
    }
    OpKind kind = t.kinds().get(0);
    Label text = new Label(kind.glyph());
    text.getStyleClass().add("palette-glyph-text");
    StackPane badge = new StackPane(text);
    badge.getStyleClass().addAll("palette-glyph", kind.styleClass());
    return badge;
  }
}
