package dev.fathom.ops.cli;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.search.Retriever;
import dev.fathom.retrieval.solr.SolrPassageStore;
import dev.fathom.retrieval.solr.SolrRetriever;
import java.util.List;
import java.util.Locale;

/**
 * {@code --solr-fusion rrf|normalised|both} of {@code fathom eval retrieval} and {@code fathom
 * bench retrieval} with {@code --backend solr}: which hybrid fusion to measure on Solr (issue 19).
 * {@code both} measures the two over one temporary collection, adding a row {@value
 * #NORMALISED_ROW}.
 */
final class SolrFusionOption {
  static final String NORMALISED_ROW = "hybrid-normalised";

  private SolrFusionOption() {}

  /** The checked value: rrf, normalised or both; a user error naming the value otherwise. */
  static String parse(String value, boolean solr) {
    String v = value.trim().toLowerCase(Locale.ROOT).replace("normalized", "normalised");
    if (!v.equals("rrf") && !v.equals("normalised") && !v.equals("both")) {
      throw new ErrorHandler.UserError(
          "--solr-fusion must be rrf, normalised or both, got '" + value + "'");
    }
    if (!solr && !v.equals("rrf")) {
      throw new ErrorHandler.UserError("--solr-fusion " + v + " needs --backend solr");
    }
    return v;
  }

  /** The retriever of the main rows: Solr's normalised hybrid for {@code normalised}, else RRF. */
  static Retriever main(
      String fusion, SolrPassageStore store, Embedder embedder, HybridRetriever.Settings s) {
    return new SolrRetriever(
        store,
        embedder,
        s,
        fusion.equals("normalised")
            ? SolrRetriever.Fusion.SOLR_NORMALISED
            : SolrRetriever.Fusion.RRF);
  }

  /**
   * Solr's normalised hybrid answering only the hybrid mode (the other modes return nothing, so a
   * second evaluation pass costs only the hybrid queries; only its hybrid row is kept).
   */
  static Retriever normalisedHybridOnly(
      SolrPassageStore store, Embedder embedder, HybridRetriever.Settings s) {
    SolrRetriever r = new SolrRetriever(store, embedder, s, SolrRetriever.Fusion.SOLR_NORMALISED);
    return new Retriever() {
      @Override
      public List<Hit> search(String query, SearchMode mode, int k) {
        return mode == SearchMode.HYBRID ? r.search(query, mode, k) : List.of();
      }

      @Override
      public List<Hit> search(String query, float[] vector, SearchMode mode, int k) {
        return mode == SearchMode.HYBRID ? r.search(query, vector, mode, k) : List.of();
      }
    };
  }
}
