package dev.fathom.drafters.compute.cuda;

import dev.fathom.drafters.compute.Activations;
import dev.fathom.drafters.compute.ComputeBackend;
import dev.fathom.drafters.compute.WeightMatrix;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.tensor.Quantizer;
import java.lang.foreign.MemorySegment;

/**
 * Puts floats into a backend's activations and reads them back through the interface only (an F32
 * embedding row in, an identity product out), so one test drives the CPU and the CUDA backend
 * alike.
 */
final class BackendIo {
  private BackendIo() {}

  static WeightMatrix matrix(ComputeBackend b, GgmlType type, float[] values, int rows, int cols) {
    byte[] bytes = Quantizer.quantizeRows(type, values, cols);
    return b.matrix(type, MemorySegment.ofArray(bytes), rows, cols);
  }

  /** Activations holding {@code values}, written through an embedding lookup of row 0. */
  static Activations of(ComputeBackend b, float[] values) {
    Activations a = b.allocate(values.length);
    b.embed(matrix(b, GgmlType.F32, values, 1, values.length), new int[] {0}, a);
    return a;
  }

  /** The first {@code n} rows of {@code width} floats of {@code x}. */
  static float[] read(ComputeBackend b, Activations x, int n, int width) {
    float[] eye = new float[width * width];
    for (int i = 0; i < width; i++) {
      eye[i * width + i] = 1f;
    }
    float[] out = new float[n * width];
    b.logits(matrix(b, GgmlType.F32, eye, width, width), x, n, out);
    return out;
  }

  /** The largest magnitude in {@code x} (the scale tolerances are relative to). */
  static float scale(float[] x) {
    float s = 0f;
    for (float f : x) {
      s = Math.max(s, Math.abs(f));
    }
    return s;
  }
}
