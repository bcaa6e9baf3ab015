package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.CachedPrefill;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.memory.PrefixCache;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code fathom bench kv --prefix}: time to first token of a second request whose prompt shares a
 * leading fraction with the first one, with the prefix cache ({@link CachedPrefill} over a warm
 * {@link PrefixCache}) and without it (a full prefill). Time to first token here is the prefill
 * plus the choice of the first token: what a user waits for before text starts to stream.
 *
 * <p>Runs alternate (cached, uncached, uncached, cached, …) so drift in machine load hits both
 * alike; each cached run starts from a fresh cache warmed by one untimed first request, so no run
 * profits from an earlier one beyond the shared prefix.
 */
public final class PrefixReuseBenchmark {
  private PrefixReuseBenchmark() {}

  /**
   * @param cachedNanos time to first token of each timed cached run
   * @param uncachedNanos the same without the cache
   * @param reused prompt positions the cached runs took from the cache
   */
  public record Result(
      int promptTokens, double shared, int reused, long[] cachedNanos, long[] uncachedNanos) {
    public double cachedMedianMs() {
      return median(cachedNanos) / 1e6;
    }

    public double uncachedMedianMs() {
      return median(uncachedNanos) / 1e6;
    }

    /** Cached over uncached median time to first token (the target: ≤ 0.2 at 90 %). */
    public double ratio() {
      return cachedMedianMs() / uncachedMedianMs();
    }

    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("prompt_tokens", promptTokens);
      m.put("shared", shared);
      m.put("reused_tokens", reused);
      m.put("ttft_cached_ms_median", cachedMedianMs());
      m.put("ttft_cached_ms_min", Arrays.stream(cachedNanos).min().orElse(0) / 1e6);
      m.put("ttft_cached_ms_max", Arrays.stream(cachedNanos).max().orElse(0) / 1e6);
      m.put("ttft_uncached_ms_median", uncachedMedianMs());
      m.put("ttft_uncached_ms_min", Arrays.stream(uncachedNanos).min().orElse(0) / 1e6);
      m.put("ttft_uncached_ms_max", Arrays.stream(uncachedNanos).max().orElse(0) / 1e6);
      m.put("ratio", ratio());
      return m;
    }

    public String toText() {
      return String.format(
          java.util.Locale.ROOT,
          "prefix reuse: %d-token prompt, %.0f %% shared with the previous request (%d tokens"
              + " reused)%n  time to first token, median of %d (min..max): cached %.2f ms (%.2f..%.2f),"
              + " uncached %.2f ms (%.2f..%.2f)%n  cached / uncached: %.3f%n",
          promptTokens,
          shared * 100,
          reused,
          cachedNanos.length,
          cachedMedianMs(),
          Arrays.stream(cachedNanos).min().orElse(0) / 1e6,
          Arrays.stream(cachedNanos).max().orElse(0) / 1e6,
          uncachedMedianMs(),
          Arrays.stream(uncachedNanos).min().orElse(0) / 1e6,
          Arrays.stream(uncachedNanos).max().orElse(0) / 1e6,
          ratio());
    }
  }

  /**
   * Two prompts of {@code promptTokens} that agree on their first {@code shared} fraction; {@code
   * warmup} untimed pairs of runs, then {@code runs} timed pairs.
   */
  public static Result run(
      LlamaEngine engine, int promptTokens, double shared, int warmup, int runs) {
    if (!(shared > 0 && shared < 1)) {
      throw new IllegalArgumentException("shared must be in (0, 1), got " + shared);
    }
    if (runs < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "runs must be ≥ 1 and warmup ≥ 0, got " + runs + " and " + warmup);
    }
    int vocab = engine.config().vocabularySize();
    int[] first = EngineBenchmark.promptTokens(promptTokens, vocab);
    int[] second = first.clone();
    int common = (int) Math.round(promptTokens * shared);
    for (int i = common; i < promptTokens; i++) {
      second[i] = 3 + (first[i] + 101) % (Math.min(vocab, 32_000) - 3); // differs from first[i]
    }
    LlamaSequence seq = engine.newSequence();
    long[] cached = new long[runs];
    long[] uncached = new long[runs];
    int reused = 0;
    for (int r = -warmup; r < runs; r++) {
      boolean cachedFirst = Math.floorMod(r, 2) == 0;
      for (int k = 0; k < 2; k++) {
        boolean withCache = (k == 0) == cachedFirst;
        PrefixCache cache = new PrefixCache(withCache ? Long.MAX_VALUE : 0);
        if (withCache) {
          serve(cache, seq, first); // untimed: the first request fills the cache
        }
        long t0 = System.nanoTime();
        CachedPrefill.Result res = CachedPrefill.prefill(cache, seq, second);
        Sampler.argmax(res.logits());
        long t = System.nanoTime() - t0;
        CachedPrefill.release(cache, seq, second, res);
        if (r >= 0) {
          (withCache ? cached : uncached)[r] = t;
          reused = withCache ? res.reused() : reused;
        }
      }
    }
    return new Result(promptTokens, shared, reused, cached, uncached);
  }

  private static void serve(PrefixCache cache, LlamaSequence seq, int[] prompt) {
    CachedPrefill.release(cache, seq, prompt, CachedPrefill.prefill(cache, seq, prompt));
  }

  static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }
}
