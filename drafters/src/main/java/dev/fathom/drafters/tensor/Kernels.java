package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;

/** The kernels of each weight type, on a named backend. */
public final class Kernels {
  private Kernels() {}

  /**
   * The kernel for {@code type} on {@code backend}; the vector classes are only loaded when asked
   * for, so the scalar backend runs without the incubator module.
   *
   * @throws UnsupportedOperationException for types without kernels, naming the type
   */
  public static TypeKernel of(GgmlType type, KernelBackend backend) {
    boolean vector = backend == KernelBackend.VECTOR;
    return switch (type) {
      case F32 -> vector ? VectorFloatKernels.F32 : ScalarFloatKernels.F32;
      case F16 -> vector ? VectorFloatKernels.F16 : ScalarFloatKernels.F16;
      case BF16 -> vector ? VectorFloatKernels.BF16 : ScalarFloatKernels.BF16;
      case Q8_0 -> vector ? VectorBlockKernels.Q8_0 : ScalarBlockKernels.Q8_0;
      case Q4_0 -> vector ? VectorBlockKernels.Q4_0 : ScalarBlockKernels.Q4_0;
      case Q4_K -> vector ? VectorKQuantKernels.Q4_K : ScalarKQuantKernels.Q4_K;
      case Q5_K -> vector ? VectorKQuantKernels.Q5_K : ScalarKQuantKernels.Q5_K;
      case Q6_K -> vector ? VectorKQuantKernels.Q6_K : ScalarKQuantKernels.Q6_K;
      case Q4_1,
          Q5_0,
          Q5_1,
          Q8_1,
          Q2_K,
          Q3_K,
          Q8_K,
          IQ2_XXS,
          IQ2_XS,
          IQ3_XXS,
          IQ1_S,
          IQ4_NL,
          IQ3_S,
          IQ2_S,
          IQ4_XS,
          I8,
          I16,
          I32,
          I64,
          F64,
          IQ1_M,
          TQ1_0,
          TQ2_0,
          MXFP4 ->
          throw new UnsupportedOperationException(
              "no kernels for ggml type "
                  + type
                  + "; supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K");
    };
  }
}
