package dev.replens.app.files;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What RepLens remembers between runs: the window's bounds, the split-pane dividers, the workspace
 * tab, and the main settings. Kept as JSON by {@link UserStateStore}; unknown fields are ignored so
 * that older and newer versions share the file.
 *
 * @param window the window's bounds when not maximized, and whether it was maximized; null if never
 *     saved
 * @param dividers divider positions (0–1) of each split pane, by the pane's id
 * @param workspace the id of the selected workspace tab, e.g. {@code trainingTab}
 * @param settings the main settings
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserState(
    WindowBounds window, Map<String, List<Double>> dividers, String workspace, Settings settings) {

  public UserState {
    dividers = dividers == null ? Map.of() : Map.copyOf(dividers);
    settings = settings == null ? Settings.DEFAULT : settings;
  }

  /** Nothing remembered yet. */
  public static final UserState EMPTY = new UserState(null, Map.of(), null, Settings.DEFAULT);

  /**
   * The window's place on the screen.
   *
   * @param x left edge
   * @param y top edge
   * @param width width
   * @param height height
   * @param maximized whether it was maximized (the bounds are those to restore to)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WindowBounds(double x, double y, double width, double height, boolean maximized) {}

  /**
   * The main settings.
   *
   * @param lastDesign the design file open when RepLens closed, reopened at start; null for the
   *     start sample
   * @param wideLessons whether the lesson panel is the wide one
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Settings(String lastDesign, boolean wideLessons) {

    /** The settings of a first run. */
    public static final Settings DEFAULT = new Settings(null, false);
  }
}
