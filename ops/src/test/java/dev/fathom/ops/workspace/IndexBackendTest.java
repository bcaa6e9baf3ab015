package dev.fathom.ops.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class IndexBackendTest {

  private static Config conf(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void defaultsToTheEmbeddedIndex() throws Exception {
    try (IndexBackend b = IndexBackend.from(ConfigFactory.load())) {
      assertFalse(b.solr());
      assertThrows(IllegalStateException.class, () -> b.solrStore(384));
    }
    try (IndexBackend b = IndexBackend.from(ConfigFactory.parseString("a = 1"))) {
      assertFalse(b.solr(), "a config without fathom.index means lucene");
    }
  }

  @Test
  void readsTheSolrSettings() throws Exception {
    try (IndexBackend b =
        IndexBackend.from(
            conf(
                "fathom.index { backend = SOLR, solr.urls = \"http://a:8983/solr, http://b:8983/solr\" }"))) {
      assertTrue(b.solr());
    }
  }

  @Test
  void zooKeeperHostsTakeThePlaceOfUrls() {
    var s =
        IndexBackend.solrSettings(conf("fathom.index.solr.zk-hosts = \"zk1:2181, zk2:2181/solr\""));
    assertTrue(s.viaZooKeeper());
    assertEquals(java.util.List.of("zk1:2181", "zk2:2181"), s.zkHosts());
    assertEquals("/solr", s.zkChroot());
    assertFalse(IndexBackend.solrSettings(conf("a = 1")).viaZooKeeper(), "default: urls");
  }

  @Test
  void badSettingsAreNamed() {
    var kind =
        assertThrows(
            IllegalArgumentException.class,
            () -> IndexBackend.from(conf("fathom.index.backend = elastic")));
    assertTrue(kind.getMessage().contains("lucene or solr"), kind.getMessage());
    var url =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                IndexBackend.from(conf("fathom.index { backend = solr, solr.urls = \"a:8983\" }")));
    assertTrue(url.getMessage().contains("a:8983"), url.getMessage());
    var none =
        assertThrows(
            IllegalArgumentException.class,
            () -> IndexBackend.from(conf("fathom.index { backend = solr, solr.urls = \"\" }")));
    assertTrue(none.getMessage().contains("fathom.index.solr.urls"), none.getMessage());
    var removed =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                IndexBackend.from(
                    conf("fathom.index { backend = solr, solr.collection = \"docs\" }")));
    assertTrue(removed.getMessage().contains("collection-prefix + c"), removed.getMessage());
  }
}
