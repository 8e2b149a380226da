package dev.replens.engine.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

  /**
   * Whether {@code a} is float32 or float64 and its elements are its buffer's, in c order from the
   * first: the arrays whose buffers the methods here may read and write whole.
   */
  static boolean direct(INDArray a) {
    DataType t = a.dataType();
    return (t == DataType.FLOAT || t == DataType.DOUBLE)
        && a.offset() == 0
        && a.data().offset() == 0
        && a.ordering() == 'c'
        && a.data().length() == a.length();
  }

  /**
   * Copies {@code from} into {@code to} (same length; linear index i to i): one bulk copy of the
   * bytes when both are {@link #direct} and of one type, otherwise an {@code assign} of {@code
   * from} reshaped to {@code to}'s shape. A step copies every parameter for its rollback, and a
   * native op per small array costs more than the copy.
   */
  static void copy(INDArray from, INDArray to) {
    if (from.dataType() == to.dataType()
        && from.length() == to.length()
        && direct(from)
        && direct(to)) {
      int bytes = Math.toIntExact(from.length() * from.dataType().width());
      to.data().asNio().put(0, from.data().asNio(), 0, bytes);
    } else {
      to.assign(from.reshape(to.shape()));
    }
  }

  /**
   * Copies a kernel between the {@code [O, I, kH, kW]} layout and the {@code [kH, kW, I, O]} one
   * oneDNN's conv takes as it is: {@code yxio[y, x, i, o] = oiyx[o, i, y, x]}. Element by element
   * through the buffers when both are {@link #direct} and of one type (a permuted {@code assign}
   * costs ND4J about 0.4 ms for a 32·32·3·3 kernel, this some microseconds), else that assign.
   *
   * @param toYxio true to fill {@code yxio} from {@code oiyx}, false for the way back
   */
  static void permuteKernel(INDArray oiyx, INDArray yxio, boolean toYxio) {
    long[] s = oiyx.shape();
    if (oiyx.dataType() != yxio.dataType()
        || oiyx.length() != yxio.length()
        || !direct(oiyx)
        || !direct(yxio)) {
      if (toYxio) {
        yxio.assign(oiyx.permute(2, 3, 1, 0));
      } else {
        oiyx.permute(2, 3, 1, 0).assign(yxio);
      }
      return;
    }
    int o = (int) s[0];
    int in = (int) s[1];
    int kh = (int) s[2];
    int kw = (int) s[3];
    INDArray from = toYxio ? oiyx : yxio;
    INDArray to = toYxio ? yxio : oiyx;
    boolean f32 = from.dataType() == DataType.FLOAT;
    FloatBuffer ff = f32 ? from.data().asNioFloat() : null;
    FloatBuffer tf = f32 ? to.data().asNioFloat() : null;
    DoubleBuffer fd = f32 ? null : from.data().asNioDouble();
    DoubleBuffer td = f32 ? null : to.data().asNioDouble();
    for (int oc = 0; oc < o; oc++) {
      for (int ic = 0; ic < in; ic++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            int a = ((oc * in + ic) * kh + y) * kw + x;
            int b = ((y * kw + x) * in + ic) * o + oc;
            int src = toYxio ? a : b;
            int dst = toYxio ? b : a;
            if (f32) {
              tf.put(dst, ff.get(src));
            } else {
              td.put(dst, fd.get(src));
            }
          }
        }
      }
    }
  }

  /**
   * {@code r ← keep·r + scale·x} in the arrays' own type, rounding as the native {@code muli} then
   * {@code axpy} would: {@code keep·r} first, then {@code + scale·x}. Falls back to those two ops
   * unless both arrays are {@link #direct} and of one type.
   */
  static void blend(INDArray r, double keep, double scale, INDArray x) {
    if (r.dataType() != x.dataType() || r.length() != x.length() || !direct(r) || !direct(x)) {
      r.muli(keep);
      Nd4j.getBlasWrapper().level1().axpy(r.length(), scale, x, r);
      return;
    }
    int n = Math.toIntExact(r.length());
    if (r.dataType() == DataType.FLOAT) {
      FloatBuffer rb = r.data().asNioFloat();
      FloatBuffer xb = x.data().asNioFloat();
      float k = (float) keep;
      float s = (float) scale;
      for (int i = 0; i < n; i++) {
        float kept = k * rb.get(i);
        rb.put(i, kept + s * xb.get(i));
      }
    } else {
      DoubleBuffer rb = r.data().asNioDouble();
      DoubleBuffer xb = x.data().asNioDouble();
      for (int i = 0; i < n; i++) {
        double kept = keep * rb.get(i);
        rb.put(i, kept + scale * xb.get(i));
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
