package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FeatureColumns}: the shipped model's columns and their place among all features. */
class FeatureColumnsTest {

  @Test
  void theShippedColumnsAreTheBaseTwentyThreeThenTheListFeatures() {
    // Pinned: a trained model stores this list and refuses another, so a change must be deliberate.
    List<String> expected = new ArrayList<>(FeatureColumns.ALL.subList(0, 23));
    expected.addAll(
        List.of(
            "sentence_cos",
            "sentence_cos_gap",
            "bm25_z",
            "dense_z",
            "rm3_z",
            "rocchio_z",
            "title_votes",
            "answer_type"));
    assertEquals(expected, FeatureColumns.NAMES);
    assertEquals(36, FeatureColumns.ALL.size());
    assertTrue(FeatureColumns.ALL.containsAll(FeatureColumns.NOT_SHIPPED));
  }

  @Test
  void theShippedRowIsAProjectionOfTheWideRow() {
    int a = FeatureColumns.ALL.size();
    float[] all = new float[2 * a];
    for (int i = 0; i < all.length; i++) all[i] = i;
    float[] x = FeatureColumns.shipped(all, 2);
    int f = FeatureColumns.NAMES.size();
    assertEquals(2 * f, x.length);
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < f; c++) {
        assertEquals(r * a + FeatureColumns.ALL.indexOf(FeatureColumns.NAMES.get(c)), x[r * f + c]);
      }
    }
  }
}
