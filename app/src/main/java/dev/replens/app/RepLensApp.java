package dev.replens.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The RepLens desktop application. */
public final class RepLensApp extends Application {

  @Override
  public void start(Stage stage) {
    stage.setTitle("RepLens");
    stage.setScene(new Scene(new Label("RepLens"), 1280, 800));
    stage.show();
  }

  public static void main(String[] args) {
    launch(RepLensApp.class, args);
  }
}
