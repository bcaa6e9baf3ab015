package dev.fathom.drafters.speculative;

import java.util.random.RandomGenerator;

/**
 * How both models turn logits into the distribution tokens are drawn from. Speculative sampling is
 * lossless only when drafter and target apply the same processing (temperature, top-k/p, min-p,
 * repetition penalty) that plain decoding of the target would apply.
 */
public interface SamplingPolicy {
  /** Greedy decoding: the most likely token, no randomness. */
  boolean greedy();

  /**
   * The processed distribution over the vocabulary for one logits row; {@code history} holds the
   * tokens before the predicted position (prompt and generated), for a repetition penalty.
   */
  float[] probabilities(float[] logits, int off, int vocab, int[] history, int historyLength);

  /** The random source draws come from (seeded by the caller for reproducibility). */
  RandomGenerator random();

  /**
   * One token drawn from {@link #probabilities} of a logits row, for a token the target chooses
   * alone (a plain step, a bonus token). A policy may draw it the way plain decoding does, so that
   * a generation whose gate kept speculation off costs and draws what plain decoding would.
   */
  default int sample(float[] logits, int off, int vocab, int[] history, int historyLength) {
    return RapidMath.draw(probabilities(logits, off, vocab, history, historyLength), random());
  }
}
