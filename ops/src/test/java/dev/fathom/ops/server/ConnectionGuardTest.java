package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fathom.actors.PipelineSettings;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.ExtractiveAnswerer;
import dev.fathom.compressors.Evidence;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.search.Retriever;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 5 of issue 10 (slowloris): connections that send a header line or one body byte at a time
 * were never cut, and enough of them made {@code /healthz} time out. A real Pekko HTTP server with
 * a {@link ConnectionGuard}; real sockets play the slow clients.
 */
class ConnectionGuardTest {

  private static final HttpLimits LIMITS =
      new HttpLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), 100);
  private static final int SLOW = 30; // each kind; together below the connection limit

  private QuestionService questions;
  private ServerBinding binding;
  private ServeMetrics metrics;
  private HttpApi api;
  private int port;
  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService drip =
      java.util.concurrent.Executors.newScheduledThreadPool(2);

  @BeforeEach
  void start() {
    Retriever none =
        new Retriever() {
          @Override
          public List<Hit> search(String q, SearchMode m, int k) {
            return List.of();
          }

          @Override
          public List<Hit> search(String q, float[] v, SearchMode m, int k) {
            return List.of();
          }

          @Override
          public List<Hit> search(String q, SearchMode m, int k, Principal caller) {
            return List.of();
          }
        };
    questions =
        QuestionService.start(
            none,
            (question, hits) -> new Evidence(question, List.of(), 0, 0),
            new ExtractiveAnswerer(),
            new PipelineSettings(1, 1, 1, Duration.ofSeconds(10)),
            ConfigFactory.load());
    metrics =
        new ServeMetrics(
            () -> 0, new KafkaSettings.Topics("docs", "questions", "answers", "dead", "stream"));
    api =
        new HttpApi(
            questions,
            none,
            null,
            1 << 20,
            new QuestionIntake(new QuestionIntake.Settings(50, SearchMode.HYBRID, 5)),
            () -> true,
            metrics,
            "");
    binding = api.bind("127.0.0.1", 0, LIMITS);
    port = binding.localAddress().getPort();
  }

  @AfterEach
  void stop() throws IOException {
    drip.shutdownNow();
    for (Socket s : sockets) s.close();
    if (binding != null) HttpApi.unbind(binding, Duration.ofSeconds(1));
    if (questions != null) questions.close();
  }

  @Test
  void slowHeadersAndSlowBodiesAreCutWithinTheirTimeoutsWhileHealthzAnswers() throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < SLOW; i++) {
      Socket s = open();
      write(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
      drip.scheduleAtFixedRate(() -> write(s, "X-Slow: 1\r\n"), 500, 500, TimeUnit.MILLISECONDS);
    }
    for (int i = 0; i < SLOW; i++) {
      Socket s = open();
      write(
          s,
          "POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 1000\r\n\r\n{");
      drip.scheduleAtFixedRate(() -> write(s, " "), 500, 500, TimeUnit.MILLISECONDS);
    }
    // While they are held (and still dripping), /healthz answers quickly.
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 3000, "/healthz took " + ms + " ms while slow clients were held");
        Thread.sleep(200);
      }
    }
    // Every slow connection is closed by the server within its timeout (plus slack for a loaded
    // machine), although the clients keep sending.
    for (Socket s : sockets) {
      long left = Duration.ofSeconds(8).toMillis() - (System.nanoTime() - t0) / 1_000_000;
      assertTrue(closedWithin(s, Math.max(1, left)), "a slow connection was still open after 8 s");
    }
    String scrape = metrics.scrape();
    assertTrue(cut(scrape, "header_timeout") >= SLOW, scrape);
    assertTrue(cut(scrape, "body_timeout") >= SLOW, scrape);
  }

  @Test
  void connectionsOverTheLimitAreClosedAndCounted() throws Exception {
    // Header timeouts long enough that no held connection is cut (and frees a place) while a
    // loaded machine accepts the hundred: only the connection limit may close the extra one.
    HttpLimits patient = new HttpLimits(Duration.ofSeconds(60), Duration.ofSeconds(60), 100);
    HttpApi.unbind(binding, Duration.ofSeconds(1));
    binding = api.bind("127.0.0.1", 0, patient);
    port = binding.localAddress().getPort();
    for (int i = 0; i < patient.maxConnections(); i++) open();
    Thread.sleep(1000); // let the server accept them all
    Socket over = open();
    assertTrue(closedWithin(over, 5000), "a connection over the limit stayed open");
    assertTrue(cut(metrics.scrape(), "connection_limit") >= 1, metrics.scrape());
  }

  private Socket open() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    sockets.add(s);
    return s;
  }

  private static void write(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException closed) {
      // the server cut it: what the test waits for
    }
  }

  /** True when the server closes {@code s} (end of stream or reset) within {@code ms}. */
  private static boolean closedWithin(Socket s, long ms) throws IOException {
    long deadline = System.nanoTime() + ms * 1_000_000;
    InputStream in = s.getInputStream();
    while (System.nanoTime() < deadline) {
      s.setSoTimeout((int) Math.max(1, Math.min(250, (deadline - System.nanoTime()) / 1_000_000)));
      try {
        if (in.read() < 0) return true; // bytes of a response (e.g. 408) are read past
      } catch (SocketTimeoutException stillOpen) {
        // keep waiting
      } catch (IOException reset) {
        return true;
      }
    }
    return false;
  }

  private static double cut(String scrape, String reason) {
    Matcher m =
        Pattern.compile(
                "fathom_http_connections_cut_total\\{reason=\"" + reason + "\"[^}]*\\} ([0-9.E+]+)")
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
