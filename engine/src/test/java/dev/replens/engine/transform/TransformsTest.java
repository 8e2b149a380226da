package dev.replens.engine.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.replens.engine.eval.ConvOps;
import dev.replens.engine.kernel.Kernel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Each transform on tiny hand-built tensors, then against direct convolution. Shapes: kernels OIHW
 * {@code [O, I/g, kH, kW]}, maps NCHW {@code [1, C, 7, 6]}; tolerance 1e-12 (float64).
 */
class TransformsTest {

  private static final double TOL = 1e-12;

  private static INDArray arr(double[] v, long... shape) {
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  private static INDArray vec(double... v) {
    return Nd4j.create(v, new long[] {v.length}, DataType.DOUBLE);
  }

  private static INDArray random(Random r, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return arr(v, shape);
  }

  private static Kernel randomKernel(Random r, int out, int in, int kh, int kw, int groups) {
    return new Kernel(random(r, out, in / groups, kh, kw), random(r, out), groups);
  }

  private static double maxDiff(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }

  @Test
  void batchNormFoldScalesWeightsAndShiftsBias() {
    // One output channel: W = 2, b = 1, γ = 3, β = 0.5, μ = 1, var = 3, eps = 1 → σ = 2.
    Kernel k = new Kernel(arr(new double[] {2}, 1, 1, 1, 1), vec(1), 1);
    BnStats bn = new BnStats(vec(3), vec(0.5), vec(1), vec(3), 1.0);
    Kernel f = Transforms.fuseBatchNorm(k, bn);
    assertThat(f.weight().getDouble(0, 0, 0, 0)).isEqualTo(3.0);
    assertThat(f.bias().getDouble(0)).isEqualTo(0.5);
  }

  @Test
  void batchNormFoldWithNegativeGammaFlipsTheKernel() {
    Kernel k = new Kernel(arr(new double[] {1, -2}, 1, 1, 1, 2), vec(0), 1);
    BnStats bn = new BnStats(vec(-1), vec(0), vec(2), vec(0.25), 0.0);
    Kernel f = Transforms.fuseBatchNorm(k, bn);
    assertThat(f.weight().getDouble(0, 0, 0, 0)).isEqualTo(-2.0);
    assertThat(f.weight().getDouble(0, 0, 0, 1)).isEqualTo(4.0);
    assertThat(f.bias().getDouble(0)).isEqualTo(4.0);
  }

  @Test
  void identityKernelPutsOneAtTheCentreOfEachChannelsOwnInput() {
    Kernel id = Transforms.identityKernel(4, 2, 3, DataType.DOUBLE);
    assertThat(id.weight().shape()).containsExactly(4, 2, 3, 3);
    assertThat(id.weight().sumNumber().doubleValue()).isEqualTo(4.0);
    assertThat(id.weight().getDouble(0, 0, 1, 1)).isEqualTo(1.0);
    assertThat(id.weight().getDouble(1, 1, 1, 1)).isEqualTo(1.0);
    assertThat(id.weight().getDouble(2, 0, 1, 1)).isEqualTo(1.0);
    assertThat(id.weight().getDouble(3, 1, 1, 1)).isEqualTo(1.0);
  }

  @Test
  void identityKernelConvolutionReturnsTheInput() {
    INDArray x = random(new Random(1), 1, 4, 7, 6);
    INDArray y =
        ConvOps.conv(
            ConvOps.padOrCrop(x, 1, 1), Transforms.identityKernel(4, 2, 3, DataType.DOUBLE), 1);
    assertThat(maxDiff(x, y)).isLessThan(TOL);
  }

  @Test
  void padCentresAnAsymmetricKernel() {
    Kernel k = Kernel.of(arr(new double[] {1, 2, 3}, 1, 1, 1, 3), 1);
    Kernel p = Transforms.padToSize(k, 3);
    assertThat(p.weight().get(NDArrayIndex.point(0), NDArrayIndex.point(0)).toDoubleMatrix())
        .isEqualTo(new double[][] {{0, 0, 0}, {1, 2, 3}, {0, 0, 0}});
    assertThatThrownBy(
            () -> Transforms.padToSize(Kernel.of(Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 2), 1), 3))
        .hasMessageContaining("odd");
  }

  @Test
  void averagePoolKernelIsOneOverKSquaredOnTheOwnChannel() {
    Kernel a = Transforms.averagePoolKernel(2, 1, 3, DataType.DOUBLE);
    assertThat(a.weight().getDouble(0, 0, 2, 1)).isCloseTo(1.0 / 9, within(TOL));
    assertThat(a.weight().getDouble(0, 1, 2, 1)).isEqualTo(0.0);
    assertThat(a.weight().getDouble(1, 1, 0, 0)).isCloseTo(1.0 / 9, within(TOL));
    INDArray x = random(new Random(2), 1, 2, 7, 6);
    INDArray pooled = ConvOps.avgPool(x, 3, 1);
    assertThat(maxDiff(pooled, ConvOps.conv(x, a, 1))).isLessThan(TOL);
  }

  @Test
  void sequentialMergeEqualsTheTwoConvsInTurnInsideTheMap() {
    Random r = new Random(3);
    Kernel first = randomKernel(r, 6, 4, 1, 1, 2);
    Kernel second = randomKernel(r, 4, 6, 3, 3, 2);
    Kernel merged = Transforms.mergeSequential(first, second);
    INDArray x = random(r, 1, 4, 7, 6);
    INDArray twoSteps = ConvOps.conv(ConvOps.conv(x, first, 1), second, 1);
    assertThat(maxDiff(twoSteps, ConvOps.conv(x, merged, 1))).isLessThan(TOL);
    assertThat(merged.groups()).isEqualTo(2);
  }

  @Test
  void compositionOfTwo3x3IsOne5x5() {
    Random r = new Random(4);
    Kernel first = randomKernel(r, 5, 4, 3, 3, 1);
    Kernel second = randomKernel(r, 3, 5, 3, 3, 1);
    Kernel c = Transforms.composeKernels(first, second);
    assertThat(c.weight().shape()).containsExactly(3, 4, 5, 5);
    INDArray x = random(r, 1, 4, 9, 8);
    INDArray twoSteps = ConvOps.conv(ConvOps.conv(x, first, 1), second, 1);
    assertThat(maxDiff(twoSteps, ConvOps.conv(x, c, 1))).isLessThan(TOL);
  }

  @Test
  void compositionAndSequentialMergeAgree() {
    Random r = new Random(5);
    Kernel first = randomKernel(r, 4, 4, 1, 1, 2);
    Kernel second = randomKernel(r, 6, 4, 3, 3, 2);
    Kernel a = Transforms.mergeSequential(first, second);
    Kernel b = Transforms.composeKernels(first, second);
    assertThat(b.groups()).isEqualTo(2);
    assertThat(maxDiff(a.weight(), b.weight())).isLessThan(TOL);
    assertThat(maxDiff(a.bias(), b.bias())).isLessThan(TOL);
  }

  @Test
  void addingBranchesEqualsAddingOutputs() {
    Random r = new Random(6);
    Kernel a = randomKernel(r, 3, 4, 3, 3, 1);
    Kernel b = randomKernel(r, 3, 4, 3, 3, 1);
    INDArray x = random(r, 1, 4, 7, 6);
    INDArray sum = ConvOps.conv(x, a, 1).add(ConvOps.conv(x, b, 1));
    assertThat(maxDiff(sum, ConvOps.conv(x, Transforms.addBranches(List.of(a, b)), 1)))
        .isLessThan(TOL);
    assertThatThrownBy(() -> Transforms.addBranches(List.of(a, randomKernel(r, 3, 4, 1, 1, 1))))
        .hasMessageContaining("equal kernels");
  }

  @Test
  void depthConcatenationStacksGroups() {
    Random r = new Random(7);
    Kernel a = randomKernel(r, 2, 3, 3, 3, 1);
    Kernel b = randomKernel(r, 2, 3, 3, 3, 1);
    Kernel c = Transforms.concatDepth(List.of(a, b));
    assertThat(c.groups()).isEqualTo(2);
    assertThat(c.inChannels()).isEqualTo(6);
    assertThat(c.weight().getDouble(3, 1, 2, 0)).isEqualTo(b.weight().getDouble(1, 1, 2, 0));
  }

  @Test
  void frequencyKernelIsCoefficientTimesBasis() {
    INDArray coeff = arr(new double[] {2, -1}, 1, 2, 1, 1);
    INDArray prior = arr(new double[] {1, 0, 0, 0, 3, 0, 0, 0, 1}, 1, 3, 3);
    Kernel f = Transforms.frequencyKernel(coeff, prior, 1);
    assertThat(f.weight().getDouble(0, 0, 1, 1)).isEqualTo(6.0);
    assertThat(f.weight().getDouble(0, 1, 1, 1)).isEqualTo(-3.0);
    assertThat(f.weight().getDouble(0, 1, 0, 0)).isEqualTo(-1.0);
  }

  @Test
  void scaleShiftAndSqueeze() {
    Kernel k = new Kernel(arr(new double[] {1, 2}, 2, 1, 1, 1), vec(1, 1), 1);
    Kernel s = Transforms.scaleChannels(k, vec(3, -1));
    assertThat(s.weight().getDouble(1, 0, 0, 0)).isEqualTo(-2.0);
    assertThat(s.bias().getDouble(0)).isEqualTo(3.0);
    assertThat(Transforms.shiftChannels(k, vec(0.5, 2)).bias().getDouble(1)).isEqualTo(3.0);
    Kernel q = Transforms.squeeze(List.of(k, k), List.of(vec(1, 2), vec(3, 4)));
    assertThat(q.weight().getDouble(0, 0, 0, 0)).isEqualTo(4.0);
    assertThat(q.weight().getDouble(1, 0, 0, 0)).isEqualTo(12.0);
  }

  @Test
  void propagatedShiftIsTheConvOfAConstantMap() {
    Random r = new Random(8);
    Kernel k = randomKernel(r, 4, 6, 3, 3, 2);
    INDArray t = random(r, 6);
    INDArray constant = Nd4j.zeros(DataType.DOUBLE, 1, 6, 5, 5);
    for (int c = 0; c < 6; c++) {
      constant.get(NDArrayIndex.point(0), NDArrayIndex.point(c)).assign(t.getDouble(c));
    }
    INDArray y = ConvOps.conv(constant, Kernel.of(k.weight(), 2), 1);
    INDArray expected = Transforms.propagateShift(k, t);
    for (int o = 0; o < 4; o++) {
      assertThat(y.getDouble(0, o, 1, 1)).isCloseTo(expected.getDouble(o), within(TOL));
    }
  }

  @Test
  void regroupingExpandsAndChecksOffGroupWeights() {
    Random r = new Random(9);
    Kernel dw = randomKernel(r, 4, 4, 3, 3, 4);
    Kernel g2 = Transforms.regroup(dw, 2);
    assertThat(g2.weight().shape()).containsExactly(4, 2, 3, 3);
    assertThat(g2.weight().getDouble(0, 1, 1, 1)).isEqualTo(0.0);
    assertThat(g2.weight().getDouble(1, 1, 1, 1)).isEqualTo(dw.weight().getDouble(1, 0, 1, 1));
    assertThat(Transforms.regroup(g2, 4).weight()).isEqualTo(dw.weight());
    Kernel dense = randomKernel(r, 4, 4, 3, 3, 1);
    assertThatThrownBy(() -> Transforms.regroup(dense, 2))
        .hasMessageContaining("across its 2 groups");
  }
}
