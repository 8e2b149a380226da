package dev.replens.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The kernel layout copy against ND4J's permute, on a kernel with no two sizes alike. */
class BuffersTest {

  @Test
  void permuteKernelIsNd4jsPermuteBothWays() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(5);
      INDArray oiyx = Nd4j.randn(type, 5, 4, 3, 2);
      INDArray expected = oiyx.permute(2, 3, 1, 0).dup('c');
      INDArray yxio = Nd4j.create(type, 3, 2, 4, 5);
      Buffers.permuteKernel(oiyx, yxio, true);
      assertThat(yxio).as("%s to [kH, kW, I, O]", type).isEqualTo(expected);
      INDArray back = Nd4j.create(type, 5, 4, 3, 2);
      Buffers.permuteKernel(back, yxio, false);
      assertThat(back).as("%s back to [O, I, kH, kW]", type).isEqualTo(oiyx);

      // A kernel that is a view into a larger buffer takes ND4J's own permute.
      INDArray big = Nd4j.randn(type, 6, 4, 3, 2);
      INDArray view = big.get(NDArrayIndex.interval(1, 6));
      assertThat(Buffers.direct(view)).isFalse();
      INDArray fromView = Nd4j.create(type, 3, 2, 4, 5);
      Buffers.permuteKernel(view, fromView, true);
      assertThat(fromView).isEqualTo(view.permute(2, 3, 1, 0).dup('c'));
    }
  }
}
