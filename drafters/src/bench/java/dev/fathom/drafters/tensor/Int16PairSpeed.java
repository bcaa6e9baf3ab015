package dev.fathom.drafters.tensor;

import jdk.incubator.vector.*;

/**
 * Multiply-adds per second of C2's auto-vectorised int16 pair loop ({@code MulAddS2I}: {@code
 * vpmaddwd}, or {@code vpdpwssd} with AVX-512 VNNI) against a Vector API float FMA dot product,
 * alternating in one JVM; not a test. Run as {@link KernelSpeed} is, with {@code
 * dev.fathom.drafters.tensor.Int16PairSpeed}.
 */
public final class Int16PairSpeed {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  // int16 pairs: out[i] += a[2i]*b[2i] + a[2i+1]*b[2i+1]  (C2: MulAddS2I -> vpmaddwd / vpdpwssd)
  static void shortPairs(short[] a, short[] b, int[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    }
  }

  // float FMA, Vector API, 4 accumulators
  static float floatDot(float[] a, float[] b, int n) {
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
    int L = F.length();
    for (int i = 0; i < n; i += 4 * L) {
      s0 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), s0);
      s1 = FloatVector.fromArray(F, a, i + L).fma(FloatVector.fromArray(F, b, i + L), s1);
      s2 = FloatVector.fromArray(F, a, i + 2 * L).fma(FloatVector.fromArray(F, b, i + 2 * L), s2);
      s3 = FloatVector.fromArray(F, a, i + 3 * L).fma(FloatVector.fromArray(F, b, i + 3 * L), s3);
    }
    return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
  }

  public static void main(String[] args) {
    int n = 2048; // elements (MACs) per call, in L1
    short[] a = new short[n], b = new short[n];
    int[] out = new int[n / 2];
    float[] fa = new float[n], fb = new float[n];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < n; i++) {
      a[i] = (short) r.nextInt(-127, 128);
      b[i] = (short) r.nextInt(-32000, 32000);
      fa[i] = a[i];
      fb[i] = b[i];
    }
    float sink = 0;
    for (int round = 0; round < 9; round++) {
      int calls = 200_000;
      long t0 = System.nanoTime();
      for (int c = 0; c < calls; c++) shortPairs(a, b, out, n / 2);
      long t1 = System.nanoTime();
      for (int c = 0; c < calls; c++) sink += floatDot(fa, fb, n);
      long t2 = System.nanoTime();
      double macs = (double) calls * n;
      System.out.printf(
          "round %d: int16 pairs %.2f GMAC/s, float FMA %.2f GMAC/s, ratio %.2f%n",
          round, macs / (t1 - t0), macs / (t2 - t1), (double) (t2 - t1) / (t1 - t0));
    }
    System.out.println(sink + out[3]);
  }
}
