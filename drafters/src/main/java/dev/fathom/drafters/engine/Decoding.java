package dev.fathom.drafters.engine;

import dev.fathom.drafters.lm.Generation.StopReason;
import java.util.Arrays;

/**
 * The engine's one prefill and one decode loop, shared by plain generation ({@code
 * dev.fathom.drafters.local.LocalLanguageModel#generate}), speculative decoding (which prefills its
 * prompts here and then runs its own draft-and-verify rounds) and the benchmarks, so all of them
 * chunk prompts and stop the same way.
 */
public final class Decoding {
  /**
   * Most prompt positions per forward pass during prefill. A batch reads each block of weights once
   * for all its positions, so longer is faster up to where the products turn compute-bound (about
   * 64–128 positions on a CPU); the bound keeps the activations of one pass — {@code 2 × 256 ×
   * hiddenDim} floats for the feed-forward alone, 11.5 MB for TinyLlama — from growing with the
   * prompt.
   */
  public static final int PREFILL_CHUNK = 256;

  private Decoding() {}

  /** Chooses the next token from the logits of the newest position. */
  @FunctionalInterface
  public interface Chooser {
    int choose(float[] logits);
  }

  /** Receives each chosen token in order; returns why to stop, or null to go on. */
  @FunctionalInterface
  public interface Sink {
    StopReason accept(int token);
  }

  /** Runs all of {@code tokens} through {@code seq}; returns the logits of the last position. */
  public static float[] prefill(Sequence seq, int[] tokens) {
    return prefill(seq, tokens, 0, tokens.length);
  }

  /**
   * Runs {@code tokens[from .. to)} through {@code seq} in forward passes of at most {@link
   * #PREFILL_CHUNK} positions; returns the logits of the last position.
   */
  public static float[] prefill(Sequence seq, int[] tokens, int from, int to) {
    if (from < 0 || to > tokens.length || from >= to) {
      throw new IllegalArgumentException(
          "prefill of tokens ["
              + from
              + ", "
              + to
              + ") of "
              + tokens.length
              + ": need 0 ≤ from < to ≤ "
              + tokens.length);
    }
    float[] logits = null;
    for (int i = from; i < to; i += PREFILL_CHUNK) {
      int end = Math.min(to, i + PREFILL_CHUNK);
      int[] chunk = i == 0 && end == tokens.length ? tokens : Arrays.copyOfRange(tokens, i, end);
      logits = seq.forward(chunk, false);
    }
    return logits;
  }

  /**
   * Decodes one token per forward pass after a prefill that returned {@code logits}: choose a
   * token, hand it to {@code sink}, and stop when the sink says so, when {@code maxTokens} tokens
   * have been chosen, or when the context is full; otherwise run the token.
   *
   * @return why decoding stopped
   */
  public static StopReason decode(
      Sequence seq, float[] logits, int maxTokens, Chooser chooser, Sink sink) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be ≥ 1, got " + maxTokens);
    }
    int[] one = new int[1];
    for (int count = 1; ; count++) {
      int token = chooser.choose(logits);
      StopReason stop = sink.accept(token);
      if (stop != null) {
        return stop;
      }
      if (count >= maxTokens) {
        return StopReason.MAX_TOKENS;
      }
      if (seq.length() >= seq.capacity()) {
        return StopReason.CONTEXT_FULL;
      }
      one[0] = token;
      logits = seq.forward(one, false);
    }
  }
}
