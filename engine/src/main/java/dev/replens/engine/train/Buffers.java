package dev.replens.engine.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Copies between heap arrays and the native buffer of a dense, c-order, unoffset array. */
final class Buffers {

  private Buffers() {}

  /** Writes {@code v} into {@code a} (float32 or float64), element {@code i} to linear index i. */
  static void write(INDArray a, double[] v) {
    if (a.length() != v.length) {
      throw new IllegalArgumentException(
          "writing " + v.length + " values into an array of " + a.length());
    }
    if (a.dataType() == DataType.DOUBLE) {
      DoubleBuffer b = a.data().asNioDouble();
      b.put(v, 0, v.length);
    } else if (a.dataType() == DataType.FLOAT) {
      FloatBuffer b = a.data().asNioFloat();
      for (int i = 0; i < v.length; i++) {
        b.put(i, (float) v[i]);
      }
    } else {
      for (int i = 0; i < v.length; i++) {
        a.putScalar(i, v[i]);
      }
    }
  }

  /** Writes {@code v} into {@code a} (float32 or float64), element {@code i} to linear index i. */
  static void write(INDArray a, float[] v) {
    if (a.length() != v.length) {
      throw new IllegalArgumentException(
          "writing " + v.length + " values into an array of " + a.length());
    }
    if (a.dataType() == DataType.FLOAT) {
      a.data().asNioFloat().put(v, 0, v.length);
    } else if (a.dataType() == DataType.DOUBLE) {
      DoubleBuffer b = a.data().asNioDouble();
      for (int i = 0; i < v.length; i++) {
        b.put(i, v[i]);
      }
    } else {
      for (int i = 0; i < v.length; i++) {
        a.putScalar(i, v[i]);
      }
    }
  }

  /** Reads {@code a} (float32 or float64) into {@code into}, linear index i to element i. */
  static void read(INDArray a, double[] into) {
    if (a.length() != into.length) {
      throw new IllegalArgumentException(
          "reading an array of " + a.length() + " values into " + into.length);
    }
    if (a.dataType() == DataType.DOUBLE) {
      a.data().asNioDouble().get(0, into, 0, into.length);
    } else if (a.dataType() == DataType.FLOAT) {
      FloatBuffer b = a.data().asNioFloat();
      for (int i = 0; i < into.length; i++) {
        into[i] = b.get(i);
      }
    } else {
      for (int i = 0; i < into.length; i++) {
        into[i] = a.getDouble(i);
      }
    }
  }
}
