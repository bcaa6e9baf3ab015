package dev.fathom.drafters.tensor;

import static dev.fathom.drafters.tensor.LittleEndian.f16;
import static dev.fathom.drafters.tensor.VectorShapes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link Int8Dot}s. Every shape is a constant species: {@code reinterpretAsInts()}
 * derives its species at run time, which C2 could not fold, and the fallback ran per block.
 *
 * <p>Weight bytes are sign-extended once to shorts and multiplied with the activation's shorts; the
 * products of one block are added as shorts (at most {@code 2 · 128 · 127 = 32512}, which fits),
 * and adjacent short pairs are summed into ints by reinterpreting the vector as ints and adding the
 * arithmetic-shifted halves, so one block costs one int-to-float conversion and one multiply-add
 * with its two scales.
 *
 * <p>Only Q8_0 has one: the same scheme for Q4_0 (nibbles unpacked on 16 shorts, {@code 8 · Σ q}
 * subtracted per block) measured 1.36–1.58× slower than the float kernel on AVX-512 (one thread,
 * loaded machine), where widening nibbles to floats costs little and the Vector API offers no
 * {@code vpmaddubsw}.
 */
enum VectorInt8Dots implements Int8Dot {
  Q8_0 {
    @Override
    public float dot(MemorySegment w, long o, ActivationQ8 x, int n) {
      // A plain counted loop with offsets linear in b, as in VectorBlockKernels, so that C2 hoists
      // the range checks out of it; the inner loop over chunks has a constant trip count (1 or 2).
      short[] q = x.q;
      float[] d = x.d;
      int blocks = n / 32;
      FloatVector acc = FloatVector.zero(F);
      for (int b = 0; b < blocks; b++) {
        long p = o + 34L * b;
        ShortVector s = shorts(w, p + 2).mul(ShortVector.fromArray(S, q, 32 * b));
        for (int c = S.length(); c < 32; c += S.length()) {
          s = s.add(shorts(w, p + 2 + c).mul(ShortVector.fromArray(S, q, 32 * b + c)));
        }
        acc = pairSums(s).fma(FloatVector.broadcast(F, f16(w, p) * d[b]), acc);
      }
      return acc.reduceLanes(VectorOperators.ADD);
    }
  };

  /**
   * Floats of the preferred width (256 or 512 bits); shorts of the same width; half as many bytes.
   */
  private static final VectorSpecies<Float> F = VectorShapes.F;

  private static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize()));
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
  private static final VectorSpecies<Integer> I =
      VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));

  /** {@code S.length()} signed bytes at {@code offset}, sign-extended to shorts. */
  private static ShortVector shorts(MemorySegment w, long offset) {
    return (ShortVector)
        ByteVector.fromMemorySegment(B, w, offset, LE).convertShape(VectorOperators.B2S, S, 0);
  }

  /** Lane i is {@code s[2i] + s[2i + 1]} as a float (little-endian: the low half is s[2i]). */
  private static FloatVector pairSums(ShortVector s) {
    IntVector i = (IntVector) s.reinterpretShape(I, 0);
    return (FloatVector)
        i.lanewise(VectorOperators.ASHR, 16)
            .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
            .convert(VectorOperators.I2F, 0);
  }
}
