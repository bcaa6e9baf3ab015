package dev.fathom.ops.server;

import static dev.fathom.ops.server.SolrServeSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.IndexBackend;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.solr.SolrPassageStore;
import dev.fathom.retrieval.solr.SolrTestClusterProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fathom serve} with {@code fathom.index.backend = solr} on real parts: a 3-node SolrCloud
 * (child JVM, embedded ZooKeeper), the embedded KRaft broker, the real embedding model. Documents
 * uploaded over HTTP and sent over Kafka land in the Solr collection of their Fathom collection
 * (created on first use), metadata filters run in Solr, a tombstone deletes, and deleting the Solr
 * collections then restarting serve rebuilds them from the documents topic. The command line's
 * {@code ingest}, {@code search --filter}, {@code collections} and {@code documents} work on the
 * same cluster.
 */
class SolrServeIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static SolrTestClusterProcess cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = SolrTestClusterProcess.start(3, tmp.resolve("solr"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void documentsFromHttpAndKafkaLandInSolrAndARemovedCollectionIsRebuiltFromTheTopic()
      throws Exception {
    {
      FathomConfig config =
          FathomConfig.from(
                  ConfigFactory.parseMap(
                          Map.of(
                              "fathom.kafka.security",
                              "off",
                              "fathom.index.backend",
                              "solr",
                              "fathom.index.solr.urls",
                              String.join(",", cluster.urls()),
                              "fathom.index.solr.collection-prefix",
                              "serve-",
                              "fathom.index.solr.shards",
                              2,
                              "fathom.index.solr.replicas",
                              1))
                      .withFallback(ConfigFactory.load()))
              .withDataDir(tmp.resolve("data"));
      KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
      // A fixed broker port, so the restarted server finds the topic the first one wrote.
      KafkaSettings kafka =
          new KafkaSettings("", freePort(), "fathom-solr-it", defaults.topics(), 2, 8, 64 * 1024);
      try (IndexBackend solr = IndexBackend.from(config.raw())) {
        try (FathomServer server = start(config, kafka)) {
          HttpResponse<String> up =
              post(
                  server,
                  "/v1/collections/contracts/documents",
                  "{\"id\":\"lease-1\",\"title\":\"Flat lease\",\"text\":\"The lease of the flat"
                      + " ends on 31 May 2027.\",\"metadata\":{\"author\":\"Ann\",\"year\":2023}}");
          assertEquals(202, up.statusCode(), up.body());
          send(server, kafka, "office", lease("office", "June 2026", "Bob", 2019));
          send(server, kafka, "shed", lease("shed", "March 2025", "Cy", 2021));
          awaitSources(solr, CollectionName.DEFAULT, Set.of("office", "shed"));
          awaitSources(solr, new CollectionName("contracts"), Set.of("lease-1"));

          // Stream records, with the stream's offsets committed into the Solr collection.
          FileRecord office = solr.existingSolrStore(CollectionName.DEFAULT).fileRecord("office");
          assertTrue(office.fromStream(), office.toString());
          assertFalse(solr.existingSolrStore(CollectionName.DEFAULT).appliedOffsets().isEmpty());

          // Metadata filters are Solr filter queries, inside BM25 and kNN alike.
          SolrPassageStore store = solr.existingSolrStore(CollectionName.DEFAULT);
          assertEquals(Set.of("office"), sources(store, "lease ends", filter("author=bob")));
          assertEquals(Set.of("shed"), sources(store, "lease ends", filter("year>=2020")));
          assertEquals(Set.of(), sources(store, "lease ends", filter("year=2022..2030")));

          // Questions over HTTP are answered from Solr.
          JsonNode answer =
              JSON.readTree(
                  post(server, "/v1/ask", "{\"question\":\"When does the office lease end?\"}")
                      .body());
          assertEquals("office", answer.get("sources").get(0).get("source").asText(), "" + answer);

          // A compaction tombstone deletes the document from Solr.
          send(server, kafka, "shed", null);
          awaitSources(solr, CollectionName.DEFAULT, Set.of("office"));
        }

        // The topic is the source of truth: drop both Solr collections, restart, and the stream
        // is re-read from the beginning into freshly created collections.
        solr.dropSolrCollection(CollectionName.DEFAULT);
        solr.dropSolrCollection(new CollectionName("contracts"));
        assertEquals(List.of(), solr.solrCollections());
        try (FathomServer server = start(config, kafka)) {
          awaitSources(solr, CollectionName.DEFAULT, Set.of("office"));
          awaitSources(solr, new CollectionName("contracts"), Set.of("lease-1"));
          assertEquals(
              List.of(new CollectionName("contracts"), CollectionName.DEFAULT),
              solr.solrCollections());
          assertTrue(server.alive(), String.valueOf(server.failure()));
        }
      }
    }
  }

  @Test
  void theCommandLineIngestsFiltersListsShowsAndDeletesOnSolr() throws Exception {
    Path notes = java.nio.file.Files.createDirectories(tmp.resolve("notes"));
    java.nio.file.Files.writeString(
        notes.resolve("lease.md"),
        "---\nauthor: Ann\nyear: 2023\n---\n# Lease\n\nThe lease ends on 31 May 2027.\n");
    java.nio.file.Files.writeString(
        notes.resolve("car.md"),
        "---\nauthor: Bob\nyear: 2019\n---\n# Car\n\nThe car insurance ends in March 2026.\n");
    Map<String, String> props =
        Map.of(
            "fathom.index.backend", "solr",
            "fathom.index.solr.urls", String.join(",", cluster.urls()),
            "fathom.index.solr.collection-prefix", "cli-",
            "fathom.index.solr.shards", "1",
            "fathom.index.solr.replicas", "1");
    props.forEach(System::setProperty);
    ConfigFactory.invalidateCaches();
    try {
      String data = tmp.resolve("cli-data").toString();
      var in =
          cli(
              "ingest",
              "--collection",
              "notes",
              "--meta",
              "team=home",
              notes.toString(),
              "--data",
              data);
      assertEquals(0, in.exit(), in.toString());

      JsonNode list = JSON.readTree(cli("collections", "list", "--json", "--data", data).out());
      assertEquals(1, list.get("collections").size(), list.toString()); // only cli-* of this test
      JsonNode row = list.get("collections").get(0);
      assertEquals("notes", row.get("name").asText());
      assertEquals(2, row.get("documents").asInt());
      assertEquals("solr:cli-notes", row.get("index").asText());

      var bob =
          cli(
              "search",
              "--collection",
              "notes",
              "--json",
              "--filter",
              "author=bob",
              "when does it end",
              "--data",
              data);
      JsonNode hits = JSON.readTree(bob.out()).get("hits");
      assertEquals(1, hits.size(), bob.toString());
      assertTrue(hits.get(0).get("source").asText().endsWith("car.md"), bob.toString());
      var recent =
          cli(
              "search",
              "--collection",
              "notes",
              "--json",
              "--filter",
              "year>=2020",
              "--filter",
              "team=home",
              "ends",
              "--data",
              data);
      JsonNode recentHits = JSON.readTree(recent.out()).get("hits");
      assertEquals(1, recentHits.size(), recent.toString());
      assertTrue(recentHits.get(0).get("source").asText().endsWith("lease.md"), recent.toString());

      // Questions: the collection is found on SolrCloud (no demo fallback), passages come from it.
      var ask =
          cli("ask", "--collection", "notes", "--json", "When does the lease end?", "--data", data);
      assertEquals(0, ask.exit(), ask.toString());
      assertTrue(
          JSON.readTree(ask.out())
              .get("sources")
              .get(0)
              .get("source")
              .asText()
              .endsWith("lease.md"),
          ask.toString());
      // Without --collection: default exists on SolrCloud (not in the data directory), so no demo.
      assertEquals(0, cli("ingest", notes.resolve("lease.md").toString(), "--data", data).exit());
      var plain = cli("ask", "--json", "When does the lease end?", "--data", data);
      assertEquals(0, plain.exit(), plain.toString());
      assertFalse(plain.err().contains("demo collection"), plain.toString());

      var docs =
          cli(
              "documents",
              "list",
              "--collection",
              "notes",
              "--filter",
              "author=ann",
              "--json",
              "--data",
              data);
      assertEquals(1, JSON.readTree(docs.out()).get("documents").size(), docs.toString());
      var show =
          cli(
              "documents",
              "show",
              "--collection",
              "notes",
              "--json",
              notes.resolve("lease.md").toString(),
              "--data",
              data);
      JsonNode d = JSON.readTree(show.out());
      assertEquals("Ann", d.get("metadata").get("author").get(0).asText(), show.toString());

      var del =
          cli(
              "documents",
              "delete",
              "--collection",
              "notes",
              notes.resolve("car.md").toString(),
              "--data",
              data);
      assertEquals(0, del.exit(), del.toString());
      JsonNode left =
          JSON.readTree(
              cli("documents", "list", "--collection", "notes", "--json", "--data", data).out());
      assertEquals(1, left.get("documents").size(), left.toString());

      var dropped = cli("collections", "delete", "notes", "--data", data);
      assertEquals(0, dropped.exit(), dropped.toString());
      var again = cli("collections", "delete", "notes", "--data", data);
      assertEquals(1, again.exit(), again.toString());
      assertTrue(again.err().contains("no collection 'notes' on SolrCloud"), again.toString());
      var none = cli("search", "--collection", "notes", "lease", "--data", data);
      assertEquals(1, none.exit(), none.toString());
      assertTrue(none.err().contains("no collection 'notes' on SolrCloud"), none.toString());
    } finally {
      props.keySet().forEach(System::clearProperty);
      ConfigFactory.invalidateCaches();
    }
  }

  private static dev.fathom.ops.Cli.Result cli(String... args) {
    return dev.fathom.ops.Cli.run(args);
  }
}
