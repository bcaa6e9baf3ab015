package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.memory.KvCache;
import dev.fathom.memory.PrefixCache;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prefix reuse on the real stories260K: logits computed after adopting cached pages equal the
 * logits of a fresh prefill of the same prompt, at split points inside, at and around page edges.
 */
class CachedPrefillIT {
  static LlamaEngine engine;
  static int[] story; // BOS then 450 greedily generated tokens: a long, real prompt
  static float[] fresh; // all-position logits of a fresh prefill of the whole story
  static int vocab;

  @BeforeAll
  static void load() throws Exception {
    engine = LlamaEngine.open(LlamaModelIT.STORIES, new EngineSettings(2, 512, null));
    vocab = engine.config().vocabularySize();
    story = new int[451];
    story[0] = 1;
    LlamaSequence seq = engine.newSequence();
    float[] logits = seq.forward(new int[] {1}, false);
    for (int i = 1; i < story.length; i++) {
      story[i] = Sampler.argmax(logits, 0, vocab);
      logits = seq.forward(new int[] {story[i]}, false);
    }
    fresh = engine.newSequence().forward(story, true);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void logitsAfterACachedPrefixEqualAFreshPrefillAtManySplitPoints() {
    int page = KvCache.DEFAULT_PAGE_SIZE;
    for (int split : new int[] {1, 5, 63, 64, 65, 100, 127, 128, 129, 200, 256, 300, 383, 449}) {
      PrefixCache cache = new PrefixCache(64L << 20);
      // Request 1: the story's first `split` tokens, then a different ending.
      int[] first = Arrays.copyOf(story, split + 20);
      Arrays.fill(first, split, first.length, 300);
      serve(cache, first);
      int known = split; // leading story tokens some earlier request held in full pages
      // Request 2: the whole story (or a shorter one), reusing the shared full pages.
      for (int len : new int[] {split + 1, Math.min(story.length, split + 70)}) {
        int[] prompt = Arrays.copyOf(story, len);
        LlamaSequence seq = engine.newSequence();
        try (CachedPrefill.Result r = CachedPrefill.prefill(cache, seq, prompt)) {
          assertEquals(Math.min(known, len - 1) / page * page, r.reused(), "split " + split);
          known = Math.max(known, len);
          assertClose(fresh, (len - 1) * vocab, r.logits(), 0, "last, split " + split);
          // Every position after the reused pages, in one more pass over them.
          seq.truncate(r.reused());
          float[] all = seq.forward(Arrays.copyOfRange(prompt, r.reused(), len), true);
          for (int pos = r.reused(); pos < len; pos++) {
            assertClose(
                fresh, pos * vocab, all, (pos - r.reused()) * vocab, "pos " + pos + " @" + split);
          }
        }
      }
    }
  }

  @Test
  void aConversationsNextTurnReusesThePreviousTurnsPages() {
    PrefixCache cache = new PrefixCache(64L << 20);
    int[] turn1 = Arrays.copyOf(story, 150);
    LlamaSequence seq = engine.newSequence();
    CachedPrefill.Result r = CachedPrefill.prefill(cache, seq, turn1);
    seq.forward(Arrays.copyOfRange(story, 150, 300), false); // "the answer"
    CachedPrefill.release(cache, seq, Arrays.copyOf(story, 300), r);
    assertEquals(0, seq.length());
    LlamaSequence next = engine.newSequence();
    try (CachedPrefill.Result r2 = CachedPrefill.prefill(cache, next, Arrays.copyOf(story, 320))) {
      assertEquals(256, r2.reused());
      assertClose(fresh, 319 * vocab, r2.logits(), 0, "turn 2");
    }
    assertTrue(cache.stats().bytes() <= cache.budgetBytes());
  }

  private static void serve(PrefixCache cache, int[] prompt) {
    LlamaSequence seq = engine.newSequence();
    CachedPrefill.Result r = CachedPrefill.prefill(cache, seq, prompt);
    CachedPrefill.release(cache, seq, prompt, r);
  }

  /** Equal up to float rounding of batched versus split products (1e-4 of the logit range). */
  private static void assertClose(float[] want, int wOff, float[] got, int gOff, String where) {
    float max = 0;
    float worst = 0;
    for (int i = 0; i < vocab; i++) {
      max = Math.max(max, Math.abs(want[wOff + i]));
      worst = Math.max(worst, Math.abs(want[wOff + i] - got[gOff + i]));
    }
    assertTrue(worst <= 1e-4f * Math.max(1, max), where + ": logits differ by " + worst);
    assertEquals(Sampler.argmax(want, wOff, vocab), Sampler.argmax(got, gOff, vocab), where);
  }
}
