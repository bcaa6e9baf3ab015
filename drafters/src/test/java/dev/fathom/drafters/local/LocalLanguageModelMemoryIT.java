package dev.fathom.drafters.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.speculative.RapidSettings;
import dev.fathom.memory.KvEvictionSettings;
import dev.fathom.memory.PrefixCache;
import dev.fathom.memory.SnapKvPolicy;
import dev.fathom.memory.StreamingLlmPolicy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prefix reuse and KV eviction through the LanguageModel API, on stories260K. */
class LocalLanguageModelMemoryIT {
  static final String LONG =
      LocalLanguageModelIT.LLAMA2C_TEXT + " " + LocalLanguageModelIT.LLAMA2C_TEXT;

  @Test
  void aRepeatedPromptReusesItsPagesAndGivesTheSameText() throws Exception {
    try (LocalLanguageModel model =
        LocalLanguageModel.open(LocalLanguageModelIT.STORIES, new EngineSettings(2, 0, null))) {
      GenerationSettings greedy = GenerationSettings.GREEDY.withMaxTokens(40);
      Generation first = model.complete(LONG, greedy, t -> {});
      PrefixCache.Stats before = model.engine().prefixCache().stats();
      Generation second = model.complete(LONG, greedy, t -> {});
      PrefixCache.Stats after = model.engine().prefixCache().stats();
      assertTrue(first.promptTokens().length > 64, "prompt spans a full page");
      assertEquals(before.hits() + 1, after.hits());
      assertTrue(after.reusedPositions() - before.reusedPositions() >= 64);
      assertArrayEquals(first.tokens(), second.tokens());
      // The next turn starts with the first turn's prompt and answer: those pages are reused too.
      Generation next = model.complete(LONG + first.text() + " The end.", greedy, t -> {});
      assertTrue(next.promptTokens().length > first.promptTokens().length);
      assertTrue(model.engine().prefixCache().stats().hits() == after.hits() + 1);
    }
  }

  @Test
  void anEvictionBudgetBoundsTheCacheAndChangesNothingBeforeItFills() throws Exception {
    GenerationSettings greedy = GenerationSettings.GREEDY.withMaxTokens(200);
    int[] plain;
    try (LocalLanguageModel model =
        LocalLanguageModel.open(LocalLanguageModelIT.STORIES, new EngineSettings(2, 0, null))) {
      plain = model.complete("Once upon a time", greedy, t -> {}).tokens();
    }
    System.setProperty(KvEvictionSettings.POLICY_PROPERTY, "streaming-llm");
    System.setProperty(KvEvictionSettings.BUDGET_PROPERTY, "64");
    try (LocalLanguageModel model =
        LocalLanguageModel.open(LocalLanguageModelIT.STORIES, new EngineSettings(2, 0, null))) {
      Generation g = model.complete("Once upon a time", greedy, t -> {});
      // Positions 0..63 are the same computation; the first eviction comes with token 60.
      assertArrayEquals(Arrays.copyOf(plain, 59), Arrays.copyOf(g.tokens(), 59));
      assertTrue(g.tokens().length == 200 || g.stopReason() == StopReason.EOS);
    } finally {
      System.clearProperty(KvEvictionSettings.POLICY_PROPERTY);
      System.clearProperty(KvEvictionSettings.BUDGET_PROPERTY);
    }
  }

  @Test
  void aModelOrARequestChoosesItsOwnPolicyAndTheRequestWins() throws Exception {
    GenerationSettings greedy = GenerationSettings.GREEDY.withMaxTokens(200);
    KvEvictionSettings streaming = new KvEvictionSettings(new StreamingLlmPolicy(4), 64);
    try (LocalLanguageModel plainModel =
            LocalLanguageModel.open(LocalLanguageModelIT.STORIES, new EngineSettings(2, 0, null));
        LocalLanguageModel bounded =
            LocalLanguageModel.open(
                LocalLanguageModelIT.STORIES,
                new EngineSettings(2, 0, null).withKvEviction(streaming))) {
      assertEquals(null, plainModel.kvEviction());
      assertEquals(streaming, bounded.kvEviction());
      int[] plain = plainModel.complete("Once upon a time", greedy, t -> {}).tokens();
      PrefixCache.Stats before = plainModel.engine().prefixCache().stats();
      // Per request: the same StreamingLLM budget on the unbounded model.
      Generation perRequest =
          plainModel.complete("Once upon a time", greedy.withKvEviction(streaming), t -> {});
      // An evicting request bypasses the prefix cache: no lookup was made.
      assertEquals(before.requests(), plainModel.engine().prefixCache().stats().requests());
      Generation perModel = bounded.complete("Once upon a time", greedy, t -> {});
      assertArrayEquals(perModel.tokens(), perRequest.tokens());
      assertArrayEquals(Arrays.copyOf(plain, 59), Arrays.copyOf(perModel.tokens(), 59));
      // The request's own choice wins over the model's: a roomy budget means no eviction at all,
      // so the bounded model gives the plain text and consults its prefix cache.
      KvEvictionSettings roomy = new KvEvictionSettings(new SnapKvPolicy(32, 5), 400);
      Generation unbounded =
          bounded.complete("Once upon a time", greedy.withKvEviction(roomy), t -> {});
      assertArrayEquals(plain, unbounded.tokens());
      assertEquals(1, bounded.engine().prefixCache().stats().requests());
    }
  }

  @Test
  void rapidTargetAndDrafterPrefillOnlyWhatTheirPrefixCacheLacks() throws Exception {
    try (LocalLanguageModel model =
        LocalLanguageModel.open(LocalLanguageModelIT.STORIES, new EngineSettings(2, 0, null))) {
      int[] target = model.promptTokens(LONG + " Once upon a time");
      int[] draft = model.promptTokens(LocalLanguageModelIT.LLAMA2C_TEXT + " Once upon a time");
      GenerationSettings s = GenerationSettings.GREEDY.withMaxTokens(40);
      RapidSettings rapid = RapidSettings.DEFAULTS.withAdaptive(false);
      Generation plain = model.generate(target, s, List.of(), t -> {});
      PrefixCache.Stats before = model.engine().prefixCache().stats();
      LocalLanguageModel.SpeculativeGeneration first =
          model.speculate(target, model, draft, s, rapid, List.of(), t -> {});
      PrefixCache.Stats mid = model.engine().prefixCache().stats();
      // Self-speculation: one cache, two lookups. The target's prompt was cached by the plain
      // request: all its full pages are adopted; the drafter's prompt shares LONG's first half.
      assertEquals(before.requests() + 2, mid.requests());
      assertEquals(before.hits() + 2, mid.hits());
      int targetPages = (target.length - 1) / 64 * 64;
      int draftPages = (draft.length - 1) / 64 * 64;
      assertEquals(targetPages + draftPages, mid.reusedPositions() - before.reusedPositions());
      assertEquals(plain.text(), first.generation().text());
      assertTrue(first.stats().rounds() > 0);
      // The second request finds the pages the first added (target: prompt and answer).
      LocalLanguageModel.SpeculativeGeneration second =
          model.speculate(target, model, draft, s, rapid, List.of(), t -> {});
      PrefixCache.Stats after = model.engine().prefixCache().stats();
      assertEquals(mid.hits() + 2, after.hits());
      assertEquals(targetPages + draftPages, after.reusedPositions() - mid.reusedPositions());
      assertEquals(plain.text(), second.generation().text());
      // A new turn: prompt + the first answer + more text adopts the answer's pages too.
      int[] next = model.promptTokens(LONG + " Once upon a time" + plain.text() + " The end.");
      PrefixCache.Stats beforeNext = model.engine().prefixCache().stats();
      model.speculate(next, model, draft, s, rapid, List.of(), t -> {});
      long reused =
          model.engine().prefixCache().stats().reusedPositions()
              - beforeNext.reusedPositions()
              - draftPages;
      assertTrue(reused > targetPages, reused + " positions of the target reused");
    }
  }
}
