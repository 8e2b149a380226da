package dev.replens.engine.network;

import java.util.Objects;

/**
 * One thing the inspection of a network found, in the user's words: a block left half converted, a
 * missing key, BatchNorm statistics that were never trained, a kernel that quantizes badly.
 *
 * @param severity how much it matters
 * @param prefix the module prefix it is about (e.g. {@code stage1.0}), or {@code ""} for the file
 * @param kind a stable tag for filters and tests: {@code partial-conversion}, {@code missing-key},
 *     {@code unexpected-key}, {@code bn-never-trained}, {@code int8}, {@code int8-ranking}, {@code
 *     mismatch}, {@code not-imported}, {@code note}
 * @param message one line for people
 */
public record Finding(Severity severity, String prefix, String kind, String message) {

  /** How much a finding matters. */
  public enum Severity {
    /** Worth knowing; nothing is wrong. */
    INFO,
    /** The conversion works, but the result may not behave as expected. */
    WARNING,
    /** The network can't be converted as it is, or its conversion is wrong. */
    ERROR
  }

  /** Tag of a block holding both its deploy conv and training branches. */
  public static final String PARTIAL_CONVERSION = "partial-conversion";

  /** Tag of a key a block needs but the file lacks. */
  public static final String MISSING_KEY = "missing-key";

  /** Tag of a key inside a block that the block's family doesn't have. */
  public static final String UNEXPECTED_KEY = "unexpected-key";

  /** Tag of a BatchNorm whose running statistics were never updated. */
  public static final String BN_NEVER_TRAINED = "bn-never-trained";

  /** Tag of a fused kernel that loses much more to per-tensor INT8 than to per-channel INT8. */
  public static final String INT8 = "int8";

  /** Tag of the ranking of the layers worst under INT8. */
  public static final String INT8_RANKING = "int8-ranking";

  /** Tag of a fused kernel that disagrees with its training form beyond round-off. */
  public static final String MISMATCH = "mismatch";

  /** Tag of a block that could not be imported for another reason. */
  public static final String NOT_IMPORTED = "not-imported";

  /** Tag of a note on how the file was read. */
  public static final String NOTE = "note";

  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /** Whether this finding is a warning or an error. */
  public boolean isProblem() {
    return severity != Severity.INFO;
  }
}
