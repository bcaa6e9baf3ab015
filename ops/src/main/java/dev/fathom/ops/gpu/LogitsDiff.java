package dev.fathom.ops.gpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How far a backend's logits lie from the reference backend's, over the same positions: the largest
 * absolute difference, the largest reference logit it is measured against, and how many positions
 * pick a different argmax (the token greedy decoding would take).
 *
 * <p>The tolerance is relative to the largest reference logit, as the project's CPU tests compare
 * JIT tiers (1e-4 there). A GPU sums in another order (tree reductions, fused multiply-adds) over
 * every layer, so the device check allows {@link #TOLERANCE}; the measured value is reported either
 * way.
 *
 * @param maxAbsDiff largest |backend − reference| over all positions and tokens
 * @param maxAbsReference largest |reference logit|
 * @param positions positions compared
 * @param vocabulary logits per position
 * @param argmaxMismatches positions whose argmax differs
 */
record LogitsDiff(
    double maxAbsDiff,
    double maxAbsReference,
    int positions,
    int vocabulary,
    int argmaxMismatches) {

  /** Allowed {@code maxAbsDiff / maxAbsReference}. */
  static final double TOLERANCE = 1e-3;

  LogitsDiff {
    if (positions < 1 || vocabulary < 1) {
      throw new IllegalArgumentException(
          "positions and vocabulary must be ≥ 1, got " + positions + " and " + vocabulary);
    }
  }

  /** {@code maxAbsDiff / maxAbsReference} (the difference itself when every logit is 0). */
  double relative() {
    return maxAbsReference == 0 ? maxAbsDiff : maxAbsDiff / maxAbsReference;
  }

  boolean withinTolerance() {
    return relative() <= TOLERANCE;
  }

  /** Compares row-major {@code positions × vocabulary} logits. */
  static LogitsDiff of(float[] reference, float[] other, int vocabulary) {
    if (reference.length != other.length || reference.length % vocabulary != 0) {
      throw new IllegalArgumentException(
          "logits of "
              + reference.length
              + " and "
              + other.length
              + " floats cannot both be whole rows of "
              + vocabulary);
    }
    double maxDiff = 0;
    double maxRef = 0;
    int mismatches = 0;
    boolean nan = false;
    int positions = reference.length / vocabulary;
    for (int p = 0; p < positions; p++) {
      int refBest = p * vocabulary;
      int otherBest = p * vocabulary;
      for (int i = p * vocabulary; i < (p + 1) * vocabulary; i++) {
        double d = Math.abs((double) reference[i] - other[i]);
        if (Double.isNaN(d)) {
          nan = true; // a NaN logit is never within tolerance
        } else {
          maxDiff = Math.max(maxDiff, d);
        }
        maxRef = Math.max(maxRef, Math.abs(reference[i]));
        refBest = reference[i] > reference[refBest] ? i : refBest;
        otherBest = other[i] > other[otherBest] ? i : otherBest;
      }
      mismatches += refBest == otherBest ? 0 : 1;
    }
    return new LogitsDiff(nan ? Double.NaN : maxDiff, maxRef, positions, vocabulary, mismatches);
  }

  /** Writes logits as little-endian floats (what {@link #read} reads). */
  static void write(Path file, float[] logits) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(logits.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(logits);
    Files.write(file, b.array());
  }

  static float[] read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length % Float.BYTES != 0) {
      throw new IOException(file + " holds " + bytes.length + " bytes, not whole floats");
    }
    float[] out = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
