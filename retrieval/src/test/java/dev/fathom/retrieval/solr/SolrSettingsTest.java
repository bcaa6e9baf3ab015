package dev.fathom.retrieval.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class SolrSettingsTest {

  private static final List<String> URLS = List.of("http://127.0.0.1:8983/solr");

  @Test
  void mapsFathomCollectionsToPrefixedSolrCollections() {
    assertEquals("fathom-docs", new SolrSettings(URLS, "fathom-", 2, 2).collection("docs"));
  }

  @Test
  void rejectsBadValuesNamingThem() {
    var noUrl =
        assertThrows(IllegalArgumentException.class, () -> new SolrSettings(List.of(), "", 1, 1));
    assertTrue(noUrl.getMessage().contains("fathom.index.solr.urls"), noUrl.getMessage());
    var badUrl =
        assertThrows(
            IllegalArgumentException.class, () -> new SolrSettings(List.of("host:8983"), "", 1, 1));
    assertTrue(badUrl.getMessage().contains("host:8983"), badUrl.getMessage());
    var shards =
        assertThrows(IllegalArgumentException.class, () -> new SolrSettings(URLS, "", 0, 1));
    assertTrue(shards.getMessage().contains("[1, 1024]"), shards.getMessage());
    var name =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SolrSettings(URLS, "f-", 1, 1).collection("a/b"));
    assertTrue(name.getMessage().contains("a/b"), name.getMessage());
  }

  @Test
  void readsAZooKeeperConnectionStringWithItsChroot() {
    SolrSettings s = SolrSettings.zooKeeper("zk1:2181, zk2:2181,zk3/solr", "f-", 2, 2);
    assertTrue(s.viaZooKeeper());
    assertEquals(List.of("zk1:2181", "zk2:2181", "zk3"), s.zkHosts());
    assertEquals("/solr", s.zkChroot());
    assertEquals("ZooKeeper zk1:2181,zk2:2181,zk3/solr", s.where());
    SolrSettings root = SolrSettings.zooKeeper("127.0.0.1:9983", "f-", 1, 1);
    assertEquals("", root.zkChroot());
    var badHost =
        assertThrows(
            IllegalArgumentException.class, () -> SolrSettings.zooKeeper("zk1:21x81", "", 1, 1));
    assertTrue(badHost.getMessage().contains("zk1:21x81"), badHost.getMessage());
    var badChroot =
        assertThrows(
            IllegalArgumentException.class, () -> SolrSettings.zooKeeper("zk1:2181/a b", "", 1, 1));
    assertTrue(badChroot.getMessage().contains("/a b"), badChroot.getMessage());
    var noHost =
        assertThrows(
            IllegalArgumentException.class, () -> SolrSettings.zooKeeper("/solr", "", 1, 1));
    assertTrue(noHost.getMessage().contains("at least one host"), noHost.getMessage());
    var chrootWithoutZk =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SolrSettings(URLS, List.of(), "/solr", "", 1, 1));
    assertTrue(chrootWithoutZk.getMessage().contains("zk-hosts"), chrootWithoutZk.getMessage());
  }

  @Test
  void encodesMetadataKeysIntoDistinctPlainFieldNames() {
    assertEquals("meta_author", SolrFilters.field("meta", "author"));
    assertEquals("num_a_ub_dc_hd", SolrFilters.field("num", "a_b.c-d"));
    // "a_b" and "a.b" and "a-b" must not share a field
    assertTrue(
        java.util.Set.of(
                    SolrFilters.field("meta", "a_b"),
                    SolrFilters.field("meta", "a.b"),
                    SolrFilters.field("meta", "a-b"))
                .size()
            == 3);
  }

  @Test
  void translatesFiltersIntoOneFilterQueryPerConditionWithValuesInParameters() {
    var p = new org.apache.solr.common.params.ModifiableSolrParams();
    SolrFilters.apply(
        dev.fathom.retrieval.filter.FilterSyntax.parseAll(
            List.of("author=Ann,Bob}", "year>2020", "published<2024-01-01", "path:docs/"), null),
        p);
    String[] fq = p.getParams("fq");
    assertEquals(4, fq.length, String.join(" | ", fq));
    assertEquals("{!bool should=$fv0 should=$fv1}", fq[0]);
    assertEquals("{!term f=meta_author}ann", p.get("fv0"));
    assertEquals("{!term f=meta_author}bob}", p.get("fv1"), "a value stays verbatim");
    assertEquals("num_year:[" + Math.nextUp(2020.0) + " TO *]", fq[1]);
    long jan1 = java.time.Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    assertEquals("date_published:[* TO " + (jan1 - 1) + "]", fq[2]);
    assertEquals("{!bool should=$fv2 should=$fv3}", fq[3]);
    assertEquals("{!prefix f=path}docs/", p.get("fv2"));
    assertEquals("{!prefix f=source}docs/", p.get("fv3"));
  }

  @Test
  void configsetCarriesTheEmbeddingDimension() throws IOException {
    Map<String, String> files = new HashMap<>();
    try (ZipInputStream zip =
        new ZipInputStream(new ByteArrayInputStream(SolrConfigset.zip(384)))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        files.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertEquals(3, files.size(), files.keySet().toString());
    assertTrue(files.get("schema.xml").contains("vectorDimension=\"384\""));
    assertTrue(!files.get("schema.xml").contains("@DIM@"));
    assertTrue(files.get("solrconfig.xml").contains("ExactStatsCache"));
    assertEquals("fathom-v3-d384", SolrConfigset.name(384));
    assertThrows(IllegalArgumentException.class, () -> SolrConfigset.zip(0));
  }
}
