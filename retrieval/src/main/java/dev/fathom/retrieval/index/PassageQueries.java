package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.access.AccessFilter;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.text.AnalysedTerms;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The Lucene queries of a {@link PassageIndex}. Access and metadata conditions are always one
 * non-scoring filter ({@link FilterQueries#combine}) of the same query, never a post-filter, so
 * scores are unchanged and the top {@code n} is taken over permitted passages only.
 */
final class PassageQueries {
  private PassageQueries() {}

  /** Largest number of query terms sent to BM25 (Lucene refuses more than 1024 clauses). */
  static final int MAX_QUERY_TERMS = 1000;

  /** Every passage. */
  static Query passages() {
    return new TermQuery(new Term(KIND, KIND_PASSAGE));
  }

  /** Every source record. */
  static Query fileRecords() {
    return new TermQuery(new Term(KIND, KIND_FILE));
  }

  /** The source record of {@code source}. */
  static Query fileRecord(String source) {
    return new BooleanQuery.Builder()
        .add(fileRecords(), BooleanClause.Occur.FILTER)
        .add(new TermQuery(new Term(SOURCE, source)), BooleanClause.Occur.FILTER)
        .build();
  }

  /** The passages of {@code source} that {@code caller} may read. */
  static Query passagesOf(String source, Principal caller) {
    var q =
        new BooleanQuery.Builder()
            .add(passages(), BooleanClause.Occur.FILTER)
            .add(new TermQuery(new Term(SOURCE, source)), BooleanClause.Occur.FILTER);
    Query filter = AccessFilter.forCaller(ACL, caller);
    if (filter != null) q.add(filter, BooleanClause.Occur.FILTER);
    return q.build();
  }

  /**
   * BM25 over the analysed terms of {@code text} (never parsed as query syntax), among the passages
   * {@code caller} may read that match {@code filter}; null when the text has no terms.
   */
  static Query bm25(Analyzer analyzer, String text, Principal caller, SearchFilter filter) {
    Query q = bm25(analyzer, text);
    if (q == null) return null;
    Query restriction = FilterQueries.combine(AccessFilter.forCaller(ACL, caller), filter);
    return restriction == null
        ? q
        : new BooleanQuery.Builder()
            .add(q, BooleanClause.Occur.MUST)
            .add(restriction, BooleanClause.Occur.FILTER)
            .build();
  }

  /** One {@code SHOULD} clause per distinct analysed term; null when there are none. */
  static Query bm25(Analyzer analyzer, String text) {
    Set<String> terms = AnalysedTerms.distinct(analyzer, CONTENTS, text, MAX_QUERY_TERMS);
    if (terms.isEmpty()) return null;
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : terms) b.add(new TermQuery(new Term(CONTENTS, t)), BooleanClause.Occur.SHOULD);
    return b.build();
  }

  /**
   * The {@code n} approximate nearest neighbours (HNSW) of a unit-length vector among the passages
   * {@code caller} may read that match {@code filter}: the restriction is the graph search's own
   * pre-filter.
   */
  static Query knn(float[] vector, int n, Principal caller, SearchFilter filter) {
    Query restriction = FilterQueries.combine(AccessFilter.forCaller(ACL, caller), filter);
    return new KnnFloatVectorQuery(VECTOR, vector, n, restriction);
  }
}
