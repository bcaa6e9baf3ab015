package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.VectorShapes.F;
import static dev.fathom.drafters.tensor.VectorShapes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API {@link FloatOps}: whole vectors first, the remainder through {@link ScalarFloatOps}.
 * {@code exp} uses the Vector API's {@link VectorOperators#EXP} (within 1 ulp of {@link Math#exp}).
 */
final class VectorFloatOps implements FloatOps {
  private static final ScalarFloatOps TAIL = new ScalarFloatOps();

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    int bound = F.loopBound(n);
    int i = 0;
    for (; i + L < bound; i += 2 * L) {
      acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
      acc1 =
          FloatVector.fromArray(F, a, aOff + i + L)
              .fma(FloatVector.fromArray(F, b, bOff + i + L), acc1);
    }
    for (; i < bound; i += L) {
      acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
    }
    return acc0.add(acc1).reduceLanes(VectorOperators.ADD)
        + TAIL.dot(a, aOff + i, b, bOff + i, n - i);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i)
          .fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    TAIL.axpy(alpha, x, xOff + i, y, yOff + i, n - i);
  }

  @Override
  public float sumOfSquares(float[] x, int off, int n) {
    return dot(x, off, x, off, n);
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
    }
    TAIL.scale(x, off + i, n - i, s);
  }

  @Override
  public void mul(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i)
          .mul(s)
          .mul(FloatVector.fromArray(F, w, wOff + i))
          .intoArray(out, outOff + i);
    }
    TAIL.mul(x, xOff + i, w, wOff + i, s, out, outOff + i, n - i);
  }

  @Override
  public void add(float[] y, int yOff, float[] x, int xOff, int n) {
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(F, y, yOff + i)
          .add(FloatVector.fromArray(F, x, xOff + i))
          .intoArray(y, yOff + i);
    }
    TAIL.add(y, yOff + i, x, xOff + i, n - i);
  }

  @Override
  public void siluMul(float[] gate, float[] up, int off, int n) {
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector g = FloatVector.fromArray(F, gate, off + i);
      FloatVector sigmoidInverse = g.neg().lanewise(VectorOperators.EXP).add(1f);
      g.div(sigmoidInverse).mul(FloatVector.fromArray(F, up, off + i)).intoArray(gate, off + i);
    }
    TAIL.siluMul(gate, up, off + i, n - i);
  }

  @Override
  public float max(float[] x, int off, int n) {
    FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      m = m.max(FloatVector.fromArray(F, x, off + i));
    }
    return Math.max(m.reduceLanes(VectorOperators.MAX), TAIL.max(x, off + i, n - i));
  }

  @Override
  public float expShiftSum(float[] x, int off, int n, float shift) {
    FloatVector sum = FloatVector.zero(F);
    int bound = F.loopBound(n);
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector e = FloatVector.fromArray(F, x, off + i).sub(shift).lanewise(VectorOperators.EXP);
      e.intoArray(x, off + i);
      sum = sum.add(e);
    }
    return sum.reduceLanes(VectorOperators.ADD) + TAIL.expShiftSum(x, off + i, n - i, shift);
  }
}
