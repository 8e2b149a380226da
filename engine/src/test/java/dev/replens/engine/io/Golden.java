package dev.replens.engine.io;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The golden vectors of {@code tools/golden/make_golden.py}, as test resources. */
public final class Golden {

  private Golden() {}

  /** The folder holding {@code manifest.json} and the {@code .npz} files. */
  public static Path dir() {
    try {
      return Path.of(Golden.class.getResource("/golden/manifest.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One golden file. */
  public static Path file(String name) {
    return dir().resolve(name);
  }
}
