package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.drafters.speculative.SamplerPolicy;
import dev.fathom.drafters.speculative.SpeculationStats;
import dev.fathom.drafters.speculative.SpeculativeDecoder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Plain decoding of the target against RAPID speculative decoding, on the same prompts with the
 * same sampler settings and seeds.
 *
 * <p>Only decoding is timed: both runs prefill all prompt tokens but the last untimed, as {@link
 * SpeculativeDecoder} does, so the clock covers the same {@code maxTokens} target steps' worth of
 * output in both. Stop tokens are ignored (as llama-bench does), so every run decodes exactly
 * {@code maxTokens} tokens and short answers do not make the rates noisy. For each prompt the two
 * runs come one right after the other (plain first on even prompts, speculative first on odd ones),
 * so both see about the same load on a shared machine.
 */
public final class SpeculativeBenchmark {
  private final LocalLanguageModel target;
  private final LocalLanguageModel drafter;
  private final List<SpeculativeWorkload.Prompt> prompts;
  private final int maxTokens;
  private final float temperature;
  private final long seed;

  private long timedCollections;
  private long timedCollectionMillis;

  public SpeculativeBenchmark(
      LocalLanguageModel target,
      LocalLanguageModel drafter,
      List<SpeculativeWorkload.Prompt> prompts,
      int maxTokens,
      float temperature,
      long seed) {
    this.target = target;
    this.drafter = drafter;
    this.prompts = List.copyOf(prompts);
    this.maxTokens = maxTokens;
    this.temperature = temperature;
    this.seed = seed;
  }

  /**
   * One row: totals over all prompts (and passes) for one setting. Rates are total tokens over
   * total decoding seconds; {@link #medianSpeedup} is the median of the per-prompt speed-ups.
   *
   * @param speedups plain ÷ speculative time of each prompt run, in the order measured
   */
  public record Row(
      RapidSettings rapid,
      int prompts,
      int tokens,
      long plainNanos,
      long specNanos,
      double[] speedups,
      int identical,
      int rounds,
      int drafted,
      int accepted,
      int plainSteps,
      int gateOffDecisions,
      long draftNanos,
      long verifyNanos,
      long plainStepNanos) {
    public double plainTokensPerSecond() {
      return tokens / (plainNanos / 1e9);
    }

    public double specTokensPerSecond() {
      return tokens / (specNanos / 1e9);
    }

    public double speedup() {
      return (double) plainNanos / specNanos;
    }

    public double acceptance() {
      return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    public double meanAccepted() {
      return rounds == 0 ? 0 : (double) accepted / rounds;
    }

    public double medianSpeedup() {
      return median(speedups);
    }

    /** The slowest prompt run's speed-up: where the gate cost most. */
    public double worstSpeedup() {
      return Arrays.stream(speedups).min().orElse(Double.NaN);
    }

    /** Share of the generated tokens that came out of draft-and-verify rounds (gate on). */
    public double speculatedShare() {
      return tokens == 0 ? 0 : (double) (tokens - plainSteps) / tokens;
    }

    /** This row and {@code o} (the same setting measured again) as one. */
    public Row plus(Row o) {
      double[] both = Arrays.copyOf(speedups, speedups.length + o.speedups.length);
      System.arraycopy(o.speedups, 0, both, speedups.length, o.speedups.length);
      return new Row(
          rapid,
          prompts + o.prompts,
          tokens + o.tokens,
          plainNanos + o.plainNanos,
          specNanos + o.specNanos,
          both,
          identical + o.identical,
          rounds + o.rounds,
          drafted + o.drafted,
          accepted + o.accepted,
          plainSteps + o.plainSteps,
          gateOffDecisions + o.gateOffDecisions,
          draftNanos + o.draftNanos,
          verifyNanos + o.verifyNanos,
          plainStepNanos + o.plainStepNanos);
    }
  }

  /** Most prompt tokens of a warm-up run (the last ones of the first prompt). */
  static final int WARMUP_PROMPT_TOKENS = 96;

  private static int[] tail(int[] tokens, int n) {
    return Arrays.copyOfRange(tokens, Math.max(0, tokens.length - n), tokens.length);
  }

  /** Untimed warm-up lasts at least this long (and one pass over every setting). */
  public static final int WARMUP_SECONDS = 2;

  /**
   * Untimed runs on the first prompt before the first row, so the JIT has compiled every path of
   * every row: plain, speculative with a fixed γ (the adaptive gate may run only one round, too few
   * to compile the batched verification), and speculative as asked, for each setting, repeated
   * until {@link #WARMUP_SECONDS} have passed. Without it the first row's plain runs were measured
   * in the interpreter and made that row look like a speed-up.
   */
  public void warmUp(List<RapidSettings> settings) {
    // The first prompt's last tokens: the same code paths as the full prompt, without paying a
    // long-context prefill (tens of seconds for a 1B target at 2,000 tokens) on every warm-up run.
    SpeculativeWorkload.Prompt full = prompts.get(0);
    SpeculativeWorkload.Prompt p =
        new SpeculativeWorkload.Prompt(
            tail(full.target(), WARMUP_PROMPT_TOKENS), tail(full.draft(), WARMUP_PROMPT_TOKENS));
    long end = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    do {
      for (RapidSettings rapid : settings) {
        plain(p, seed);
        speculative(p, rapid.withAdaptive(false), seed);
        speculative(p, rapid, seed);
      }
    } while (System.nanoTime() < end);
  }

  /** Garbage collections that ran inside timed runs of {@link #measure}, and their milliseconds. */
  public long[] timedCollections() {
    return new long[] {timedCollections, timedCollectionMillis};
  }

  private static long[] collections() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      millis += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  public Row measure(RapidSettings rapid) {
    long plainTotal = 0;
    long specTotal = 0;
    double[] speedups = new double[prompts.size()];
    int identical = 0;
    int rounds = 0;
    int drafted = 0;
    int accepted = 0;
    int plainSteps = 0;
    int offs = 0;
    long draftNanos = 0;
    long verifyNanos = 0;
    long plainStepNanos = 0;
    for (int i = 0; i < prompts.size(); i++) {
      SpeculativeWorkload.Prompt p = prompts.get(i);
      // A young collection costs a few milliseconds, 2–5 % of a stories260K row, charged to
      // whichever run fills the young generation. Collect before each pair (as JMH does between
      // iterations) and count what still falls inside, so a slow row can be told from a pause.
      System.gc();
      long[] gc0 = collections();
      // Alternate which run goes first, so a drift in the machine's load or caches between the
      // two runs of a prompt does not favour either.
      Timed plain;
      Timed spec;
      if (i % 2 == 0) {
        plain = plain(p, seed + i);
        spec = speculative(p, rapid, seed + i);
      } else {
        spec = speculative(p, rapid, seed + i);
        plain = plain(p, seed + i);
      }
      long[] gc1 = collections();
      timedCollections += gc1[0] - gc0[0];
      timedCollectionMillis += gc1[1] - gc0[1];
      plainTotal += plain.nanos;
      specTotal += spec.nanos;
      speedups[i] = (double) plain.nanos / spec.nanos;
      identical += Arrays.equals(plain.tokens, spec.tokens) ? 1 : 0;
      SpeculationStats s = spec.stats;
      rounds += s.rounds();
      drafted += s.drafted();
      accepted += s.accepted();
      plainSteps += s.plainSteps();
      offs += s.gateOffDecisions();
      draftNanos += s.draftNanos();
      verifyNanos += s.verifyNanos();
      plainStepNanos += s.plainNanos();
    }
    return new Row(
        rapid,
        prompts.size(),
        prompts.size() * maxTokens,
        plainTotal,
        specTotal,
        speedups,
        identical,
        rounds,
        drafted,
        accepted,
        plainSteps,
        offs,
        draftNanos,
        verifyNanos,
        plainStepNanos);
  }

  private record Timed(int[] tokens, long nanos, SpeculationStats stats) {}

  /**
   * The target alone, in the engine's decode loop as {@link LocalLanguageModel#generate}, minus
   * stops.
   */
  private Timed plain(SpeculativeWorkload.Prompt p, long s) {
    int[] prompt = p.target();
    Sampler sampler = new Sampler(settings(s));
    Sequence seq = target.engine().newSequence();
    int vocab = seq.vocabularySize();
    int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens);
    int[] n = {prompt.length};
    if (prompt.length > 1) {
      Decoding.prefill(seq, prompt, 0, prompt.length - 1);
    }
    long t0 = System.nanoTime();
    float[] logits = Decoding.prefill(seq, prompt, prompt.length - 1, prompt.length);
    Decoding.decode(
        seq,
        logits,
        maxTokens,
        l -> sampler.sample(l, vocab, history, n[0]),
        token -> {
          history[n[0]++] = token;
          return null;
        });
    long nanos = System.nanoTime() - t0;
    return new Timed(Arrays.copyOfRange(history, prompt.length, n[0]), nanos, null);
  }

  private Timed speculative(SpeculativeWorkload.Prompt p, RapidSettings rapid, long s) {
    SpeculativeDecoder decoder =
        new SpeculativeDecoder(rapid, new SamplerPolicy(new Sampler(settings(s))), Set.of());
    PrefillClock t = new PrefillClock(target.engine().newSequence(), p.target().length - 1);
    PrefillClock d = new PrefillClock(drafter.engine().newSequence(), p.draft().length - 1);
    long begin = System.nanoTime();
    SpeculativeDecoder.Result r =
        decoder.generate(t, p.target(), d, p.draft(), maxTokens, x -> true);
    long end = System.nanoTime();
    // The decoder prefills the target, then the drafter (each only when its prompt has more than
    // one token), in chunks; decoding starts when the last of them is done.
    long decodeStart = Math.max(begin, Math.max(t.prefillEnd, d.prefillEnd));
    return new Timed(r.tokens(), end - decodeStart, r.stats());
  }

  private GenerationSettings settings(long s) {
    return GenerationSettings.GREEDY
        .withMaxTokens(maxTokens)
        .withTemperature(temperature)
        .withSeed(s);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  /**
   * A sequence that notes when the forward pass completing its prefill returned (never, when there
   * is nothing to prefill).
   */
  private static final class PrefillClock implements Sequence {
    private final Sequence inner;
    private final int prefillLength;
    long prefillEnd;

    PrefillClock(Sequence inner, int prefillLength) {
      this.inner = inner;
      this.prefillLength = prefillLength;
    }

    @Override
    public int length() {
      return inner.length();
    }

    @Override
    public int capacity() {
      return inner.capacity();
    }

    @Override
    public int vocabularySize() {
      return inner.vocabularySize();
    }

    @Override
    public float[] forward(int[] tokens, boolean allLogits) {
      float[] out = inner.forward(tokens, allLogits);
      if (prefillLength > 0 && prefillEnd == 0 && inner.length() >= prefillLength) {
        prefillEnd = System.nanoTime();
      }
      return out;
    }

    @Override
    public void truncate(int length) {
      inner.truncate(length);
    }
  }
}
