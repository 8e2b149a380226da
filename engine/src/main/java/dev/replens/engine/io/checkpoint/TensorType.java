package dev.replens.engine.io.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The element types a checkpoint stores, with their names in PyTorch ({@code torch.float16}, the
 * storage class {@code torch.HalfStorage}) and in safetensors ({@code F16}).
 *
 * <p>Half-precision types are {@linkplain #widened() widened}: they are held in memory as float32,
 * which represents every float16 and bfloat16 value exactly. Every other type is held as the ND4J
 * type of the same width and signedness.
 */
enum TensorType {
  FLOAT32("float32", 4, "F32", "FloatStorage", DataType.FLOAT),
  FLOAT64("float64", 8, "F64", "DoubleStorage", DataType.DOUBLE),
  FLOAT16("float16", 2, "F16", "HalfStorage", DataType.FLOAT),
  BFLOAT16("bfloat16", 2, "BF16", "BFloat16Storage", DataType.FLOAT),
  INT64("int64", 8, "I64", "LongStorage", DataType.INT64),
  INT32("int32", 4, "I32", "IntStorage", DataType.INT32),
  INT16("int16", 2, "I16", "ShortStorage", DataType.INT16),
  INT8("int8", 1, "I8", "CharStorage", DataType.INT8),
  UINT8("uint8", 1, "U8", "ByteStorage", DataType.UINT8),
  BOOL("bool", 1, "BOOL", "BoolStorage", DataType.BOOL);

  private final String typeName;
  private final int size;
  private final String safetensorsCode;
  private final String storageClass;
  private final DataType memoryType;

  TensorType(
      String typeName, int size, String safetensorsCode, String storageClass, DataType memory) {
    this.typeName = typeName;
    this.size = size;
    this.safetensorsCode = safetensorsCode;
    this.storageClass = storageClass;
    this.memoryType = memory;
  }

  /** The name PyTorch and NumPy give it, e.g. {@code float16}. */
  String typeName() {
    return typeName;
  }

  /** Bytes per element in a file. */
  int size() {
    return size;
  }

  /** Bytes per element in memory (4 for the widened half-precision types). */
  int memorySize() {
    return widened() ? 4 : size;
  }

  /** The safetensors {@code dtype}, e.g. {@code BF16}. */
  String safetensorsCode() {
    return safetensorsCode;
  }

  /** The class {@code torch.save} names a storage of this type with, e.g. {@code HalfStorage}. */
  String storageClass() {
    return storageClass;
  }

  /** The ND4J type the values are held in. */
  DataType memoryType() {
    return memoryType;
  }

  /** Whether the values are held in a wider type than the file's (float16 and bfloat16). */
  boolean widened() {
    return this == FLOAT16 || this == BFLOAT16;
  }

  /** Whether the values are floating-point. */
  boolean isFloat() {
    return this == FLOAT32 || this == FLOAT64 || widened();
  }

  /** The type of a name ({@code float16}), if RepLens reads it. */
  static Optional<TensorType> ofName(String name) {
    for (TensorType t : values()) {
      if (t.typeName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The type of a PyTorch storage class name ({@code FloatStorage}), if RepLens reads it. */
  static Optional<TensorType> ofStorageClass(String name) {
    for (TensorType t : values()) {
      if (t.storageClass.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The type of a safetensors {@code dtype} ({@code F32}), if RepLens reads it. */
  static Optional<TensorType> ofSafetensorsCode(String code) {
    for (TensorType t : values()) {
      if (t.safetensorsCode.equals(code)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * The type an ND4J array is written as, if a checkpoint can hold it. ND4J's half-precision arrays
   * are written as they are.
   */
  static Optional<TensorType> of(DataType dt) {
    if (dt == DataType.BFLOAT16) {
      return Optional.of(BFLOAT16);
    }
    if (dt.isFPType() && dt.width() == 2) {
      return Optional.of(FLOAT16); // DataType.FLOAT16 and its alias HALF
    }
    if (dt == DataType.FLOAT) {
      return Optional.of(FLOAT32);
    }
    if (dt == DataType.DOUBLE) {
      return Optional.of(FLOAT64);
    }
    if (dt == DataType.BOOL) {
      return Optional.of(BOOL);
    }
    // ND4J has two names for some integer types (INT/INT32, LONG/INT64, BYTE/INT8 ...).
    if (dt.isIntType()) {
      int w = dt.width();
      if (dt.isSigned()) {
        return switch (w) {
          case 8 -> Optional.of(INT64);
          case 4 -> Optional.of(INT32);
          case 2 -> Optional.of(INT16);
          case 1 -> Optional.of(INT8);
          default -> Optional.empty();
        };
      }
      return w == 1 ? Optional.of(UINT8) : Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The notes that say which entries were widened: one per half-precision type present, e.g. "3
   * tensors are float16: computed in float32, which holds every float16 value exactly".
   *
   * @param storedTypes the stored type name of every entry
   */
  static List<String> widenedNotes(Map<String, String> storedTypes) {
    List<String> notes = new ArrayList<>();
    for (TensorType t : values()) {
      if (t.widened()) {
        long count = storedTypes.values().stream().filter(t.typeName::equals).count();
        if (count > 0) {
          notes.add(
              count
                  + (count == 1 ? " tensor is " : " tensors are ")
                  + t.typeName
                  + ": computed in float32, which holds every "
                  + t.typeName
                  + " value exactly");
        }
      }
    }
    return notes;
  }

  /** The names RepLens reads, for messages: {@code float32, float64, ...}. */
  static String allNames() {
    StringBuilder sb = new StringBuilder();
    for (TensorType t : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(t.typeName);
    }
    return sb.toString();
  }

  /** The safetensors codes RepLens reads, for messages: {@code F32, F64, ...}. */
  static String allSafetensorsCodes() {
    StringBuilder sb = new StringBuilder();
    for (TensorType t : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(t.safetensorsCode);
    }
    return sb.toString();
  }
}
