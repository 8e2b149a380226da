package dev.replens.engine.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the text files RepLens takes from users (designs, lessons): strict UTF-8, so that a file in
 * another encoding is named as such, at the line and column of its first undecodable byte, instead
 * of being read with replacement characters or failing with a bare {@code MalformedInputException};
 * and of a bounded size, so that a huge file is refused before it is read.
 */
public final class TextFiles {

  /** The largest text file read: a design or lesson takes a few kB. */
  public static final long MAX_BYTES = 64L << 20;

  private TextFiles() {}

  /**
   * Text that is not UTF-8, or too large.
   *
   * @param line 1-based line of the problem, or 0
   * @param column 1-based column (in characters), or 0
   * @param problem what is wrong, in the user's terms
   */
  public record Problem(int line, int column, String problem) {}

  /** Thrown with the {@link Problem}. */
  public static final class BadTextException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Problem problem;

    BadTextException(Problem problem) {
      super(problem.problem());
      this.problem = problem;
    }

    /** Where and what. */
    public Problem problem() {
      return problem;
    }
  }

  /** The file's text. */
  public static String read(Path file) throws IOException, BadTextException {
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw tooLarge(size);
    }
    return decode(Files.readAllBytes(file));
  }

  /** A stream's text, read up to {@link #MAX_BYTES}. */
  public static String read(InputStream in) throws IOException, BadTextException {
    byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(bytes.length);
    }
    return decode(bytes);
  }

  private static BadTextException tooLarge(long size) {
    return new BadTextException(
        new Problem(
            0,
            0,
            "the file takes "
                + dev.replens.engine.memory.MemoryBudget.format(size)
                + "; RepLens reads text files of up to "
                + dev.replens.engine.memory.MemoryBudget.format(MAX_BYTES)));
  }

  /** Decodes UTF-8 strictly; a leading byte-order mark is dropped. */
  public static String decode(byte[] bytes) throws BadTextException {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      out.flip();
      String before = out.toString();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < before.length(); i++) {
        if (before.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new BadTextException(
          new Problem(
              line,
              before.length() - lineStart + 1,
              String.format(
                  Locale.ROOT,
                  "the file is not UTF-8 text: byte 0x%02X at offset %d can't be decoded; save"
                      + " it as UTF-8",
                  bytes[Math.min(at, bytes.length - 1)] & 0xFF,
                  at)));
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
