package dev.replens.views;

import java.net.URL;
import java.util.Objects;

/**
 * The stylesheet of the controls in this module ({@code views.css}). Every control returns it from
 * {@code getUserAgentStylesheet()}, so nothing has to be added to a scene; an application styles
 * the controls further with its own author stylesheet, which takes precedence.
 */
public final class ViewsStylesheet {

  private static final String URL_TEXT =
      Objects.requireNonNull(
              ViewsStylesheet.class.getResource("views.css"), "views.css is missing from the jar")
          .toExternalForm();

  private ViewsStylesheet() {}

  /** The stylesheet's URL, as {@code Scene.getStylesheets()} expects it. */
  public static String url() {
    return URL_TEXT;
  }

  /** The stylesheet's URL as a {@link URL}. */
  public static URL resource() {
    return ViewsStylesheet.class.getResource("views.css");
  }
}
