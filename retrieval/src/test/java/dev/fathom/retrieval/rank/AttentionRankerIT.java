package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attention ranker on real weights (stories260K): the needle test of issue 13 — among N = 10
 * TinyStories-like passages one holds the question's sentence verbatim — and the calibration test.
 */
class AttentionRankerIT {
  static final int N = 10;
  static final int TRIALS = 200;

  static LocalLanguageModel model;

  @BeforeAll
  static void load() throws Exception {
    Path p =
        Path.of(
                System.getProperty("fathom.root", "."),
                "../shared/models/stories260K/stories260K.gguf")
            .normalize();
    assumeTrue(Files.isRegularFile(p), "test model " + p + " is absent (see ../shared/models)");
    model = LocalLanguageModel.open(p, new EngineSettings(1, 512, null));
  }

  @AfterAll
  static void close() {
    if (model != null) model.close();
  }

  static List<Hit> hits(List<String> passages) {
    List<Hit> out = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      String t = passages.get(i);
      out.add(new Hit(new Passage("p" + i, "s" + i, "", t, 0, t.length()), 1, i + 1));
    }
    return out;
  }

  static int argmax(double[] s) {
    int best = 0;
    for (int i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
    return best;
  }

  /**
   * The needle test, measured: P@1 over seeded trials against chance 1/N. Issue 13's target is 3×
   * chance; stories260K does not reach it (docs/ranking.md: P@1 ≈ 0.11 at N = 10, chance 0.10 — its
   * one induction head, layer 2 head 1, fires on few tokens past ~100 positions), so this test
   * asserts the machinery (every ranking a permutation of the candidates, repeatable) and prints
   * the figure rather than asserting a quality the model does not have.
   */
  @Test
  void needleTestOnStories260K() {
    AttentionRanker ranker = new AttentionRanker(model, AttentionSettings.defaults());
    int first = 0;
    for (int seed = 0; seed < TRIALS; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(seed, N);
      List<Hit> candidates = hits(t.passages());
      Ranking r = ranker.rank(t.question(), candidates);
      assertEquals(N, r.hits().stream().map(h -> h.passage().id()).distinct().count());
      if (seed < 3) {
        assertEquals(r.hits(), ranker.rank(t.question(), candidates).hits(), "repeatable");
      }
      if (r.hits().getFirst().passage().id().equals("p" + t.needle())) first++;
    }
    double p1 = first / (double) TRIALS;
    System.out.printf(
        "needle P@1 (all layers, calibrated) = %.3f over %d trials, chance %.3f, target %.3f%n",
        p1, TRIALS, 1.0 / N, 3.0 / N);
  }

  /**
   * The head chosen on seeds 0–299 ({@link AttentionHeadSearchIT}: layer 4 head 0, the best single
   * head and better than any layer or sum of heads there), measured on other seeds (50,000 on), so
   * the figure is not fitted to its trials. docs/ranking.md: P@1 0.21 against chance 0.10, short of
   * the 0.30. The engine runs on one thread, so the figure is exactly repeatable.
   */
  @Test
  void needleTestWithTheChosenHeadOnUnseenTrials() {
    AttentionRanker ranker =
        new AttentionRanker(
            model,
            AttentionSettings.defaults().withHeads(List.of(new AttentionSettings.Head(4, 0))));
    int first = 0;
    for (int seed = 50_000; seed < 50_000 + TRIALS; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(seed, N);
      Ranking r = ranker.rank(t.question(), hits(t.passages()));
      if (r.hits().getFirst().passage().id().equals("p" + t.needle())) first++;
      if (seed == 50_000) assertTrue(r.explanation().contains("heads [4.0]"), r.explanation());
    }
    double p1 = first / (double) TRIALS;
    System.out.printf(
        "needle P@1 (layer 4 head 0, calibrated, unseen seeds) = %.3f over %d trials, chance %.3f%n",
        p1, TRIALS, 1.0 / N);
    assertTrue(p1 >= 0.15, "the chosen head finds the needle well above chance (0.10): " + p1);
  }

  /**
   * One block per passage (BlockRank's structure: each passage sees the instruction and itself, at
   * the same positions), layer 4 head 1, calibrated: {@link AttentionSettings#stories260K()}. The
   * layout and head were chosen on seeds 0–149 ({@code AttentionHeadSearchIT}'s blockwise search,
   * docs/ranking.md) and are measured here on seeds 100,000–100,299, which no choice looked at.
   * docs/ranking.md: P@1 0.387 (116 of 300) against chance 0.10 — the 3× chance (0.30) is
   * met. Repeatable: the engine runs on one thread.
   */
  @Test
  void needleTestBlockwiseWithTheChosenHeadOnUnseenTrials() {
    AttentionRanker ranker = new AttentionRanker(model, AttentionSettings.stories260K());
    int trials = 300;
    int first = 0;
    for (int seed = 100_000; seed < 100_000 + trials; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(seed, N);
      Ranking r = ranker.rank(t.question(), hits(t.passages()));
      assertEquals(N, r.hits().stream().map(h -> h.passage().id()).distinct().count());
      if (r.hits().getFirst().passage().id().equals("p" + t.needle())) first++;
      if (seed == 100_000) {
        assertTrue(r.explanation().contains("one block per passage"), r.explanation());
      }
    }
    double p1 = first / (double) trials;
    System.out.printf(
        "needle P@1 (blocks, layer 4 head 1, calibrated, unseen seeds) = %.3f over %d trials,"
            + " chance %.3f, target %.3f%n",
        p1, trials, 1.0 / N, 3.0 / N);
    assertTrue(p1 >= 0.30, "3x chance (0.30) on trials the choice never saw: " + p1);
  }

  /**
   * In one block per passage every passage stands at the same positions, so moving it in the list
   * changes only its "[i]" label: its raw attention barely moves, unlike in one sequence, where raw
   * scores follow the position (the first and last blocks collect sink and recency mass).
   */
  @Test
  void blocksScorePassagesWhereverTheyStand() {
    AttentionRanker joint = new AttentionRanker(model, AttentionSettings.defaults());
    AttentionRanker blocks =
        new AttentionRanker(model, AttentionSettings.defaults().withBlocks(true));
    double jointChange = 0;
    double blockChange = 0;
    for (int seed = 0; seed < 10; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(2000 + seed, N);
      List<Integer> perm = new ArrayList<>();
      for (int i = 0; i < N; i++) perm.add(i);
      Collections.shuffle(perm, new Random(seed));
      List<String> shuffled = perm.stream().map(t.passages()::get).toList();
      for (AttentionRanker r : List.of(joint, blocks)) {
        double[] a = r.score(t.question(), t.passages()).passageScores((l, h) -> true, false);
        double[] b =
            unshuffle(r.score(t.question(), shuffled).passageScores((l, h) -> true, false), perm);
        if (r == joint) jointChange += change(a, b) / mass(a);
        else blockChange += change(a, b) / mass(a);
      }
    }
    System.out.printf(
        "shuffle: raw score change relative to the raw mass: one sequence %.3f, blocks %.3f%n",
        jointChange / 10, blockChange / 10);
    assertTrue(
        blockChange < 0.1 * jointChange,
        "blocks do not score by position: " + blockChange + " vs " + jointChange);
  }

  @Test
  void headsThatDoNotExistAreRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new AttentionRanker(
                    model,
                    AttentionSettings.defaults()
                        .withHeads(List.of(new AttentionSettings.Head(5, 0)))));
    assertEquals(
        "head 5.0 does not exist: the model has layers 0..4 of heads 0..7", e.getMessage());
  }

  /** Prints P@1 per layer and per head, calibrated and not: where the copying attention lives. */
  @Test
  void whichLayersAndHeadsCarryTheSignal() {
    AttentionRanker ranker = new AttentionRanker(model, AttentionSettings.defaults());
    int layers = model.engine().config().layers();
    int heads = model.engine().config().heads();
    int[][] perHead = new int[layers][heads];
    int[] perLayer = new int[layers];
    int[] perLayerRaw = new int[layers];
    int all = 0;
    int allRaw = 0;
    for (int seed = 0; seed < TRIALS; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(seed, N);
      AttentionScores a = ranker.score(t.question(), t.passages());
      for (int l = 0; l < layers; l++) {
        int layer = l;
        for (int h = 0; h < heads; h++) {
          int head = h;
          // One head's mean softmax row puts a share in (0, 1] of its mass on the passages.
          double m = mass(a.passageScores((x, y) -> x == layer && y == head, false));
          assertTrue(m > 0 && m <= 1 + 1e-4, "mass of layer " + l + " head " + h + ": " + m);
        }
        if (argmax(a.passageScores((x, h) -> x == layer, true)) == t.needle()) perLayer[l]++;
        if (argmax(a.passageScores((x, h) -> x == layer, false)) == t.needle()) perLayerRaw[l]++;
        for (int h = 0; h < heads; h++) {
          int head = h;
          if (argmax(a.passageScores((x, y) -> x == layer && y == head, true)) == t.needle()) {
            perHead[l][h]++;
          }
        }
      }
      if (argmax(a.passageScores(AttentionScores.HeadFilter.ALL, true)) == t.needle()) all++;
      if (argmax(a.passageScores(AttentionScores.HeadFilter.ALL, false)) == t.needle()) allRaw++;
    }
    StringBuilder sb = new StringBuilder("needle P@1 by layer (calibrated / raw) and head:\n");
    for (int l = 0; l < layers; l++) {
      sb.append(
          String.format(
              "layer %d: %.3f / %.3f  heads:",
              l, perLayer[l] / (double) TRIALS, perLayerRaw[l] / (double) TRIALS));
      for (int h = 0; h < heads; h++)
        sb.append(String.format(" %.2f", perHead[l][h] / (double) TRIALS));
      sb.append('\n');
    }
    sb.append(
        String.format(
            "all layers: %.3f / %.3f%n", all / (double) TRIALS, allRaw / (double) TRIALS));
    System.out.print(sb);
  }

  /**
   * Shuffling the passages moves their positions; calibrated scores follow the passages (they
   * change far less than raw attention, whose position bias the calibration removes).
   */
  @Test
  void calibratedScoresFollowThePassagesNotTheirPositions() {
    AttentionRanker ranker = new AttentionRanker(model, AttentionSettings.defaults());
    double rawChange = 0;
    double calChange = 0;
    int trials = 20;
    for (int seed = 0; seed < trials; seed++) {
      NeedleStories.Trial t = NeedleStories.trial(1000 + seed, N);
      List<Integer> perm = new ArrayList<>();
      for (int i = 0; i < N; i++) perm.add(i);
      Collections.shuffle(perm, new Random(seed));
      List<String> shuffled = perm.stream().map(t.passages()::get).toList();
      AttentionScores a = ranker.score(t.question(), t.passages());
      AttentionScores b = ranker.score(t.question(), shuffled);
      double[] rawA = a.passageScores(AttentionScores.HeadFilter.ALL, false);
      double[] rawB = unshuffle(b.passageScores(AttentionScores.HeadFilter.ALL, false), perm);
      double[] calA = a.passageScores(AttentionScores.HeadFilter.ALL, true);
      double[] calB = unshuffle(b.passageScores(AttentionScores.HeadFilter.ALL, true), perm);
      // Both changes in units of the raw attention mass, so they compare.
      rawChange += change(rawA, rawB) / mass(rawA);
      calChange += change(calA, calB) / mass(rawA);
    }
    System.out.printf(
        "shuffle: mean change of passage scores, relative to the raw mass: raw %.3f, calibrated"
            + " %.3f%n",
        rawChange / trials, calChange / trials);
    assertTrue(
        calChange < 0.75 * rawChange,
        "calibration removes much of the position bias: " + calChange + " vs " + rawChange);
  }

  /** scores[j] belongs to original passage perm[j]; returns them in original order. */
  static double[] unshuffle(double[] scores, List<Integer> perm) {
    double[] out = new double[scores.length];
    for (int j = 0; j < scores.length; j++) out[perm.get(j)] = scores[j];
    return out;
  }

  /** Σ|a−b|: how much the scores moved. */
  static double change(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
    return d;
  }

  static double mass(double[] a) {
    double s = 0;
    for (double x : a) s += Math.abs(x);
    return s;
  }
}
