package dev.replens.app.cli;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.samples.SampleCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads command-line inputs and turns every failure into a {@link BadInput} for people. */
final class Inputs {

  private Inputs() {}

  /** A problem with what the user passed, with a message that needs no stack trace. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  /** A design file, or a bundled sample if no such file exists and the name is a sample id. */
  static DesignDocument design(String nameOrPath) throws BadInput {
    Path p = Path.of(nameOrPath);
    if (!Files.exists(p) && SampleCatalog.find(nameOrPath).isPresent()) {
      return sample(nameOrPath);
    }
    try {
      return DesignIO.read(p);
    } catch (NoSuchFileException e) {
      throw new BadInput(
          "no such file: "
              + nameOrPath
              + " (samples: "
              + String.join(
                  ", ", SampleCatalog.list().stream().map(SampleCatalog.Sample::id).toList())
              + ")");
    } catch (IOException e) {
      throw new BadInput("can't read " + nameOrPath + ": " + e.getMessage());
    } catch (DesignFormatException e) {
      throw new BadInput(e.getMessage());
    }
  }

  /** A bundled sample. */
  static DesignDocument sample(String id) throws BadInput {
    try {
      return SampleCatalog.load(id);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage());
    } catch (IOException | DesignFormatException e) {
      throw new BadInput("the bundled sample '" + id + "' can't be read: " + e.getMessage());
    }
  }
}
