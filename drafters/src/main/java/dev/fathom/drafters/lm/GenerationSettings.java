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
      float penalty,
      int window,
      long seed,
      List<String> stop) {
    this(maxTokens, temperature, topK, topP, minP, penalty, window, seed, stop, null);
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
    return toBuilder().maxTokens(n).build();
  }

  public GenerationSettings withTemperature(float t) {
    return toBuilder().temperature(t).build();
  }

  public GenerationSettings withSeed(long s) {
    return toBuilder().seed(s).build();
  }

  public GenerationSettings withStop(List<String> strings) {
    return toBuilder().stop(strings).build();
  }

  /**
   * The same settings with this request's KV eviction ({@code null}: the model's own): a long
   * request can bound its cache, or pick another policy, without reloading the model.
   */
  public GenerationSettings withKvEviction(KvEvictionSettings eviction) {
    return toBuilder().kvEviction(eviction).build();
  }

  /** A builder starting from {@link #GREEDY}. */
  public static Builder builder() {
    return GREEDY.toBuilder();
  }

  /** A builder starting from these settings, to change several at once. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Settings changed a component at a time; {@link #build} checks them as the constructor does. */
  public static final class Builder {
    private int maxTokens;
    private float temperature;
    private int topK;
    private float topP;
    private float minP;
    private float penalty;
    private int window;
    private long seed;
    private List<String> stop;
    private KvEvictionSettings kvEviction;

    private Builder(GenerationSettings s) {
      maxTokens = s.maxTokens;
      temperature = s.temperature;
      topK = s.topK;
      topP = s.topP;
      minP = s.minP;
      penalty = s.repetitionPenalty;
      window = s.repetitionWindow;
      seed = s.seed;
      stop = s.stop;
      kvEviction = s.kvEviction;
    }

    public Builder maxTokens(int n) {
      maxTokens = n;
      return this;
    }

    public Builder temperature(float t) {
      temperature = t;
      return this;
    }

    public Builder topK(int k) {
      topK = k;
      return this;
    }

    public Builder topP(float p) {
      topP = p;
      return this;
    }

    public Builder minP(float p) {
      minP = p;
      return this;
    }

    public Builder repetitionPenalty(float p) {
      penalty = p;
      return this;
    }

    public Builder repetitionWindow(int tokens) {
      window = tokens;
      return this;
    }

    public Builder seed(long s) {
      seed = s;
      return this;
    }

    public Builder stop(List<String> strings) {
      stop = strings;
      return this;
    }

    /** This request's KV eviction, {@code null} for the model's own. */
    public Builder kvEviction(KvEvictionSettings eviction) {
      kvEviction = eviction;
      return this;
    }

    public GenerationSettings build() {
      return new GenerationSettings(
          maxTokens, temperature, topK, topP, minP, penalty, window, seed, stop, kvEviction);
    }
  }
}
