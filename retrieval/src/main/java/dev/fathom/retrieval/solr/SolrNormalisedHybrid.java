package dev.fathom.retrieval.solr;

import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * Solr 9's documented hybrid search in one request (Solr Reference Guide, "Dense Vector Search",
 * hybrid lexical and vector retrieval): the candidates are the union of the lexical matches and the
 * kNN top {@code topK}, ranked by {@code bm25Weight × scale(BM25, 0, 1) + denseWeight × kNN score},
 * where {@code scale} is min-max normalisation over the shard's documents and the kNN score of a
 * cosine field is {@code (1 + cos) / 2}. Candidates outside the kNN top {@code topK} get no vector
 * score, those without a query term no lexical one.
 *
 * <p>It is the alternative to Fathom's weighted reciprocal rank fusion over two Solr requests (one
 * round trip instead of two). Two properties set it apart: the normalisation is per shard (each
 * shard scales by its own best BM25 score, so shards disagree on what 1.0 means), and {@code
 * scale()} evaluates the lexical query over every document of the shard. docs/scale-out.md reports
 * what the choice measured to.
 */
final class SolrNormalisedHybrid {
  private SolrNormalisedHybrid() {}

  /**
   * Sets {@code q} and its sub-queries on {@code p}; {@code lexical} null (a query of stop words
   * only) ranks by the vector alone.
   */
  static void params(
      String lexical, String knn, double bm25Weight, double denseWeight, ModifiableSolrParams p) {
    if (bm25Weight < 0 || denseWeight < 0 || bm25Weight + denseWeight == 0) {
      throw new IllegalArgumentException(
          "fusion weights must be >= 0 and not both 0, got bm25="
              + bm25Weight
              + " dense="
              + denseWeight);
    }
    p.set("vectorQuery", knn);
    if (lexical == null) {
      p.set("rankingStage", "{!func}product(" + denseWeight + ",query($vectorQuery))");
      p.set("q", "{!bool filter=$vectorQuery must=$rankingStage}");
      return;
    }
    p.set("lexicalQuery", lexical);
    p.set("retrievalStage", "{!bool should=$lexicalQuery should=$vectorQuery}");
    p.set("normalisedLexicalQuery", "{!func}scale(query($lexicalQuery),0,1)");
    p.set(
        "rankingStage",
        "{!func}sum(product("
            + bm25Weight
            + ",query($normalisedLexicalQuery)),product("
            + denseWeight
            + ",query($vectorQuery)))");
    p.set("q", "{!bool filter=$retrievalStage must=$rankingStage}");
  }

  /**
   * The request's filter queries as the kNN query's explicit pre-filters ({@code preFilter=$fqN}):
   * nested inside a boolean query, kNN would otherwise take its top k over every passage and have
   * the filters applied after, returning fewer than k permitted passages.
   */
  static String preFilters(ModifiableSolrParams p) {
    String[] fqs = p.getParams("fq");
    if (fqs == null) return "";
    StringBuilder local = new StringBuilder();
    for (int i = 0; i < fqs.length; i++) {
      p.set("pf" + i, fqs[i]);
      local.append(" preFilter=$pf").append(i);
    }
    return local.toString();
  }
}
