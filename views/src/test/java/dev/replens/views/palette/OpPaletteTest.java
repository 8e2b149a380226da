package dev.replens.views.palette;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The palette lists the templates by category and works from the keyboard. */
@ExtendWith(ApplicationExtension.class)
class OpPaletteTest {

  private OpPalette palette;
  private final List<OpTemplate> requested = new ArrayList<>();

  @Start
  void start(Stage stage) {
    palette = new OpPalette();
    palette.setOnAddBranchRequest(e -> requested.add(e.template()));
    stage.setScene(new Scene(palette, 260, 700));
    stage.show();
  }

  @Test
  void listsEveryTemplateUnderItsCategory(FxRobot robot) {
    List<String> categories =
        robot.lookup(".palette-category").queryAllAs(Label.class).stream()
            .map(Label::getText)
            .toList();
    assertThat(categories)
        .containsExactly(
            "Convolutions", "Identity & pooling", "Channel-wise", "Nonlinear", "Ready-made chains");
    for (OpTemplate t : OpTemplates.builtIn()) {
      Node item = robot.lookup("#palette-" + t.id()).query();
      assertThat(item.getUserData()).isEqualTo(t);
      assertThat(robot.from(item).lookup(".palette-name").queryAs(Label.class).getText())
          .isEqualTo(t.name());
    }
    assertThat(robot.lookup(".palette-tag").queryAllAs(Label.class))
        .singleElement()
        .extracting(Label::getText)
        .isEqualTo("not fusable");
    assertThat(robot.lookup("#palette-bn .palette-glyph").query().getStyleClass())
        .contains("op-bn");
  }

  @Test
  void enterAndDoubleClickRequestANewBranch(FxRobot robot) {
    robot.clickOn("#palette-identity");
    robot.type(KeyCode.ENTER);
    assertThat(requested).containsExactly(OpTemplates.get("identity"));
    robot.type(KeyCode.TAB);
    robot.type(KeyCode.ENTER);
    assertThat(requested).containsExactly(OpTemplates.get("identity"), OpTemplates.get("avg-pool"));
    robot.doubleClickOn("#palette-chain-1x1-avg");
    assertThat(requested).last().isEqualTo(OpTemplates.get("chain-1x1-avg"));
  }
}
