package dev.replens.app.cli;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.samples.SampleCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Reads command-line inputs and turns every failure into a {@link BadInputException} for people.
 */
final class Inputs {

  private Inputs() {}

  /** A design file, or a bundled sample if no such file exists and the name is a sample id. */
  static DesignDocument design(String nameOrPath) throws BadInputException {
    Path p = Path.of(nameOrPath);
    if (!Files.exists(p) && SampleCatalog.find(nameOrPath).isPresent()) {
      return sample(nameOrPath);
    }
    try {
      return DesignIO.read(p);
    } catch (NoSuchFileException e) {
      throw new BadInputException(
          "no such file: "
              + nameOrPath
              + " (samples: "
              + String.join(
                  ", ", SampleCatalog.list().stream().map(SampleCatalog.Sample::id).toList())
              + ")");
    } catch (IOException e) {
      throw new BadInputException("can't read " + nameOrPath + ": " + e.getMessage());
    } catch (DesignFormatException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  /**
   * The block of {@code --design FILE} or {@code --sample NAME}; the default sample when neither is
   * given.
   */
  static dev.replens.engine.model.BlockSpec block(Path design, String sample, String defaultSample)
      throws BadInputException {
    if (design != null && sample != null) {
      throw new BadInputException("give either --design or --sample, not both");
    }
    if (design != null) {
      return design(design.toString()).block();
    }
    return sample(sample == null ? defaultSample : sample).block();
  }

  /** The data type of {@code --dtype}: float32 (or float) or float64 (or double). */
  static DataType dtype(String name) throws BadInputException {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "float32", "float" -> DataType.FLOAT;
      case "float64", "double" -> DataType.DOUBLE;
      default ->
          throw new BadInputException("unknown dtype '" + name + "' (expected float32 or float64)");
    };
  }

  /** A bundled sample. */
  static DesignDocument sample(String id) throws BadInputException {
    try {
      return SampleCatalog.load(id);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    } catch (IOException | DesignFormatException e) {
      throw new BadInputException(
          "the bundled sample '" + id + "' can't be read: " + e.getMessage());
    }
  }
}
