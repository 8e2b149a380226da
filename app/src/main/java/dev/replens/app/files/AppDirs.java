package dev.replens.app.files;

import java.nio.file.Path;

/**
 * Where RepLens keeps its own files: {@code ~/.replens}, or the folder given by the system property
 * {@code replens.home} (tests use a temporary folder).
 */
public final class AppDirs {
  private AppDirs() {}

  /** The base folder. */
  public static Path home() {
    String override = System.getProperty("replens.home");
    return override != null
        ? Path.of(override)
        : Path.of(System.getProperty("user.home"), ".replens");
  }

  /** The folder of the crash-recovery copy. */
  public static Path recovery() {
    return home().resolve("recovery");
  }
}
