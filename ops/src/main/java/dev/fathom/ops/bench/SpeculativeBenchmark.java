package dev.fathom.ops.bench;

import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.drafters.speculative.SpeculationMemory;
import dev.fathom.drafters.speculative.SpeculationStats;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Plain decoding of the target against RAPID speculative decoding, on the same prompts with the
 * same sampler settings and seeds ({@link SpeculativeRuns} times one run of each).
 *
 * <p>The unit of measurement is a <em>pair</em>: a plain and a speculative run of one prompt, one
 * right after the other (which goes first alternates), whose time ratio is one sample of the
 * speed-up. A 64-token run of a small model lasts about 20 ms, so a pair's ratio carries the
 * machine's noise over 20 ms (about ±10 % on two shared cores); a row therefore reports the median
 * of many pairs with their quartiles and extremes, not one ratio. Each prompt is prefilled once;
 * then {@code passes} times every row's pair runs on it, the row order alternating (as given, then
 * reversed), so all rows see the same stretch of the machine's load.
 *
 * <p>The speculative runs share one {@link SpeculationMemory}, as the requests of a server do
 * ({@code LocalLanguageModel} keeps one per drafter): the gate of each run starts from what the
 * earlier runs of its row learned. Before the first timed pair one untimed run per row on the first
 * prompt primes it, so the rows measure the steady state; with {@code coldGate} every run starts
 * cold instead (the cost of a first request).
 */
public final class SpeculativeBenchmark {
  private final List<SpeculativeWorkload.Prompt> prompts;
  private final long seed;
  private final SpeculativeRuns runs;
  private final boolean coldGate;

  private long timedCollections;
  private long timedCollectionMillis;

  public SpeculativeBenchmark(
      LocalLanguageModel target,
      LocalLanguageModel drafter,
      List<SpeculativeWorkload.Prompt> prompts,
      int maxTokens,
      float temperature,
      long seed) {
    this(target, drafter, prompts, maxTokens, temperature, seed, false);
  }

  public SpeculativeBenchmark(
      LocalLanguageModel target,
      LocalLanguageModel drafter,
      List<SpeculativeWorkload.Prompt> prompts,
      int maxTokens,
      float temperature,
      long seed,
      boolean coldGate) {
    this.prompts = List.copyOf(prompts);
    this.seed = seed;
    this.coldGate = coldGate;
    this.runs =
        new SpeculativeRuns(
            target, drafter, maxTokens, temperature, coldGate ? null : new SpeculationMemory());
  }

  /** Most prompt tokens of a warm-up run (the last ones of the first prompt). */
  static final int WARMUP_PROMPT_TOKENS = 96;

  private static int[] tail(int[] tokens, int n) {
    return Arrays.copyOfRange(tokens, Math.max(0, tokens.length - n), tokens.length);
  }

  /** Untimed warm-up lasts at least this long (and one pass over every setting). */
  public static final int WARMUP_SECONDS = 2;

  /**
   * Untimed runs on the first prompt's last tokens before the first row, so the JIT has compiled
   * every path of every row: plain, speculative with a fixed γ (the adaptive gate may run only one
   * round, too few to compile the batched verification), and speculative as asked, for each
   * setting, repeated until {@link #WARMUP_SECONDS} have passed. Without it the first row's plain
   * runs were measured in the interpreter and made that row look like a speed-up. The tail is short
   * so a long-context prefill (tens of seconds for a 1B target at 2,000 tokens) is not repeated.
   */
  public void warmUp(List<RapidSettings> settings) {
    SpeculativeWorkload.Prompt full = prompts.get(0);
    SpeculativeRuns.Prefilled p =
        runs.prefill(
            new SpeculativeWorkload.Prompt(
                tail(full.target(), WARMUP_PROMPT_TOKENS),
                tail(full.draft(), WARMUP_PROMPT_TOKENS)));
    long end = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    do {
      for (RapidSettings rapid : settings) {
        runs.plain(p, seed);
        runs.speculative(p, rapid.withAdaptive(false), seed);
        runs.speculative(p, rapid, seed);
      }
    } while (System.nanoTime() < end);
  }

  /** Garbage collections that ran inside timed runs, and their milliseconds. */
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

  /** One row measured alone: one pair per prompt. */
  public SpeculativeRow measure(RapidSettings rapid) {
    return measure(List.of(rapid), 1)[0];
  }

  /**
   * Every setting's row: for each prompt (prefilled once), {@code passes} pairs per setting, the
   * settings' order alternating pass by pass.
   */
  public SpeculativeRow[] measure(List<RapidSettings> settings, int passes) {
    SpeculativeRow[] rows = new SpeculativeRow[settings.size()];
    int[] pairs = new int[settings.size()];
    for (int i = 0; i < prompts.size(); i++) {
      SpeculativeRuns.Prefilled p = runs.prefill(prompts.get(i));
      if (i == 0 && !coldGate) {
        for (RapidSettings rapid : settings) {
          runs.speculative(p, rapid, seed); // primes the gate's memory at this context length
        }
      }
      for (int pass = 0; pass < passes; pass++) {
        for (int k = 0; k < settings.size(); k++) {
          int r = (pass + i) % 2 == 0 ? k : settings.size() - 1 - k;
          SpeculativeRow one = pair(p, settings.get(r), seed + i, pairs[r]++ % 2 == 0);
          rows[r] = rows[r] == null ? one : rows[r].plus(one);
        }
      }
    }
    return rows;
  }

  private SpeculativeRow pair(
      SpeculativeRuns.Prefilled p, RapidSettings rapid, long s, boolean plainFirst) {
    // A young collection costs a few milliseconds, 2–5 % of a stories260K run, charged to whichever
    // run fills the young generation. Collect before each pair (as JMH does between iterations)
    // and count what still falls inside, so a slow pair can be told from a pause.
    System.gc();
    long[] gc0 = collections();
    SpeculativeRuns.Timed plain;
    SpeculativeRuns.Timed spec;
    if (plainFirst) {
      plain = runs.plain(p, s);
      spec = runs.speculative(p, rapid, s);
    } else {
      spec = runs.speculative(p, rapid, s);
      plain = runs.plain(p, s);
    }
    long[] gc1 = collections();
    timedCollections += gc1[0] - gc0[0];
    timedCollectionMillis += gc1[1] - gc0[1];
    SpeculationStats st = spec.stats();
    return new SpeculativeRow(
        rapid,
        1,
        plain.tokens().length,
        plain.nanos(),
        spec.nanos(),
        new double[] {(double) plain.nanos() / spec.nanos()},
        Arrays.equals(plain.tokens(), spec.tokens()) ? 1 : 0,
        st.rounds(),
        st.drafted(),
        st.accepted(),
        st.plainSteps(),
        st.gateOffDecisions(),
        st.draftNanos(),
        st.verifyNanos(),
        st.plainNanos(),
        st.probes(),
        st.recalled() ? 1 : 0,
        new double[] {(double) plain.cpuNanos() / Math.max(1, spec.cpuNanos())});
  }
}
