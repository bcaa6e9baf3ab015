package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.IndexBackend;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.filter.FilterSyntax;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.index.ScoredPassage;
import dev.fathom.retrieval.solr.SolrPassageStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The steps {@link SolrServeIT} takes against {@code fathom serve} on SolrCloud: start a server,
 * send a lease document over HTTP or Kafka, wait until a Solr collection holds the expected
 * documents, and search a Solr store with a filter by BM25 and by kNN alike.
 */
final class SolrServeSupport {
  static final Duration WAIT = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private SolrServeSupport() {}

  static FathomServer start(FathomConfig config, KafkaSettings kafka) {
    return FathomServer.start(
        config,
        kafka,
        new HttpSettings("127.0.0.1", 0, ""),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  static String lease(String what, String when, String author, int year) {
    return "{\"id\":\""
        + what
        + "\",\"title\":\"Lease\",\"text\":\"The lease of the "
        + what
        + " ends in "
        + when
        + ".\",\"metadata\":{\"author\":\""
        + author
        + "\",\"year\":"
        + year
        + "}}";
  }

  static SearchFilter filter(String expression) {
    return FilterSyntax.parseAll(List.of(expression), null);
  }

  static Set<String> sources(SolrPassageStore store, String q, SearchFilter f) {
    Set<String> out = new TreeSet<>();
    for (ScoredPassage p : store.bm25(q, 10, Principal.owner(), f)) out.add(p.passage().source());
    Set<String> dense = new TreeSet<>();
    float[] v = dev.fathom.retrieval.testing.TestEmbedder.shared().embed(q);
    for (ScoredPassage p : store.knn(v, 10, Principal.owner(), f)) dense.add(p.passage().source());
    assertEquals(out, dense, "bm25 and knn filter alike");
    return out;
  }

  /** Waits until the collection exists and holds exactly {@code sources}. */
  static void awaitSources(IndexBackend solr, CollectionName c, Set<String> sources)
      throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    Object last = "";
    while (System.nanoTime() < end) {
      try {
        Set<String> now = solr.existingSolrStore(c).fileRecords().keySet();
        if (now.equals(sources)) return;
        last = now;
      } catch (RuntimeException notYet) {
        last = notYet.getMessage();
      }
      Thread.sleep(300);
    }
    fail("collection " + c + " never held " + sources + ": " + last);
  }

  static void send(FathomServer s, KafkaSettings k, String key, String value) throws Exception {
    TopicRecords.send(s.bootstrapServers(), k.topics().documents(), key, value);
  }

  static HttpResponse<String> post(FathomServer s, String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws Exception {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
