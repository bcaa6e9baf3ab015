package dev.fathom.drafters.speculative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.LlamaSequence;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.sampling.Sampler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RAPID's guarantees on the real stories260K model, in self-speculation: the drafter is the same
 * model reading only the question, the target reads a long story before it.
 */
class SpeculativeDecoderIT {
  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");
  static final int BOS = 1;
  static final int[] QUESTION = {403, 407, 261, 378}; // "Once upon a time"

  static LlamaEngine engine;
  static LlamaEngine small; // the same model with a 120-position context
  static int[] story; // BOS + 200 greedy tokens: the long context

  @BeforeAll
  static void load() throws Exception {
    engine = LlamaEngine.open(STORIES, new EngineSettings(2, 512, null));
    small = LlamaEngine.open(STORIES, new EngineSettings(2, 120, null));
    int[] bos = {BOS};
    story = concat(bos, greedy(engine.newSequence(), bos, 200, Set.of(), 1 << 30));
  }

  @AfterAll
  static void close() {
    engine.close();
    small.close();
  }

  static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Plain greedy decoding of the target: the reference. */
  static int[] greedy(Sequence s, int[] prompt, int max, Set<Integer> stops, int capacity) {
    float[] logits = s.forward(prompt, false);
    int[] out = new int[max];
    int n = 0;
    while (n < max) {
      int t = Sampler.argmax(logits, 0, s.vocabularySize());
      out[n++] = t;
      if (stops.contains(t) || s.length() >= Math.min(capacity, s.capacity())) {
        break;
      }
      logits = s.forward(new int[] {t}, false);
    }
    return Arrays.copyOf(out, n);
  }

  static SamplingPolicy policy(double temperature, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new SamplingPolicy() {
      @Override
      public boolean greedy() {
        return temperature == 0;
      }

      @Override
      public float[] probabilities(float[] l, int off, int vocab, int[] h, int hn) {
        float[] scaled = new float[vocab];
        for (int i = 0; i < vocab; i++) {
          scaled[i] = (float) (l[off + i] / temperature);
        }
        return RapidMath.softmax(scaled, 0, vocab);
      }

      @Override
      public RandomGenerator random() {
        return rng;
      }
    };
  }

  static SpeculativeDecoder.Result speculate(
      LlamaEngine e, RapidSettings rs, SamplingPolicy p, Set<Integer> stops, int max) {
    SpeculativeDecoder d = new SpeculativeDecoder(rs, p, stops);
    int[] target = concat(story, QUESTION);
    int[] draft = concat(new int[] {BOS}, QUESTION);
    return d.generate(e.newSequence(), target, e.newSequence(), draft, max, t -> true);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 10})
  void greedyWithEtaZeroEqualsTheTargetsOwnGreedyOutput(int gamma) {
    int[] expected = greedy(engine.newSequence(), concat(story, QUESTION), 80, Set.of(), 1 << 30);
    RapidSettings rs = RapidSettings.DEFAULTS.withGamma(gamma).withAdaptive(false);
    SpeculativeDecoder.Result r = speculate(engine, rs, policy(0, 1), Set.of(), 80);
    assertArrayEquals(expected, r.tokens());
    assertEquals(StopReason.MAX_TOKENS, r.stopReason());
    assertTrue(r.stats().rounds() > 0, "speculation ran");
    assertTrue(r.stats().accepted() > 0, "self-speculation accepts some drafts");
  }

  @Test
  void adaptiveGateKeepsTheOutputLossless() {
    int[] expected = greedy(engine.newSequence(), concat(story, QUESTION), 80, Set.of(), 1 << 30);
    SpeculativeDecoder.Result r =
        speculate(engine, RapidSettings.DEFAULTS, policy(0, 1), Set.of(), 80);
    assertArrayEquals(expected, r.tokens());
  }

  @Test
  void aGateMemoryCarriesTheGateAcrossGenerationsAndStaysLossless() {
    int[] expected = greedy(engine.newSequence(), concat(story, QUESTION), 40, Set.of(), 1 << 30);
    SpeculationMemory memory = new SpeculationMemory();
    int[] target = concat(story, QUESTION);
    int[] draft = concat(new int[] {BOS}, QUESTION);
    for (int i = 0; i < 3; i++) {
      SpeculativeDecoder d =
          new SpeculativeDecoder(RapidSettings.DEFAULTS, policy(0, 1), Set.of(), memory);
      SpeculativeDecoder.Result r =
          d.generate(engine.newSequence(), target, engine.newSequence(), draft, 40, t -> true);
      assertArrayEquals(expected, r.tokens(), "generation " + i);
      assertEquals(i > 0, r.stats().recalled(), "generation " + i + " recalls the ones before");
      assertEquals(1, memory.size());
    }
  }

  @Test
  void draftsCutShortByAStopTokenStillMatchGreedy() {
    int[] free = greedy(engine.newSequence(), concat(story, QUESTION), 80, Set.of(), 1 << 30);
    int stopToken = free[20]; // a token the output reaches after a while
    Set<Integer> stops = Set.of(stopToken);
    int[] expected = greedy(engine.newSequence(), concat(story, QUESTION), 80, stops, 1 << 30);
    RapidSettings rs = RapidSettings.DEFAULTS.withGamma(10).withAdaptive(false);
    SpeculativeDecoder.Result r = speculate(engine, rs, policy(0, 1), stops, 80);
    assertArrayEquals(expected, r.tokens());
    assertEquals(StopReason.EOS, r.stopReason());
    assertEquals(stopToken, r.tokens()[r.tokens().length - 1]);
  }

  @Test
  void theContextLimitEndsGenerationExactlyWherePlainDecodingDoes() {
    int[] prompt = concat(Arrays.copyOf(story, 100), QUESTION); // 104 of 120 positions
    int[] expected = greedy(small.newSequence(), prompt, 80, Set.of(), 120);
    RapidSettings rs = RapidSettings.DEFAULTS.withGamma(10).withAdaptive(false);
    SpeculativeDecoder d = new SpeculativeDecoder(rs, policy(0, 1), Set.of());
    SpeculativeDecoder.Result r =
        d.generate(
            small.newSequence(),
            prompt,
            small.newSequence(),
            concat(new int[] {BOS}, QUESTION),
            80,
            t -> true);
    assertEquals(StopReason.CONTEXT_FULL, r.stopReason());
    assertArrayEquals(expected, r.tokens());
  }

  @Test
  void truncatedCachesGiveTheLogitsOfAFreshPrefill() {
    LlamaSequence s = engine.newSequence();
    int[] prompt = concat(new int[] {BOS}, QUESTION);
    s.forward(prompt, false);
    s.forward(new int[] {432, 383, 286, 99, 100}, true); // three right drafts, two wrong
    s.truncate(prompt.length + 3);
    float[] afterTruncate = s.forward(new int[] {261}, false);
    float[] fresh =
        engine.newSequence().forward(concat(prompt, new int[] {432, 383, 286, 261}), false);
    assertArrayEquals(fresh, afterTruncate, 1e-4f);
  }

  /**
   * With η = 0, speculative sampling draws from the target's own distribution (Leviathan et al.
   * 2023, Theorem 1). The first token after the prompt must follow the target's softmax: a
   * chi-square goodness-of-fit test at significance 0.001 with a fixed seed.
   */
  @Test
  void samplingWithEtaZeroFollowsTheTargetDistribution() {
    double temperature = 1.5;
    int[] target = concat(Arrays.copyOf(story, 24), QUESTION); // short, so 3000 runs stay quick
    float[] logits = engine.newSequence().forward(target, false);
    float[] p = policy(temperature, 0).probabilities(logits, 0, logits.length, null, 0);
    RapidSettings rs = RapidSettings.DEFAULTS.withGamma(4).withAdaptive(false);
    SamplingPolicy pol = policy(temperature, 20261126L);
    int runs = 3000;
    Map<Integer, Integer> counts = new HashMap<>();
    int[] draft = concat(new int[] {BOS}, QUESTION);
    int rejectedFirst = 0;
    for (int i = 0; i < runs; i++) {
      SpeculativeDecoder d = new SpeculativeDecoder(rs, pol, Set.of());
      SpeculativeDecoder.Result r =
          d.generate(engine.newSequence(), target, engine.newSequence(), draft, 2, t -> true);
      counts.merge(r.tokens()[0], 1, Integer::sum);
      if (r.stats().accepted() == 0) {
        rejectedFirst++;
      }
    }
    assertTrue(rejectedFirst > 50, "the drafter's distribution differs, so rejections happen");
    double chi2 = 0;
    int df = -1;
    double restExpected = 0;
    int restObserved = 0;
    for (int t = 0; t < p.length; t++) {
      double expected = p[t] * runs;
      int observed = counts.getOrDefault(t, 0);
      if (expected >= 5) {
        chi2 += (observed - expected) * (observed - expected) / expected;
        df++;
      } else {
        restExpected += expected;
        restObserved += observed;
      }
    }
    if (restExpected > 0) {
      chi2 += (restObserved - restExpected) * (restObserved - restExpected) / restExpected;
      df++;
    }
    assertTrue(df >= 3, "the distribution should spread over several tokens, df " + df);
    double critical = chiSquareQuantile(0.999, df);
    assertTrue(chi2 < critical, "chi2 " + chi2 + " ≥ critical " + critical + " at df " + df);
  }

  /** Wilson–Hilferty approximation of the chi-square quantile (accurate to ~1% for df ≥ 3). */
  static double chiSquareQuantile(double prob, int df) {
    double z = 3.0902; // standard normal quantile of 0.999
    if (prob != 0.999) {
      throw new IllegalArgumentException("only 0.999 is tabulated here");
    }
    double h = 2.0 / (9 * df);
    return df * Math.pow(1 - h + z * Math.sqrt(h), 3);
  }
}
