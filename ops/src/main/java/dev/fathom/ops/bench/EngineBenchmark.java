package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.sampling.Sampler;
import java.util.function.Supplier;

/**
 * Fathom's side of {@code fathom bench engine}: the engine's own prefill and decode loop ({@link
 * Decoding}) — prefill in forward passes of at most {@link Decoding#PREFILL_CHUNK} positions, then
 * {@code decodeTokens} single-token forward passes, each fed the argmax of the previous logits
 * (greedy). Warm-up runs let the JIT compile the kernels and page the mapped weights in; the
 * medians of the timed runs are reported.
 */
public final class EngineBenchmark {
  /**
   * Untimed runs come first, on both engines: at least one, and more until {@link #WARMUP_SECONDS}
   * have passed. One run of a gigabyte model is warm-up enough, but on a megabyte-sized model one
   * run lasts a tenth of a second, before C2 has compiled the kernels.
   */
  public static final int WARMUP_SECONDS = 2;

  /** Timed runs; the reported throughput is their median. */
  public static final int TIMED_RUNS = 3;

  private EngineBenchmark() {}

  /**
   * Times generations on {@code sequence} (warm-up, then {@code timedRuns}), cut back to empty
   * before each, so every run reuses the KV cache memory the way llama.cpp reuses its context.
   */
  public static PhaseTimes run(
      LlamaSequence sequence, int[] prompt, int decodeTokens, int timedRuns) {
    return measure(prompt.length, decodeTokens, timedRuns, once(sequence, prompt, decodeTokens));
  }

  /**
   * One generation on {@code sequence}: the engine's prefill of {@code prompt}, then {@code
   * decodeTokens} greedy forward passes; returns its prefill and its decode nanoseconds.
   */
  public static Supplier<long[]> once(LlamaSequence sequence, int[] prompt, int decodeTokens) {
    if (prompt.length + decodeTokens > sequence.capacity()) {
      throw new IllegalArgumentException(
          "prompt ("
              + prompt.length
              + ") plus decode ("
              + decodeTokens
              + ") tokens exceed the sequence's "
              + sequence.capacity()
              + " positions");
    }
    return () -> {
      sequence.truncate(0);
      long t0 = System.nanoTime();
      float[] logits = Decoding.prefill(sequence, prompt);
      long t1 = System.nanoTime();
      // decodeTokens forward passes: the loop chooses one token more than it runs.
      Decoding.decode(sequence, logits, decodeTokens + 1, Sampler::argmax, token -> null);
      return new long[] {t1 - t0, System.nanoTime() - t1};
    };
  }

  /**
   * Two engines timed in alternation: warm-up runs of each ({@link #WARMUP_SECONDS}, at least one),
   * then {@code rounds} rounds of one run each, {@code a} first in even rounds and {@code b} first
   * in odd ones, so a drift in the machine's load or clock between runs falls on both alike.
   *
   * @return the throughputs of {@code a} and of {@code b}, medians with their spreads
   */
  public static PhaseTimes[] alternate(
      int promptTokens, int decodeTokens, int rounds, Supplier<long[]> a, Supplier<long[]> b) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be ≥ 1, got " + rounds);
    }
    warmUp(a);
    warmUp(b);
    long[][] ta = new long[2][rounds];
    long[][] tb = new long[2][rounds];
    for (int r = 0; r < rounds; r++) {
      long[] x;
      long[] y;
      if (r % 2 == 0) {
        x = a.get();
        y = b.get();
      } else {
        y = b.get();
        x = a.get();
      }
      ta[0][r] = x[0];
      ta[1][r] = x[1];
      tb[0][r] = y[0];
      tb[1][r] = y[1];
    }
    return new PhaseTimes[] {
      PhaseTimes.fromDurations(promptTokens, decodeTokens, ta[0], ta[1]),
      PhaseTimes.fromDurations(promptTokens, decodeTokens, tb[0], tb[1])
    };
  }

  private static void warmUp(Supplier<long[]> once) {
    long warmupEnd = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    do {
      once.get();
    } while (System.nanoTime() < warmupEnd);
  }

  /**
   * Warm-up runs of {@code once} (see {@link #WARMUP_SECONDS}), then {@code timedRuns} timed ones.
   *
   * @param once one generation; returns its prefill and its decode nanoseconds
   */
  static PhaseTimes measure(
      int promptTokens, int decodeTokens, int timedRuns, Supplier<long[]> once) {
    warmUp(once);
    long[] prefill = new long[timedRuns];
    long[] decode = new long[timedRuns];
    for (int r = 0; r < timedRuns; r++) {
      long[] t = once.get();
      prefill[r] = t[0];
      decode[r] = t[1];
    }
    return PhaseTimes.fromDurations(promptTokens, decodeTokens, prefill, decode);
  }

  /**
   * {@code n} prompt token ids, the same on every run and for both engines: a fixed stride through
   * ids 3 .. min(vocabulary, 32000) − 1, past the usual unknown/begin/end ids 0–2 and below the
   * special tokens that larger vocabularies keep at their end. Speed does not depend on which ids
   * they are.
   */
  public static int[] promptTokens(int n, int vocabularySize) {
    if (vocabularySize < 4) {
      throw new IllegalArgumentException("vocabularySize must be ≥ 4, got " + vocabularySize);
    }
    int span = Math.min(vocabularySize, 32_000) - 3;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 3 + (int) ((i * 7919L + 13) % span);
    }
    return ids;
  }
}
