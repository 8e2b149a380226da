package dev.replens.engine.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Collectors;

/**
 * Reads and writes design files: JSON with a format marker and version.
 *
 * <pre>
 * { "format": "replens-design", "formatVersion": 1,
 *   "name": "...", "description": "...", "block": { ... }, "layout": { ... }, "weights": "x.npz" }
 * </pre>
 *
 * <p>Reading never throws anything but {@link DesignFormatException} (for content) and {@link
 * IOException} (for the file system). Writing is atomic: a temporary file in the same folder is
 * renamed over the target, so a crash never leaves half a file.
 */
public final class DesignIO {

  /** The value of the {@code format} field. */
  public static final String FORMAT = "replens-design";

  /** The format version this build writes and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private DesignIO() {}

  /** Reads a design file (UTF-8, at most {@link TextFiles#MAX_BYTES}). */
  public static DesignDocument read(Path file) throws IOException, DesignFormatException {
    String name = file.getFileName().toString();
    try {
      return parse(TextFiles.read(file), name);
    } catch (TextFiles.BadTextException e) {
      throw textError(name, e);
    }
  }

  /** Reads a design from a stream (e.g. a bundled sample). */
  public static DesignDocument read(InputStream in, String sourceName)
      throws IOException, DesignFormatException {
    try {
      return parse(TextFiles.read(in), sourceName);
    } catch (TextFiles.BadTextException e) {
      throw textError(sourceName, e);
    }
  }

  private static DesignFormatException textError(String source, TextFiles.BadTextException e) {
    TextFiles.Problem p = e.problem();
    return new DesignFormatException(source, p.line(), p.column(), "", p.problem());
  }

  /** Parses design JSON; {@code sourceName} names it in error messages. */
  public static DesignDocument parse(String json, String sourceName) throws DesignFormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw located(sourceName, e, "this is not valid JSON: " + syntaxProblem(e));
    }
    if (hasNonFinite(root)) {
      requireFiniteNumbers(json, sourceName);
    }
    if (root == null || !root.isObject()) {
      throw new DesignFormatException(sourceName, 1, 1, "", "a design file is a JSON object");
    }
    JsonNode format = root.get("format");
    if (format == null || !FORMAT.equals(format.asText())) {
      throw new DesignFormatException(
          sourceName,
          0,
          0,
          "format",
          "this is not a RepLens design (expected \"format\": \"" + FORMAT + "\")");
    }
    JsonNode version = root.get("formatVersion");
    if (version == null || !version.canConvertToInt()) {
      throw new DesignFormatException(
          sourceName, 0, 0, "formatVersion", "the file has no format version");
    }
    if (version.asInt() > FORMAT_VERSION) {
      throw new DesignFormatException(
          sourceName,
          0,
          0,
          "formatVersion",
          "the file was written by a newer RepLens (format version "
              + version.asInt()
              + "); this version reads up to "
              + FORMAT_VERSION);
    }
    try {
      // Bind the text, not the tree, so that errors carry line and column.
      return MAPPER.readValue(json, DesignDocument.class);
    } catch (JsonProcessingException e) {
      throw translate(sourceName, e, root);
    }
  }

  /** Jackson's words for a syntax error, with a duplicated field said plainly. */
  private static String syntaxProblem(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m != null && m.startsWith("Duplicate field '")) {
      return "the field " + m.substring("Duplicate field ".length()) + " appears twice";
    }
    return m;
  }

  /**
   * Whether the tree holds a number that overflowed to infinity (a cheap test before locating it).
   */
  private static boolean hasNonFinite(JsonNode n) {
    if (n.isNumber()) {
      return !Double.isFinite(n.asDouble());
    }
    for (JsonNode c : n) {
      if (hasNonFinite(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Rejects numbers that overflow to infinity (e.g. {@code 1e400}): JSON has no NaN or infinity,
   * and a design holds none (an offset or eps must be finite).
   */
  private static void requireFiniteNumbers(String json, String source)
      throws DesignFormatException {
    try (JsonParser p = MAPPER.getFactory().createParser(json)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(p.getDoubleValue())) {
          JsonLocation at = p.currentTokenLocation();
          throw new DesignFormatException(
              source,
              Math.max(0, at.getLineNr()),
              Math.max(0, at.getColumnNr()),
              pointerPath(p.getParsingContext().pathAsPointer().toString()),
              p.getText() + " is too large a number: it is not finite");
        }
      }
    } catch (JsonProcessingException e) {
      throw located(source, e, "this is not valid JSON: " + syntaxProblem(e));
    } catch (IOException e) {
      throw new DesignFormatException(source, 0, 0, "", e.getMessage());
    }
  }

  /** {@code /block/branches/1/ops/0} → {@code block.branches[1].ops[0]}. */
  private static String pointerPath(String ptr) {
    StringBuilder sb = new StringBuilder();
    for (String part : ptr.isEmpty() ? new String[0] : ptr.substring(1).split("/")) {
      if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        sb.append(sb.length() > 0 ? "." : "").append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }

  /** Writes a design file atomically. */
  public static void write(DesignDocument doc, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, toJson(doc), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The JSON text of a design. */
  public static String toJson(DesignDocument doc) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("format", FORMAT);
    out.put("formatVersion", FORMAT_VERSION);
    out.setAll((ObjectNode) MAPPER.valueToTree(doc));
    try {
      return MAPPER.writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a design could not be written as JSON", e);
    }
  }

  private static DesignFormatException translate(
      String source, JsonProcessingException e, JsonNode root) {
    String problem;
    if (e instanceof UnrecognizedPropertyException u) {
      problem =
          "unknown field '"
              + u.getPropertyName()
              + "'"
              + (u.getKnownPropertyIds() == null || u.getKnownPropertyIds().isEmpty()
                  ? ""
                  : " (known fields: "
                      + u.getKnownPropertyIds().stream()
                          .map(Object::toString)
                          .sorted()
                          .collect(Collectors.joining(", "))
                      + ")");
    } else if (e instanceof InvalidTypeIdException t) {
      problem =
          "unknown op type '"
              + t.getTypeId()
              + "' (expected one of conv, bn, scale, shift, identity, avgpool, frequency,"
              + " nonlinearity)";
    } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      problem = v.getCause().getMessage();
    } else if (e instanceof InvalidFormatException f) {
      problem =
          "'"
              + f.getValue()
              + "' is not a valid "
              + f.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT)
              + (f.getCause() != null ? ": " + f.getCause().getMessage() : "");
    } else if (e instanceof MismatchedInputException m
        && m.getOriginalMessage().contains("Missing required creator property")) {
      String field = m.getOriginalMessage().replaceAll(".*property '([^']*)'.*", "$1");
      problem = "missing '" + field + "'" + typoHint(root, (JsonMappingException) e, field);
    } else if (e instanceof MismatchedInputException m) {
      problem =
          "expected "
              + (m.getTargetType() == null ? "another value" : describe(m.getTargetType()))
              + " here";
    } else {
      problem = e.getOriginalMessage();
    }
    return located(source, e, problem);
  }

  /** Suggests a field of the same object whose name is a near miss of the missing one. */
  private static String typoHint(JsonNode root, JsonMappingException e, String missing) {
    JsonNode node = root;
    var path = e.getPath();
    for (int i = 0; i < path.size() - 1 && node != null; i++) {
      JsonMappingException.Reference r = path.get(i);
      node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
    }
    if (node == null || !node.isObject()) {
      return "";
    }
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals(missing)
          && Math.abs(name.length() - missing.length()) <= 2
          && editDistance(name, missing) <= 2) {
        return " (the object has '" + name + "': a typo?)";
      }
    }
    return "";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String describe(Class<?> type) {
    if (type == int.class || type == Integer.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list [...]";
    }
    return "an object {...} (" + type.getSimpleName() + ")";
  }

  private static DesignFormatException located(
      String source, JsonProcessingException e, String problem) {
    JsonLocation loc = e.getLocation();
    String path = "";
    if (e instanceof JsonMappingException m) {
      path = pathOf(m);
    }
    return new DesignFormatException(
        source,
        loc == null ? 0 : Math.max(0, loc.getLineNr()),
        loc == null ? 0 : Math.max(0, loc.getColumnNr()),
        path,
        problem);
  }

  private static String pathOf(JsonMappingException m) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
