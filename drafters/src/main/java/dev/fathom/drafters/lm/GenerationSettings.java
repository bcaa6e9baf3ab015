package dev.fathom.drafters.lm;

import dev.fathom.memory.KvEvictionSettings;
import java.util.List;

/**
 * How to pick tokens and when to stop. Temperature 0 is greedy; top-k 0, top-p 1 and min-p 0 turn
 * those filters off; a repetition penalty of 1 turns it off.
 *
 * @param maxTokens most tokens to generate (1 .. 1,000,000)
 * @param temperature softmax temperature, 0 for greedy (0 .. 100)
 * @param topK keep the k most likely tokens, 0 for all
 * @param topP keep the smallest set whose probability reaches p (0 exclusive .. 1)
 * @param minP drop tokens below minP times the top probability (0 .. 1)
 * @param repetitionPenalty divide positive logits (multiply negative) of recent tokens (≥ 1 cuts
 *     repeats; 1 is off)
 * @param repetitionWindow how many recent tokens the penalty looks at
 * @param seed seed of the sampler's random source
 * @param stop strings that end generation; the text returned stops before them
 * @param kvEviction this request's KV eviction policy and budget (docs/memory.md), overriding the
 *     model's; null for the model's own. Only the in-JVM engine reads it (a model server has its
 *     own cache); a passage policy's blocks are token spans of this request's prompt
 */
public record GenerationSettings(
    int maxTokens,
    float temperature,
    int topK,
    float topP,
    float minP,
    float repetitionPenalty,
    int repetitionWindow,
    long seed,
    List<String> stop,
    KvEvictionSettings kvEviction) {

  public static final GenerationSettings GREEDY =
      new GenerationSettings(256, 0f, 0, 1f, 0f, 1f, 64, 42L, List.of());

  /** Settings with the model's own KV eviction. */
  public GenerationSettings(
      int maxTokens,
      float temperature,
      int topK,
      float topP,
      float minP,
      float repetitionPenalty,
      int repetitionWindow,
      long seed,
      List<String> stop) {
    this(
        maxTokens,
        temperature,
        topK,
        topP,
        minP,
        repetitionPenalty,
        repetitionWindow,
        seed,
        stop,
        null);
  }

  public GenerationSettings {
    if (maxTokens < 1 || maxTokens > 1_000_000) {
      throw new IllegalArgumentException("maxTokens must be 1..1000000, got " + maxTokens);
    }
    if (!(temperature >= 0f && temperature <= 100f)) {
      throw new IllegalArgumentException("temperature must be 0..100, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be ≥ 0 (0 = off), got " + topK);
    }
    if (!(topP > 0f && topP <= 1f)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (!(minP >= 0f && minP <= 1f)) {
      throw new IllegalArgumentException("minP must be 0..1, got " + minP);
    }
    if (!(repetitionPenalty >= 1f && repetitionPenalty <= 10f)) {
      throw new IllegalArgumentException(
          "repetitionPenalty must be 1..10 (1 = off), got " + repetitionPenalty);
    }
    if (repetitionWindow < 0) {
      throw new IllegalArgumentException("repetitionWindow must be ≥ 0, got " + repetitionWindow);
    }
    stop = List.copyOf(stop);
    for (String s : stop) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
    }
  }

  public boolean greedy() {
    return temperature == 0f;
  }

  public GenerationSettings withMaxTokens(int n) {
    return new GenerationSettings(
        n,
        temperature,
        topK,
        topP,
        minP,
        repetitionPenalty,
        repetitionWindow,
        seed,
        stop,
        kvEviction);
  }

  public GenerationSettings withTemperature(float t) {
    return new GenerationSettings(
        maxTokens,
        t,
        topK,
        topP,
        minP,
        repetitionPenalty,
        repetitionWindow,
        seed,
        stop,
        kvEviction);
  }

  public GenerationSettings withSeed(long s) {
    return new GenerationSettings(
        maxTokens,
        temperature,
        topK,
        topP,
        minP,
        repetitionPenalty,
        repetitionWindow,
        s,
        stop,
        kvEviction);
  }

  public GenerationSettings withStop(List<String> strings) {
    return new GenerationSettings(
        maxTokens,
        temperature,
        topK,
        topP,
        minP,
        repetitionPenalty,
        repetitionWindow,
        seed,
        strings,
        kvEviction);
  }

  /**
   * The same settings with this request's KV eviction ({@code null}: the model's own): a long
   * request can bound its cache, or pick another policy, without reloading the model.
   */
  public GenerationSettings withKvEviction(KvEvictionSettings eviction) {
    return new GenerationSettings(
        maxTokens,
        temperature,
        topK,
        topP,
        minP,
        repetitionPenalty,
        repetitionWindow,
        seed,
        stop,
        eviction);
  }
}
