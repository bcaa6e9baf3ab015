package dev.fathom.drafters.speculative;

import dev.fathom.drafters.sampling.Sampler;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** The {@link SamplingPolicy} of a {@link Sampler}: the same processing plain decoding applies. */
public record SamplerPolicy(Sampler sampler) implements SamplingPolicy {
  @Override
  public boolean greedy() {
    return sampler.settings().greedy();
  }

  @Override
  public float[] probabilities(
      float[] logits, int off, int vocab, int[] history, int historyLength) {
    float[] row =
        off == 0 && logits.length == vocab ? logits : Arrays.copyOfRange(logits, off, off + vocab);
    return sampler.probabilities(row, vocab, history, historyLength);
  }

  /** As plain decoding draws: the same work and, from the same seed and history, the same token. */
  @Override
  public int sample(float[] logits, int off, int vocab, int[] history, int historyLength) {
    float[] row = off == 0 ? logits : Arrays.copyOfRange(logits, off, off + vocab);
    return sampler.sample(row, vocab, history, historyLength);
  }

  @Override
  public RandomGenerator random() {
    return sampler.random();
  }
}
