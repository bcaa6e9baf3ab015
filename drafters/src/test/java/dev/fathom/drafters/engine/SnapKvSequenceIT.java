package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.memory.RopeShift;
import dev.fathom.memory.SnapKvPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SnapKV's per-head eviction on the real stories260K. */
class SnapKvSequenceIT {
  static LlamaEngine engine;

  @BeforeAll
  static void load() throws Exception {
    engine = LlamaEngine.open(LlamaModelIT.STORIES, new EngineSettings(2, 512, null));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static int[] story(int n) {
    LlamaSequence s = engine.newSequence();
    int[] tokens = new int[n];
    tokens[0] = 1;
    float[] logits = s.forward(new int[] {1}, false);
    for (int i = 1; i < n; i++) {
      tokens[i] = Sampler.argmax(logits, 0, logits.length);
      logits = s.forward(new int[] {tokens[i]}, false);
    }
    return tokens;
  }

  @Test
  void perHeadCompactionWithTheSameListsInEveryHeadEqualsThePositionWideOne() {
    int[] text = story(80);
    int[] keep = new int[40];
    for (int i = 0; i < 40; i++) {
      keep[i] = i < 4 ? i : 40 + i; // sinks and the last 36
    }
    ModelConfig c = engine.config();
    RopeShift shift =
        new RopeShift(
            c.ropeTheta(),
            c.ropeScale(),
            c.kvHeads(),
            c.headSize(),
            c.ropeStyle() == RopeStyle.ADJACENT);
    LlamaSequence wide = engine.newSequence();
    wide.forward(text, false);
    wide.cache().compact(keep, shift);
    LlamaSequence heads = engine.newSequence();
    heads.forward(text, false);
    int[][][] lists = new int[c.layers()][c.kvHeads()][];
    for (int[][] layer : lists) {
      java.util.Arrays.fill(layer, keep);
    }
    heads.cache().compactHeads(lists, c.headSize(), shift);
    float[] a = wide.forward(new int[] {text[79]}, false);
    float[] b = heads.forward(new int[] {text[79]}, false);
    assertArrayEquals(a, b, 1e-4f * max(a));
  }

  @Test
  void keepsTheBudgetAndHeadsChooseDifferentPositions() {
    LlamaSequence inner = engine.newSequence();
    EvictingSequence snap = new EvictingSequence(inner, new SnapKvPolicy(8, 5), 48);
    float[] logits = snap.forward(new int[] {1}, false);
    for (int i = 0; i < 150; i++) {
      logits = snap.forward(new int[] {Sampler.argmax(logits, 0, logits.length)}, false);
      assertTrue(snap.length() <= 48);
    }
    assertEquals(151 - 48, snap.evicted() + (48 - snap.length()));
    for (float x : logits) {
      assertTrue(Float.isFinite(x));
    }
    // Layer 0's key depends only on the token and its position: every head's key at every
    // position, turned back to position 0, is some token's key exactly (the moves and rotations
    // are right), and at some position heads 0 and 1 hold different tokens (selection is per head).
    ModelConfig c = engine.config();
    RopeShift shift =
        new RopeShift(
            c.ropeTheta(),
            c.ropeScale(),
            c.kvHeads(),
            c.headSize(),
            c.ropeStyle() == RopeStyle.ADJACENT);
    float[][] vocabKeys = new float[c.vocabularySize()][];
    for (int t = 0; t < c.vocabularySize(); t++) {
      LlamaSequence s = engine.newSequence();
      s.forward(new int[] {t}, false);
      vocabKeys[t] = java.util.Arrays.copyOf(s.cache().keys(0, 0), c.kvDim());
    }
    int hs = c.headSize();
    boolean disagree = false;
    for (int p = 0; p < inner.length(); p++) {
      float[] key =
          java.util.Arrays.copyOfRange(
              inner.cache().keys(0, p),
              inner.cache().offset(p),
              inner.cache().offset(p) + c.kvDim());
      shift.move(key, 0, p, 0);
      int[] token = new int[c.kvHeads()];
      for (int h = 0; h < c.kvHeads(); h++) {
        token[h] = nearest(vocabKeys, key, h * hs, hs);
        for (int i = h * hs; i < (h + 1) * hs; i++) {
          assertEquals(vocabKeys[token[h]][i], key[i], 1e-4, "position " + p + " head " + h);
        }
      }
      disagree |= token[0] != token[1];
    }
    assertTrue(disagree, "every head kept the same tokens");
  }

  private static int nearest(float[][] vocabKeys, float[] key, int from, int n) {
    int best = -1;
    double bestD = Double.MAX_VALUE;
    for (int t = 0; t < vocabKeys.length; t++) {
      double d = 0;
      for (int i = from; i < from + n; i++) {
        double x = vocabKeys[t][i] - key[i];
        d += x * x;
      }
      if (d < bestD) {
        bestD = d;
        best = t;
      }
    }
    return best;
  }

  private static float max(float[] a) {
    float m = 0;
    for (float x : a) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
