package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A dot product of stored weights with an activation vector already quantised to 8 bits ({@link
 * ActivationQ8}), as llama.cpp's {@code ggml_vec_dot_q8_0_q8_0} does for decode: the products of
 * one 32-element block are summed in integers and scaled by one float multiply, so no weight is
 * widened to a float. The activation is quantised once per matrix product and shared by every row.
 *
 * <p>The result differs from {@link TypeKernel#dot} by the activation's rounding: each element of
 * {@code x} moves by at most half a step of its block, {@code max|x| / 254}.
 */
public interface Int8Dot {
  /** The system property that turns the integer path on ({@code true}) or off ({@code false}). */
  String PROPERTY = "fathom.engine.int8-dot";

  /** {@code Σ w[i] · x[i]} over the {@code n} elements stored at {@code byteOffset}. */
  float dot(MemorySegment w, long byteOffset, ActivationQ8 x, int n);

  /** Whether {@link #PROPERTY} asks for the integer path; off unless set to {@code true}. */
  static boolean enabled() {
    return EngineSwitch.read(PROPERTY, false);
  }

  /**
   * The integer kernel for {@code type} on {@code backend}, or null when the type has none: only
   * Q8_0 has one (for Q4_0 the integer scheme was slower than the float kernel, see {@link
   * VectorInt8Dots}).
   */
  static Int8Dot of(GgmlType type, KernelBackend backend) {
    boolean vector = backend == KernelBackend.VECTOR;
    return switch (type) {
      case Q8_0 -> vector ? VectorInt8Dots.Q8_0 : ScalarInt8Dots.Q8_0;
      default -> null;
    };
  }
}
