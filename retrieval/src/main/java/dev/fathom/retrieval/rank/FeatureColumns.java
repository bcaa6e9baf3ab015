package dev.fathom.retrieval.rank;

import java.util.List;
import java.util.Set;

/**
 * The columns of the fusion ranker's feature rows: every feature {@link FusionFeatures} computes
 * ({@link #ALL}), the ones the shipped model reads ({@link #NAMES}) and where each stands in the
 * other, so the computation fills one wide row and the shipped row is a projection of it.
 */
final class FeatureColumns {
  private FeatureColumns() {}

  /** Every feature, in column order of {@link FusionFeatures#extractAll}. */
  static final List<String> ALL =
      List.of(
          "bm25",
          "bm25_norm",
          "bm25_rr",
          "dense",
          "dense_gap",
          "dense_rr",
          "in_both",
          "hybrid_rr",
          "hybrid_norm",
          "title_match",
          "term_coverage",
          "sentence_max_coverage",
          "log_words",
          "log_position",
          "query_terms",
          "idf_coverage",
          "idf_title_match",
          "idf_sentence_max_coverage",
          "bigram_coverage",
          "rm3",
          "rm3_rr",
          "rocchio",
          "rocchio_gap",
          "window_density",
          "tf_coverage",
          "sentence_bm25",
          "neighbour_cos",
          "same_source",
          "sentence_cos",
          "sentence_cos_gap",
          "bm25_z",
          "dense_z",
          "rm3_z",
          "rocchio_z",
          "title_votes",
          "answer_type");

  /**
   * The features measured but not shipped: proximity ({@link ProximityFeatures}) and neighbour
   * agreement, which 5-fold cross-validation on the dev sets did not keep (docs/ranking.md).
   */
  static final Set<String> NOT_SHIPPED =
      Set.of("window_density", "tf_coverage", "sentence_bm25", "neighbour_cos", "same_source");

  /** The shipped features, in column order of {@link FusionFeatures#extract}: the rest of ALL. */
  static final List<String> NAMES = ALL.stream().filter(n -> !NOT_SHIPPED.contains(n)).toList();

  /** Where each of {@link #NAMES} stands in {@link #ALL}. */
  private static final int[] SHIPPED = NAMES.stream().mapToInt(ALL::indexOf).toArray();

  /** Whether the shipped model reads any proximity or neighbour feature (else they are skipped). */
  static final boolean SHIPS_PROXIMITY = NAMES.contains("window_density");

  static final boolean SHIPS_NEIGHBOURS = NAMES.contains("neighbour_cos");

  static final boolean SHIPS_SENTENCES = NAMES.contains("sentence_cos");

  /** Columns whose z-scores within the list are features, and the columns they go to. */
  static final int[] Z_FROM = columns("bm25", "dense", "rm3", "rocchio");

  static final int[] Z_TO = columns("bm25_z", "dense_z", "rm3_z", "rocchio_z");

  static int[] columns(String... names) {
    int[] out = new int[names.length];
    for (int i = 0; i < names.length; i++) out[i] = ALL.indexOf(names[i]);
    return out;
  }

  /** The shipped columns of {@code all} ({@code rows × ALL.size()}), row-major. */
  static float[] shipped(float[] all, int rows) {
    int f = NAMES.size();
    int a = ALL.size();
    float[] x = new float[rows * f];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < f; c++) x[r * f + c] = all[r * a + SHIPPED[c]];
    }
    return x;
  }
}
