package dev.fathom.drafters.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species the vector kernels share. {@link #F} is the preferred float shape (256 or 512
 * bits, see {@link KernelBackend}); {@link #B} and {@link #S} hold as many bytes or shorts as
 * {@link #F} holds floats, so one load widens into exactly one float vector.
 */
final class VectorShapes {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Byte> B = L == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
  static final VectorSpecies<Short> S = L == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
  static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  private VectorShapes() {}

  /** {@link #L} signed bytes at {@code offset}, widened to floats. */
  static FloatVector bytes(MemorySegment w, long offset) {
    return (FloatVector)
        ByteVector.fromMemorySegment(B, w, offset, LE).convertShape(VectorOperators.B2F, F, 0);
  }

  /**
   * {@link #L} bytes at {@code offset}, sign-extended to ints. Nibble and bit unpacking happens on
   * these int lanes: x86 has no byte shifts, so a shift of a {@code ByteVector} costs a widening
   * and a narrowing, while an int shift is one instruction.
   */
  static IntVector ints(MemorySegment w, long offset) {
    return (IntVector)
        ByteVector.fromMemorySegment(B, w, offset, LE).convertShape(VectorOperators.B2I, I, 0);
  }

  /** {@link #L} bytes at {@code offset}, zero-extended to ints. */
  static IntVector uints(MemorySegment w, long offset) {
    return (IntVector)
        ByteVector.fromMemorySegment(B, w, offset, LE)
            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
  }

  static FloatVector floats(IntVector q) {
    return (FloatVector) q.convert(VectorOperators.I2F, 0);
  }

  /**
   * {@link #L} IEEE halves at {@code offset} as floats. The Vector API has no half conversion, so
   * this builds the float bits: normal halves re-bias the exponent (15 to 127, i.e. add 112 to it),
   * subnormals are their 10-bit mantissa times 2^-24 (exact in float), and the all-ones exponent
   * (inf, NaN) maps to 0xFF keeping the mantissa; unlike {@link Float#float16ToFloat}, a NaN is not
   * made quiet, which does not matter for weights.
   */
  static FloatVector halves(MemorySegment w, long offset) {
    IntVector h = shortsToInts(w, offset);
    IntVector magnitude = h.and(0x7FFF);
    IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
    IntVector normal = shifted.add(112 << 23);
    IntVector subnormal =
        ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
    IntVector bits =
        normal
            .blend(subnormal, magnitude.compare(VectorOperators.LT, 0x0400))
            .blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
    return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
  }

  /** {@link #L} bfloat16 values at {@code offset}: each is the upper half of a float's bits. */
  static FloatVector bfloats(MemorySegment w, long offset) {
    return shortsToInts(w, offset).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static IntVector shortsToInts(MemorySegment w, long offset) {
    return (IntVector)
        ShortVector.fromMemorySegment(S, w, offset, LE).convertShape(VectorOperators.S2I, I, 0);
  }
}
