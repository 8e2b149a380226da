package dev.replens.engine.lesson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.samples.SampleCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lessons shipped in {@code sample-models/lessons}, found on the classpath under {@code
 * replens/samples/lessons/}, in the order of {@code lessons/index.json}.
 */
public final class LessonCatalog {

  /** Where the lesson resources live on the classpath. */
  public static final String ROOT = SampleCatalog.ROOT + "lessons/";

  private LessonCatalog() {}

  /**
   * A bundled lesson file.
   *
   * @param id the lesson id, e.g. {@code repvgg}
   * @param resource the classpath resource
   */
  public record Entry(String id, String resource) {

    /** The file name, for messages. */
    public String fileName() {
      return resource.substring(resource.lastIndexOf('/') + 1);
    }
  }

  /** Every bundled lesson, in catalog order. */
  public static List<Entry> list() {
    try (InputStream in = open(ROOT + "index.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Entry> out = new ArrayList<>();
      for (JsonNode s : root.get("lessons")) {
        out.add(new Entry(s.get("id").asText(), ROOT + s.get("file").asText()));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled lesson index can't be read", e);
    }
  }

  /** The entry with this id, if there is one. */
  public static Optional<Entry> find(String id) {
    return list().stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** Reads a bundled lesson. */
  public static Lesson load(Entry e) throws IOException, LessonFormatException {
    try (InputStream in = open(e.resource())) {
      return LessonReader.read(in, e.fileName());
    }
  }

  /** Reads the bundled lesson with this id; the message lists the ids if there is none. */
  public static Lesson load(String id) throws IOException, LessonFormatException {
    Entry e =
        find(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no lesson named '"
                            + id
                            + "'; the lessons are: "
                            + String.join(", ", list().stream().map(Entry::id).toList())));
    return load(e);
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = LessonCatalog.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("missing bundled resource " + resource);
    }
    return in;
  }
}
