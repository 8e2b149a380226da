package dev.replens.engine.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.io.DesignWeights;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.model.Weights;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The designs shipped in {@code sample-models}, found on the classpath under {@value #ROOT}. The
 * order is the one of {@code designs/index.json}, simplest first.
 */
public final class SampleCatalog {

  /** Where the sample resources live on the classpath. */
  public static final String ROOT = "replens/samples/";

  private SampleCatalog() {}

  /**
   * A bundled design.
   *
   * @param id the short name used on the command line, e.g. {@code repvgg}
   * @param name the display name
   * @param resource the classpath resource
   */
  public record Sample(String id, String name, String resource) {}

  /** Every sample, in catalog order. */
  public static List<Sample> list() {
    try (InputStream in = open(ROOT + "designs/index.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Sample> out = new ArrayList<>();
      for (JsonNode s : root.get("samples")) {
        out.add(
            new Sample(
                s.get("id").asText(),
                s.get("name").asText(),
                ROOT + "designs/" + s.get("file").asText()));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled sample index can't be read", e);
    }
  }

  /** The sample with this id, if there is one. */
  public static Optional<Sample> find(String id) {
    return list().stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Loads a sample's design. */
  public static DesignDocument load(Sample sample) throws IOException, DesignFormatException {
    try (InputStream in = open(sample.resource())) {
      return DesignIO.read(in, sample.id() + ".json");
    }
  }

  /** Loads the sample with this id; the message lists the valid ids if there is none. */
  public static DesignDocument load(String id) throws IOException, DesignFormatException {
    Sample s =
        find(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no sample named '"
                            + id
                            + "'; the samples are: "
                            + String.join(", ", list().stream().map(Sample::id).toList())));
    return load(s);
  }

  /**
   * The weights a sample ships with (its design's {@code weights} file, e.g. trained on the
   * built-in shapes data set), if it has any.
   */
  public static Optional<Weights> loadWeights(Sample sample, DesignDocument doc)
      throws IOException, WeightFileException {
    if (doc.weights() == null) {
      return Optional.empty();
    }
    // The file is named relative to the design, as on disk; resolving also folds "..".
    String resource = URI.create(sample.resource()).resolve(doc.weights()).toString();
    Path tmp = Files.createTempFile("replens-sample", ".npz");
    try (InputStream in = open(resource)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(DesignWeights.read(tmp, doc.block()));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = SampleCatalog.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("missing bundled resource " + resource);
    }
    return in;
  }
}
