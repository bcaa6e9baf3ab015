package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link Int8Dot}s. Each half block of 16 weight bytes is sign-extended once to 16
 * shorts and multiplied with 16 activation shorts; the two halves are added as shorts (at most
 * {@code 2 · 128 · 127 = 32512}, which fits), the sum is widened to ints and then to 8 floats that
 * take the block's two scales in one multiply-add. The shapes are fixed at 256 bits, which every
 * machine the vector backend accepts has.
 */
enum VectorInt8Dots implements Int8Dot {
  Q8_0 {
    @Override
    public float dot(MemorySegment w, long o, ActivationQ8 x, int n) {
      // A plain counted loop with offsets linear in b, as in VectorBlockKernels, so that C2 hoists
      // the range checks out of it.
      short[] q = x.q;
      float[] d = x.d;
      int blocks = n / 32;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 34L * b;
        ShortVector s =
            shorts(w, p + 2)
                .mul(ShortVector.fromArray(S, q, 32 * b))
                .add(shorts(w, p + 18).mul(ShortVector.fromArray(S, q, 32 * b + 16)));
        acc = floats(s).fma(FloatVector.broadcast(F, f16(w, p) * d[b]), acc);
      }
      return acc.reduceLanes(VectorOperators.ADD);
    }
  },
  Q4_0 {
    @Override
    public float dot(MemorySegment w, long o, ActivationQ8 x, int n) {
      short[] q = x.q;
      float[] d = x.d;
      int blocks = n / 32;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 18L * b;
        ShortVector packed = shorts(w, p + 2);
        ShortVector low = packed.and((short) 0x0F).sub((short) 8);
        ShortVector high =
            packed.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).sub((short) 8);
        ShortVector s =
            low.mul(ShortVector.fromArray(S, q, 32 * b))
                .add(high.mul(ShortVector.fromArray(S, q, 32 * b + 16)));
        acc = floats(s).fma(FloatVector.broadcast(F, f16(w, p) * d[b]), acc);
      }
      return acc.reduceLanes(VectorOperators.ADD);
    }
  };

  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

  /** 16 signed bytes at {@code offset}, sign-extended to shorts. */
  private static ShortVector shorts(MemorySegment w, long offset) {
    return (ShortVector)
        ByteVector.fromMemorySegment(B, w, offset, LE).convertShape(VectorOperators.B2S, S, 0);
  }

  /** The 16 shorts of {@code s} summed pairwise (lane i with lane i + 8) as 8 floats. */
  private static FloatVector floats(ShortVector s) {
    IntVector sum =
        ((IntVector) s.convertShape(VectorOperators.S2I, I, 0))
            .add((IntVector) s.convertShape(VectorOperators.S2I, I, 1));
    return (FloatVector) sum.convert(VectorOperators.I2F, 0);
  }
}
