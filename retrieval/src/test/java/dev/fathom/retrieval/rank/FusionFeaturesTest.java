package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.index.ScoredPassage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FusionFeaturesTest {

  static Passage passage(String id, String title, String text, int start) {
    return new Passage(id, id, title, text, start, start + text.length());
  }

  final Passage wings =
      passage("a", "Wing flutter", "Flutter of swept wings is studied. Nothing else here.", 0);
  final Passage heat = passage("b", "Heat transfer", "Heat moves through the boundary layer.", 500);
  final Passage noise = passage("c", "", "Unrelated text about jets", 0);

  float[] extract() {
    List<Hit> hits =
        List.of(new Hit(wings, 0.05f, 1), new Hit(heat, 0.025f, 2), new Hit(noise, 0.01f, 3));
    CandidateSignals s =
        new CandidateSignals(
            List.of(new ScoredPassage(wings, 8f), new ScoredPassage(heat, 2f)),
            List.of(
                new ScoredPassage(heat, 0.7f),
                new ScoredPassage(noise, 0.5f),
                new ScoredPassage(wings, 0.4f)));
    return new FusionFeatures().extract("flutter of swept wings", hits, s);
  }

  static float f(float[] x, int row, String name) {
    return x[row * FusionFeatures.count() + FusionFeatures.NAMES.indexOf(name)];
  }

  @Test
  void retrievalSignalsPerCandidate() {
    float[] x = extract();
    assertEquals(3 * FusionFeatures.count(), x.length);
    assertEquals(8f, f(x, 0, "bm25"));
    assertEquals(1f, f(x, 0, "bm25_norm"));
    assertEquals(0.25f, f(x, 1, "bm25_norm"));
    assertEquals(0.5f, f(x, 1, "bm25_rr"));
    assertEquals(0f, f(x, 2, "bm25"), "not in the BM25 list");
    assertEquals(0.4f, f(x, 0, "dense"));
    assertEquals(0.4f - 0.7f, f(x, 0, "dense_gap"), 1e-6);
    assertEquals(1f / 3, f(x, 0, "dense_rr"), 1e-6);
    assertEquals(1f, f(x, 0, "in_both"));
    assertEquals(0f, f(x, 2, "in_both"));
    assertEquals(1f / 3, f(x, 2, "hybrid_rr"), 1e-6);
    assertEquals(0.5f, f(x, 1, "hybrid_norm"), 1e-6);
  }

  @Test
  void lexicalMatchesUseStemmedTermsWithoutStopWords() {
    float[] x = extract();
    // "flutter of swept wings" → {flutter, swept, wing}: the title has flutter and wing.
    assertEquals(2f / 3, f(x, 0, "title_match"), 1e-6);
    assertEquals(1f, f(x, 0, "term_coverage"));
    assertEquals(1f, f(x, 0, "sentence_max_coverage"));
    assertEquals(0f, f(x, 1, "term_coverage"));
    assertEquals(3f, f(x, 0, "query_terms"));
    assertEquals((float) Math.log1p(9), f(x, 0, "log_words"), 1e-6);
    assertEquals((float) Math.log1p(500), f(x, 1, "log_position"), 1e-6);
    assertEquals(0f, f(x, 0, "log_position"));
  }

  @Test
  void bestSentenceIsNotTheWholeText() {
    Passage split = passage("d", "", "Swept things. Wings flutter.", 0);
    float[] x =
        new FusionFeatures()
            .extract(
                "swept wings",
                List.of(new Hit(split, 1, 1)),
                new CandidateSignals(List.of(), List.of()));
    assertEquals(1f, f(x, 0, "term_coverage"));
    assertEquals(0.5f, f(x, 0, "sentence_max_coverage"));
    assertEquals(0f, f(x, 0, "dense"), "no dense list: 0");
  }

  @Test
  void idfWeightedMatchesAndAdjacentTermPairs() {
    List<Hit> hits = List.of(new Hit(wings, 0.05f, 1), new Hit(heat, 0.025f, 2));
    float[] x =
        new FusionFeatures()
            .extract(
                "flutter of swept wings",
                hits,
                new CandidateSignals(List.of(), List.of()),
                terms -> Map.of("flutter", 3.0, "swept", 1.0, "wing", 1.0));
    // The title "Wing flutter" matches flutter (3) and wing (1) of 5.
    assertEquals(0.8f, f(x, 0, "idf_title_match"), 1e-6);
    assertEquals(1f, f(x, 0, "idf_coverage"));
    assertEquals(1f, f(x, 0, "idf_sentence_max_coverage"));
    assertEquals(0f, f(x, 1, "idf_coverage"));
    // Pairs of the question: "flutter swept", "swept wing" (stop word "of" dropped): both in a.
    assertEquals(1f, f(x, 0, "bigram_coverage"));
    assertEquals(0f, f(x, 1, "bigram_coverage"));
    float[] plain = extract();
    assertEquals(
        f(plain, 0, "title_match"), f(plain, 0, "idf_title_match"), "without idf: uniform weights");
  }

  static float all(float[] x, int row, String name) {
    return x[row * FusionFeatures.ALL.size() + FusionFeatures.ALL.indexOf(name)];
  }

  @Test
  void feedbackProximityAndNeighbourFeatures() {
    // BM25's top passages talk about panels; "panels" is not in the question, so only the
    // expanded query (RM3) can see that c is about the same thing.
    Passage a = passage("a", "", "Flutter of panels in supersonic flow. Panels flutter.", 0);
    Passage b = passage("b", "", "Panel flutter boundaries were measured for panels.", 0);
    Passage c = new Passage("c", "b", "", "Supersonic panels vibrate.", 90, 116);
    Passage d = passage("d", "", "Heat transfer in a cooling fluid.", 0);
    List<Hit> hits =
        List.of(new Hit(a, 4, 1), new Hit(b, 3, 2), new Hit(c, 2, 3), new Hit(d, 1, 4));
    CandidateSignals s =
        new CandidateSignals(
            List.of(new ScoredPassage(a, 5f), new ScoredPassage(b, 4f)),
            List.of(new ScoredPassage(b, 0.9f), new ScoredPassage(a, 0.8f)));
    Map<String, float[]> vectors =
        Map.of(
            "a", new float[] {1, 0},
            "b", new float[] {0.8f, 0.6f},
            "c", new float[] {0.6f, 0.8f},
            "d", new float[] {0, 1});
    float[] x =
        new FusionFeatures()
            .extractAll(
                "flutter",
                hits,
                s,
                new FusionFeatures.Lookups(terms -> FusionFeatures.uniform(terms), ids -> vectors));
    assertTrue(all(x, 2, "rm3") > 0, "c matches only expansion terms");
    assertEquals(0f, all(x, 3, "rm3"));
    assertTrue(all(x, 2, "rm3_rr") > all(x, 3, "rm3_rr"));
    assertEquals(1f, all(x, 0, "window_density"));
    assertEquals(0f, all(x, 2, "window_density"));
    assertTrue(all(x, 0, "tf_coverage") > all(x, 1, "tf_coverage"), "flutter twice in a");
    assertTrue(all(x, 0, "sentence_bm25") > 0);
    assertEquals(0f, all(x, 3, "sentence_bm25"));
    // Rocchio over q and the dense top (b, a): a and b lead, d is far.
    assertEquals(0f, Math.max(all(x, 0, "rocchio_gap"), all(x, 1, "rocchio_gap")), 1e-6);
    assertTrue(all(x, 3, "rocchio") < all(x, 2, "rocchio"));
    // d's mean cosine to a, b, c: (0 + 0.6 + 0.8) / 3.
    assertEquals(1.4f / 3, all(x, 3, "neighbour_cos"), 1e-6);
    assertEquals(1f, all(x, 1, "same_source"), "b and c come from source b");
    assertEquals(0f, all(x, 0, "same_source"));
    // The shipped columns are the same values, in NAMES' order.
    float[] shipped =
        new FusionFeatures()
            .extract(
                "flutter",
                hits,
                s,
                new FusionFeatures.Lookups(terms -> FusionFeatures.uniform(terms), ids -> vectors));
    assertEquals(4 * FusionFeatures.count(), shipped.length);
    for (int r = 0; r < 4; r++) {
      for (String name : FusionFeatures.NAMES) assertEquals(all(x, r, name), f(shipped, r, name));
    }
  }

  @Test
  void coverageOfAnEmptyQuestionIsZero() {
    assertEquals(0f, RetrievalFeatures.coverage(Set.of(), Set.of("a")));
  }
}
