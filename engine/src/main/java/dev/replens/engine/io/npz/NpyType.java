package dev.replens.engine.io.npz;

import java.util.Locale;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;

/** The numpy element types RepLens reads and writes, with their {@code descr} codes. */
enum NpyType {
  FLOAT32("f4", 4, DataType.FLOAT),
  FLOAT64("f8", 8, DataType.DOUBLE),
  INT32("i4", 4, DataType.INT32),
  INT64("i8", 8, DataType.INT64);

  private final String code;
  private final int size;
  private final DataType dataType;

  NpyType(String code, int size, DataType dataType) {
    this.code = code;
    this.size = size;
    this.dataType = dataType;
  }

  /** Bytes per element. */
  int size() {
    return size;
  }

  /** The ND4J type of the same width. */
  DataType dataType() {
    return dataType;
  }

  /** The little-endian {@code descr}, e.g. {@code <f4}. */
  String descr() {
    return "<" + code;
  }

  /** The numpy name, e.g. {@code float32}. */
  String numpyName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type of a {@code descr} without its byte-order mark, if RepLens supports it. */
  static Optional<NpyType> ofCode(String code) {
    for (NpyType t : values()) {
      if (t.code.equals(code)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The type an ND4J array is written as, if RepLens supports it. */
  static Optional<NpyType> of(DataType dt) {
    if (dt == DataType.FLOAT) {
      return Optional.of(FLOAT32);
    }
    if (dt == DataType.DOUBLE) {
      return Optional.of(FLOAT64);
    }
    // ND4J has two names for each signed integer type (INT/INT32, LONG/INT64).
    if (dt.isIntType() && dt.isSigned() && dt.width() == 4) {
      return Optional.of(INT32);
    }
    if (dt.isIntType() && dt.isSigned() && dt.width() == 8) {
      return Optional.of(INT64);
    }
    return Optional.empty();
  }

  /**
   * A readable name for any numpy {@code descr}, e.g. {@code float16} for {@code <f2} or {@code
   * complex64} for {@code <c8}; falls back to the code itself.
   */
  static String describe(String descr) {
    String code = descr.isEmpty() ? descr : descr.substring(hasOrderMark(descr) ? 1 : 0);
    if (code.length() < 2) {
      return "'" + descr + "'";
    }
    String kind =
        switch (code.charAt(0)) {
          case 'f' -> "float";
          case 'i' -> "int";
          case 'u' -> "uint";
          case 'c' -> "complex";
          case 'b' -> "bool";
          case 'O' -> "Python object";
          case 'U' -> "unicode string";
          case 'S', 'a' -> "byte string";
          case 'V' -> "raw/structured";
          case 'M' -> "datetime";
          case 'm' -> "timedelta";
          default -> null;
        };
    if (kind == null) {
      return "'" + descr + "'";
    }
    try {
      int bytes = Integer.parseInt(code.substring(1));
      boolean sized = "fiuc".indexOf(code.charAt(0)) >= 0;
      return sized ? kind + (bytes * 8) : kind;
    } catch (NumberFormatException e) {
      return kind;
    }
  }

  /** Whether the {@code descr} starts with a byte-order mark ({@code < > | =}). */
  static boolean hasOrderMark(String descr) {
    return !descr.isEmpty() && "<>|=".indexOf(descr.charAt(0)) >= 0;
  }
}
