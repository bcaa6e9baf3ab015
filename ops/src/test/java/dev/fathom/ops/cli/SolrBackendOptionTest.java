package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SolrBackendOptionTest {

  @Test
  void acceptsLuceneAndSolr() {
    assertFalse(SolrBackendOption.solr("lucene", null));
    assertFalse(SolrBackendOption.solr("lucene", "fusion"));
    assertTrue(SolrBackendOption.solr(" SOLR ", null));
  }

  @Test
  void namesBadValuesAndRefusesRerankOnSolr() {
    var bad =
        assertThrows(ErrorHandler.UserError.class, () -> SolrBackendOption.solr("elastic", null));
    assertTrue(bad.getMessage().contains("'elastic'"), bad.getMessage());
    var rerank =
        assertThrows(ErrorHandler.UserError.class, () -> SolrBackendOption.solr("solr", "fusion"));
    assertTrue(rerank.getMessage().contains("--rerank"), rerank.getMessage());
  }
}
