package dev.fathom.ops.cli;

import java.util.Locale;

/** Checks {@code fathom eval retrieval --backend}: lucene or solr, and solr without --rerank. */
final class SolrBackendOption {
  private SolrBackendOption() {}

  /** True for solr, false for lucene; a user error naming the value otherwise. */
  static boolean solr(String backend, String rerank) {
    String b = backend.trim().toLowerCase(Locale.ROOT);
    if (!b.equals("lucene") && !b.equals("solr")) {
      throw new ErrorHandler.UserError("--backend must be lucene or solr, got '" + backend + "'");
    }
    if (b.equals("solr") && rerank != null) {
      throw new ErrorHandler.UserError(
          "--backend solr evaluates bm25, dense and hybrid only; --rerank needs the embedded index");
    }
    return b.equals("solr");
  }
}
