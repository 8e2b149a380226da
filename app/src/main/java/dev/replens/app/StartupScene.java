package dev.replens.app;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;

/** What the window shows for the moment the engine takes to load at start. */
final class StartupScene {

  private StartupScene() {}

  static Scene create() {
    Label title = new Label("RepLens");
    title.getStyleClass().add("startup-title");
    Label text = new Label("Loading the engine…");
    text.getStyleClass().add("startup-text");
    ProgressIndicator busy = new ProgressIndicator();
    busy.setPrefSize(28, 28);
    VBox box = new VBox(14, title, busy, text);
    box.getStyleClass().add("startup");
    Scene scene = new Scene(box, 1440, 900);
    scene.getStylesheets().add(StartupScene.class.getResource("app.css").toExternalForm());
    return scene;
  }
}
