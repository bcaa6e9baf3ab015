package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;

/**
 * Float to ggml block layouts, the inverse of the kernels' dequantisation; used by the GGUF writer,
 * {@code fathom model synth} and round-trip tests.
 *
 * <p>CONTRACT (implemented by the kernels work).
 */
public final class Quantizer {
  private Quantizer() {}

  /**
   * Encodes {@code values} (length a multiple of the type's block size) in {@code type}'s ggml
   * block layout; returns {@code type.byteSize(values.length)} bytes.
   */
  public static byte[] quantize(GgmlType type, float[] values) {
    throw new UnsupportedOperationException("quantize " + type + ": not implemented yet");
  }
}
