package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.config.FathomConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behavior handbook over HTTP on a running {@code fathom serve} (embedded Kafka, real Lucene
 * handbook): add, list, show, remove, feedback, and the counters on {@code /metrics}.
 */
class BehaviorRoutesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void addListShowRemoveFeedbackAndMetrics() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    KafkaSettings kafka =
        new KafkaSettings("", 0, "behavior-http-it", defaults.topics(), 1, 4, 64 * 1024);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FathomServer server =
        FathomServer.start(
            config,
            kafka,
            new HttpSettings("127.0.0.1", 0, ""),
            new PrintStream(out, true, StandardCharsets.UTF_8))) {
      String base = "http://127.0.0.1:" + server.httpPort() + "/v1/behaviors";
      HttpResponse<String> added =
          send(
              "POST",
              base,
              "{\"name\":\"behavior_quote_span\",\"instruction\":\"Quote the sentence that states"
                  + " the answer.\"}");
      assertEquals(200, added.statusCode(), added.body());
      assertEquals("added", JSON.readTree(added.body()).get("outcome").asText());

      HttpResponse<String> bad = send("POST", base, "{\"name\":\"quote\",\"instruction\":\"x\"}");
      assertEquals(400, bad.statusCode(), bad.body());
      assertTrue(bad.body().contains("behavior"), bad.body());

      JsonNode list = JSON.readTree(send("GET", base, null).body());
      assertEquals("fathom-behaviors", list.get("format").asText());
      assertEquals(1, list.get("behaviors").size());
      assertEquals(200, send("GET", base + "/behavior_quote_span", null).statusCode());
      assertEquals(404, send("GET", base + "/behavior_nothing", null).statusCode());

      String feedback = "http://127.0.0.1:" + server.httpPort() + "/v1/answers/req-42/feedback";
      assertEquals(202, send("POST", feedback, "{\"rating\":4,\"comment\":\"good\"}").statusCode());
      assertEquals(400, send("POST", feedback, "{\"rating\":9}").statusCode());

      assertEquals(200, send("DELETE", base + "/behavior_quote_span", null).statusCode());
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status = 200;
      while (status != 404 && System.nanoTime() < until) {
        Thread.sleep(100);
        status = send("GET", base + "/behavior_quote_span", null).statusCode();
      }
      assertEquals(404, status, "the removal (and its tombstone) took effect");
      assertEquals(404, send("DELETE", base + "/behavior_nothing", null).statusCode());

      String metrics =
          send("GET", "http://127.0.0.1:" + server.httpPort() + "/metrics", null).body();
      for (String event : new String[] {"mined", "merged", "offered", "cited"}) {
        assertTrue(metrics.contains("fathom_behaviors_total{event=\"" + event + "\"}"), metrics);
      }
    }
  }
}
