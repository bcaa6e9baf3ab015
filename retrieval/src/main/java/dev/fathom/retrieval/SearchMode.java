package dev.fathom.retrieval;

import java.util.Locale;

/** How a query is matched against the index. */
public enum SearchMode {
  /** Lexical: Lucene BM25 over title and text with English analysis. */
  BM25,
  /** Semantic: k-nearest neighbours over all-MiniLM-L6-v2 passage vectors (HNSW). */
  DENSE,
  /** Reciprocal rank fusion of BM25 and dense (Cormack et al., SIGIR 2009). */
  HYBRID;

  /** Parses {@code bm25}, {@code dense} or {@code hybrid}, case-insensitively. */
  public static SearchMode parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown search mode '" + name + "': expected one of bm25, dense, hybrid");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
