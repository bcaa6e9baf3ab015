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
