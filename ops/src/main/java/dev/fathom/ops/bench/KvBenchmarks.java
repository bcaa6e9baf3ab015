package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.tokenizer.Tokenizer;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.PassagePolicy;
import dev.fathom.memory.TokenSpan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the KV eviction benchmarks ({@link KvFidelityBenchmark}, {@link KvSpeedBenchmark}, {@link
 * PasskeyBenchmark}) share: the model's own text to read back, its sentences as the passage
 * policy's blocks, and the bytes one cache position takes.
 */
final class KvBenchmarks {
  private KvBenchmarks() {}

  /** Bytes of keys and values one cache position takes: layers × (K + V) × kvDim floats. */
  static long kvBytesPerPosition(LlamaEngine engine) {
    return engine.config().layers() * 2L * engine.config().kvDim() * Float.BYTES;
  }

  /**
   * {@code policy}, or for a passage policy without blocks of its own the same policy over {@code
   * blocks} (the text's sentences or planted passages).
   */
  static KvEvictionPolicy withBlocks(KvEvictionPolicy policy, List<TokenSpan> blocks) {
    return policy instanceof PassagePolicy p && p.blocks().isEmpty()
        ? p.withBlocks(blocks)
        : policy;
  }

  /**
   * The sentences of {@code text} as token spans: each ends after a token whose text holds {@code
   * .}, {@code !}, {@code ?} or a line break; the tail after the last such token is one more span.
   */
  static List<TokenSpan> sentences(int[] text, Tokenizer tokenizer) {
    List<TokenSpan> spans = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length; i++) {
      String piece = new String(tokenizer.tokenBytes(text[i]), StandardCharsets.UTF_8);
      if (piece.matches("(?s).*[.!?\\n].*")) {
        spans.add(new TokenSpan(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length) {
      spans.add(new TokenSpan(start, text.length));
    }
    return spans;
  }

  /** BOS then tokens sampled at temperature 1 with {@code seed}. */
  static int[] selfWritten(LlamaEngine engine, int n, long seed) {
    Random random = new Random(seed);
    int[] text = new int[n];
    text[0] = 1;
    LlamaSequence seq = engine.newSequence();
    float[] logits = seq.forward(new int[] {text[0]}, false);
    for (int i = 1; i < n; i++) {
      float[] p = softmax(logits);
      double u = random.nextDouble();
      int t = 0;
      for (double acc = p[0]; acc < u && t < p.length - 1; acc += p[++t]) {}
      text[i] = t;
      logits = seq.forward(new int[] {t}, false);
    }
    return text;
  }

  static float[] softmax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    float[] p = new float[logits.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= (float) sum;
    }
    return p;
  }
}
