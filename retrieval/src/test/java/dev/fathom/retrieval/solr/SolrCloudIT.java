package dev.fathom.retrieval.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.ScoredPassage;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.IngestReport;
import dev.fathom.retrieval.ingest.Ingestor;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SolrCloud backend end to end on a real 3-node cluster (separate JVM, embedded ZooKeeper): a
 * collection of 2 shards × 2 replicas created from Fathom's configset, files ingested through the
 * ordinary {@link Ingestor}, every search mode compared with the embedded Lucene index over the
 * same files, access lists enforced in Solr, and answers still complete with one node stopped.
 */
class SolrCloudIT {

  @TempDir Path tmp;

  @Test
  void ingestSearchAndSurviveALostNode() throws Exception {
    Path docs = corpus(tmp.resolve("docs"));
    var embedder = TestEmbedder.shared();
    var settings = HybridRetriever.Settings.defaults();
    try (SolrTestClusterProcess cluster = SolrTestClusterProcess.start(3, tmp.resolve("solr"))) {
      assertEquals(3, cluster.urls().size(), cluster.urls().toString());
      SolrSettings solr = new SolrSettings(cluster.urls(), "it-", 2, 2);
      try (CloudSolrClient client = SolrCollections.client(solr);
          PassageIndex local = PassageIndex.openForWriting(tmp.resolve("lucene"), "it")) {
        String collection = solr.collection("docs");
        SolrCollections.ensure(client, solr, collection, embedder.dimension());
        SolrCollections.ensure(client, solr, collection, embedder.dimension()); // idempotent
        SolrPassageStore store = new SolrPassageStore(client, collection);

        IngestReport report = ingest(store, docs);
        assertEquals(4, report.indexed(), report.toString());
        ingest(local, docs);
        assertEquals(4, store.fileRecords().size());
        assertEquals(local.passageCount(), store.passageCount());
        assertEquals(0, ingest(store, docs).indexed(), "unchanged files are skipped");

        // Same analysis, exact distributed statistics, same vectors: the same lists as the
        // embedded index, with BM25 and cosine scores equal across the two engines.
        for (String q : List.of("when is salary paid", "lighthouse keeper storm", "tidal power")) {
          assertSame(local.bm25(q, 5, Principal.owner()), store.bm25(q, 5, Principal.owner()));
          float[] v = embedder.embed(q);
          assertSame(local.knn(v, 5, Principal.owner()), store.knn(v, 5, Principal.owner()));
        }

        SolrRetriever retriever = new SolrRetriever(store, embedder, settings);
        HybridRetriever embedded = new HybridRetriever(local, embedder, settings);
        for (SearchMode m : SearchMode.values()) {
          List<Hit> hits = retriever.search("who keeps the lighthouse in a storm", m, 3);
          assertEquals(
              ids(embedded.search("who keeps the lighthouse in a storm", m, 3)), ids(hits));
          Hit top = hits.getFirst();
          assertTrue(top.passage().source().endsWith("lighthouse.md"), m + ": " + top);
          assertTrue(top.passage().end() > top.passage().start(), top.toString());
        }

        // The same cluster reached through its ZooKeeper (hosts + chroot) instead of node URLs.
        SolrSettings viaZk = SolrSettings.zooKeeper(cluster.zkConnect(), "it-", 2, 2);
        assertTrue(viaZk.viaZooKeeper(), viaZk.toString());
        try (CloudSolrClient zkClient = SolrCollections.client(viaZk)) {
          SolrPassageStore zkStore = new SolrPassageStore(zkClient, collection);
          assertEquals(store.passageCount(), zkStore.passageCount());
          assertSame(
              store.bm25("tidal power", 5, Principal.owner()),
              zkStore.bm25("tidal power", 5, Principal.owner()));
          assertEquals(
              List.of(new dev.fathom.retrieval.collection.CollectionName("docs")),
              SolrCollections.fathomCollections(zkClient, viaZk));
        }

        // The access list is a Solr filter query: hidden from the anonymous, seen by hr.
        assertFalse(sources(retriever, Principal.anonymous()).contains("salaries.md"));
        assertTrue(sources(retriever, Principal.user("ann", Set.of("hr"))).contains("salaries.md"));

        // Solr's one-request normalised hybrid, the measured alternative to RRF: it finds the
        // same top passage, scores in [0, 1.5] (1 × scaled BM25 + 0.5 × (1 + cos) / 2), and honours
        // the access list in both its parts.
        SolrRetriever normalised =
            new SolrRetriever(store, embedder, settings, SolrRetriever.Fusion.SOLR_NORMALISED);
        List<Hit> nh =
            normalised.search("who keeps the lighthouse in a storm", SearchMode.HYBRID, 3);
        assertTrue(nh.getFirst().passage().source().endsWith("lighthouse.md"), nh.toString());
        for (Hit h : nh) assertTrue(h.score() > 0 && h.score() <= 1.5f + 1e-4f, h.toString());
        assertFalse(sources(normalised, Principal.anonymous()).contains("salaries.md"));
        assertTrue(
            sources(normalised, Principal.user("ann", Set.of("hr"))).contains("salaries.md"));
        assertFalse(
            normalised.search("the of and", SearchMode.HYBRID, 3).isEmpty(),
            "a query of stop words ranks by the vector alone");

        // Changed and removed files: replaced and deleted on Solr as in the embedded index.
        Files.writeString(
            docs.resolve("tides.md"), "# Tides\n\nTidal power: tides rise twice a day.\n");
        Files.delete(docs.resolve("handbook.md"));
        IngestReport again = ingest(store, docs);
        ingest(local, docs);
        assertEquals(1, again.indexed(), again.toString());
        assertEquals(1, again.removed(), again.toString());
        assertEquals(3, store.fileRecords().size());
        assertEquals(local.passageCount(), store.passageCount());

        List<String> before = ids(retriever.search("tidal power", SearchMode.HYBRID, 5));
        cluster.stopNode(1);
        // Every shard has a replica on another node; the client may need a moment to notice.
        List<String> after = List.of();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
          try {
            after = ids(retriever.search("tidal power", SearchMode.HYBRID, 5));
            if (after.equals(before)) break;
          } catch (RuntimeException retry) {
            Thread.sleep(500);
          }
        }
        assertEquals(before, after, "answers with a node stopped");
        assertEquals(local.passageCount(), store.passageCount(), "nothing lost");
      }
    }
  }

  private static IngestReport ingest(dev.fathom.retrieval.index.PassageStore store, Path docs) {
    return new Ingestor(store, TestEmbedder.shared(), Ingestor.Settings.defaults(), Set.of())
        .ingest(List.of(docs), IngestListener.NONE, AccessList.PUBLIC);
  }

  private static void assertSame(List<ScoredPassage> expected, List<ScoredPassage> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).passage(), actual.get(i).passage(), "rank " + (i + 1));
      assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-4, "score at " + (i + 1));
    }
  }

  private static List<String> ids(List<Hit> hits) {
    List<String> out = new ArrayList<>();
    for (Hit h : hits) out.add(h.passage().id());
    return out;
  }

  private static List<String> sources(SolrRetriever r, Principal p) {
    List<String> out = new ArrayList<>();
    for (SearchMode m : SearchMode.values()) {
      for (Hit h : r.search("salary paid monthly", m, 10, p)) {
        out.add(Path.of(h.passage().source()).getFileName().toString());
      }
    }
    return out;
  }

  private static Path corpus(Path docs) throws Exception {
    Files.createDirectories(docs);
    Files.writeString(
        docs.resolve("lighthouse.md"),
        "# The lighthouse\n\nThe keeper climbs the lighthouse every night. In a storm the keeper"
            + " trims the lamp so ships find the harbour.\n");
    Files.writeString(
        docs.resolve("tides.md"),
        "# Tides\n\nTidal power turns the rise and fall of the sea into electricity with barrages"
            + " and turbines.\n");
    Files.writeString(
        docs.resolve("handbook.md"),
        "# Handbook\n\nSalaries are paid monthly, on the last working day.\n");
    Files.writeString(
        docs.resolve("salaries.md"),
        "# Salaries\n\nThe salary of the director is 900k, paid monthly.\n");
    Files.writeString(docs.resolve("salaries.md.acl"), "group:hr\n");
    return docs;
  }
}
