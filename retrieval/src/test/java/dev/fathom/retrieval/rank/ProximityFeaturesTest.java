package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProximityFeaturesTest {

  static final Map<String, Double> ABC = Map.of("a", 1.0, "b", 1.0, "c", 1.0);

  @Test
  void windowDensityIsMatchesOverTheSmallestCoveringWindow() {
    assertEquals(1f, ProximityFeatures.windowDensity(ABC, List.of("x", "a", "b", "c", "y")));
    // a … b … c spread over six tokens, and a later tighter "c b a" of three.
    assertEquals(0.5f, ProximityFeatures.windowDensity(ABC, List.of("a", "x", "b", "y", "y", "c")));
    assertEquals(
        1f,
        ProximityFeatures.windowDensity(ABC, List.of("a", "x", "b", "y", "y", "c", "b", "a", "x")));
    // Two of three matched, two tokens apart: 2 / 3.
    assertEquals(2f / 3, ProximityFeatures.windowDensity(ABC, List.of("a", "x", "c")), 1e-6);
    assertEquals(1f, ProximityFeatures.windowDensity(ABC, List.of("x", "b", "x")));
    assertEquals(0f, ProximityFeatures.windowDensity(ABC, List.of("x", "y")));
    assertEquals(0f, ProximityFeatures.windowDensity(ABC, List.of()));
  }

  @Test
  void tfCoverageCountsRepeatsWithDiminishingReturns() {
    Map<String, Double> idf = Map.of("a", 3.0, "b", 1.0);
    assertEquals(
        (float) (3 * Math.log(4) / 4), ProximityFeatures.tfCoverage(idf, Map.of("a", 3)), 1e-6);
    assertTrue(
        ProximityFeatures.tfCoverage(idf, Map.of("a", 2))
            > ProximityFeatures.tfCoverage(idf, Map.of("a", 1)));
    assertEquals(0f, ProximityFeatures.tfCoverage(Map.of(), Map.of("a", 1)));
  }

  @Test
  void sentenceBm25IsNormalisedByItsMaximum() {
    // Every term once in a sentence of average length: each contributes idf, so Σidf / (k1+1)Σidf.
    float all = ProximityFeatures.sentenceBm25(ABC, List.of("a", "b", "c"), 3);
    assertEquals((float) (1 / (ProximityFeatures.K1 + 1)), all, 1e-6);
    float one = ProximityFeatures.sentenceBm25(ABC, List.of("a", "x", "y"), 3);
    assertEquals(all / 3, one, 1e-6);
    assertTrue(
        ProximityFeatures.sentenceBm25(ABC, List.of("a", "x", "y", "z", "w", "v"), 3) < one,
        "a longer sentence with the same match scores less");
    assertEquals(0f, ProximityFeatures.sentenceBm25(ABC, List.of(), 3));
  }
}
