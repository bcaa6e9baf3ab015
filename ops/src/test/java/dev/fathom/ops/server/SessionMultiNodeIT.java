package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions on a Pekko cluster of three {@code fathom serve} processes (separate JVMs on loopback)
 * that share a Kafka broker and a session journal, both run by this test as an operator would run
 * them: the broker embedded here, the journal an H2 TCP server (a multi-node cluster needs a
 * journal every node reaches; the embedded H2 file is for one node). Conversations arrive as Kafka
 * questions with a {@code sessionId}; the node holding the most sessions is killed with SIGKILL
 * while the later turns are being answered. Every session must then live on a surviving node with
 * its whole history, and a read_committed reader must see exactly one answer per question: no turn
 * lost, none answered twice.
 */
class SessionMultiNodeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(150);
  // Three JVMs load their embedders at once: 90 s on a 2-core machine shared with other builds.
  private static final Duration STARTUP = Duration.ofSeconds(300);
  private static final int NODES = 3;
  private static final int SESSIONS = 6;
  private static final int TURNS = 6;
  private static final int BEFORE_KILL = 3;
  private static final String ANSWERS = "fathom.answers";
  private static final Pattern RECOVERED =
      Pattern.compile("session (s-\\d+) recovered at turn (\\d+) on pekko://fathom-sessions@");

  private record Node(String name, Process process, Path out) {}

  @TempDir Path tmp;
  private EmbeddedKafka broker;
  private org.h2.tools.Server journal;
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Node n : nodes) {
      if (n.process().isAlive()) n.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (broker != null) broker.close();
    if (journal != null) journal.stop();
  }

  @Test
  void sessionsOutliveTheNodeHoldingThemKilledMidConversation() throws Exception {
    long t0 = System.nanoTime();
    broker = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
    int h2 = freePort();
    journal =
        org.h2.tools.Server.createTcpServer(
                "-tcp",
                "-tcpPort",
                Integer.toString(h2),
                "-ifNotExists",
                "-baseDir",
                tmp.resolve("journal").toString())
            .start();
    int[] ports = new int[NODES];
    for (int i = 0; i < NODES; i++) ports[i] = freePort();
    for (int i = 0; i < NODES; i++) {
      nodes.add(
          start("node" + i, ports[i], ports[0], "jdbc:h2:tcp://127.0.0.1:" + h2 + "/sessions"));
    }
    Map<Node, Integer> http = new HashMap<>();
    for (Node n : nodes) http.put(n, awaitServing(n));
    long started = System.nanoTime();

    send(1, BEFORE_KILL);
    committedAnswers(SESSIONS * BEFORE_KILL);
    Map<String, Node> holder = holders();
    assertEquals(SESSIONS, holder.size(), "every session started somewhere: " + holder);
    Node victim = nodes.getFirst();
    for (Node n : nodes) {
      if (holder.values().stream().filter(n::equals).count()
          > holder.values().stream().filter(victim::equals).count()) victim = n;
    }
    List<String> moving = new ArrayList<>();
    for (var e : holder.entrySet()) if (e.getValue() == victim) moving.add(e.getKey());

    // Mid-conversation: the later turns go out, and the node dies once their answers are being
    // written (asked and journaled, some answered, not all committed).
    int before = answersWritten();
    send(BEFORE_KILL + 1, TURNS);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (answersWritten() == before && System.nanoTime() < deadline) Thread.sleep(10);
    victim.process().destroyForcibly(); // SIGKILL: no leave, no commit, a transaction left open
    assertTrue(victim.process().waitFor(30, TimeUnit.SECONDS));
    long killed = System.nanoTime();

    Map<String, Integer> answers = committedAnswers(SESSIONS * TURNS);
    CommittedRead.awaitConsumed(broker.bootstrapServers(), "fathom", "fathom.questions", WAIT);
    answers = new HashMap<>();
    for (var r : CommittedRead.readToEnd(broker.bootstrapServers(), ANSWERS)) {
      answers.merge(JSON.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
    }
    assertEquals(SESSIONS * TURNS, answers.size(), "turns answered (none lost): " + answers);
    for (var e : answers.entrySet()) {
      assertEquals(1, e.getValue(), "committed answers to " + e.getKey() + " (none twice)");
    }

    Node survivor = nodes.stream().filter(n -> n.process().isAlive()).findFirst().orElseThrow();
    for (int s = 0; s < SESSIONS; s++) {
      JsonNode h = get(http.get(survivor), "/sessions/s-" + s);
      JsonNode turns = h.get("turns");
      assertEquals(TURNS, turns.size(), "history of s-" + s + ": " + h);
      for (int t = 1; t <= TURNS; t++) {
        JsonNode turn = turns.get(t - 1);
        assertEquals(t, turn.get("turn").asInt());
        assertEquals(requestId(s, t), turn.get("request_id").asText(), "turn " + t + " of s-" + s);
        assertEquals(question(s, t), turn.get("question").asText());
        assertFalse(turn.get("answered_at").isNull(), "turn " + t + " of s-" + s + " answered");
      }
    }
    Map<String, Node> after = holders();
    for (String s : moving) {
      assertNotEquals(victim, after.get(s), s + " moved off the killed node");
      assertTrue(after.get(s).process().isAlive(), s + " lives on a surviving node");
    }
    // What the crash exercised, for the record: batches asked again because a session did not
    // reply, and turns a recovered session found pending.
    int retried = 0, resumed = 0;
    for (Node n : nodes) {
      for (String line : Files.readAllLines(n.out())) {
        if (line.contains("the batch will be asked again")) retried++;
        if (line.contains("left pending")) resumed++;
      }
    }
    System.out.printf(
        "SessionMultiNodeIT: %d nodes up in %d s; %d of %d sessions moved off %s; all %d turns"
            + " committed once %d s after the kill (%d batches asked again, %d pending turns"
            + " resumed); test %d s%n",
        NODES,
        (started - t0) / 1_000_000_000L,
        moving.size(),
        SESSIONS,
        victim.name(),
        SESSIONS * TURNS,
        (System.nanoTime() - killed) / 1_000_000_000L,
        retried,
        resumed,
        (System.nanoTime() - t0) / 1_000_000_000L);
  }

  private static String requestId(int session, int turn) {
    return "s-" + session + "-t" + turn;
  }

  private static String question(int session, int turn) {
    return "What happens in chapter " + turn + " of story " + session + "?";
  }

  /** Sends turns {@code from..to} of every session, in order, keyed by session. */
  private void send(int from, int to) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int t = from; t <= to; t++) {
        for (int s = 0; s < SESSIONS; s++) {
          String v =
              "{\"requestId\":\""
                  + requestId(s, t)
                  + "\",\"sessionId\":\"s-"
                  + s
                  + "\",\"question\":\""
                  + question(s, t)
                  + "\"}";
          producer.send(
              new ProducerRecord<>(
                  "fathom.questions",
                  ("s-" + s).getBytes(StandardCharsets.UTF_8),
                  v.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
  }

  /** Where each session was last started, from the nodes' logs. */
  private Map<String, Node> holders() throws Exception {
    Map<String, Node> where = new HashMap<>();
    Map<String, String> when = new HashMap<>();
    for (Node n : nodes) {
      for (String line : Files.readAllLines(n.out())) {
        Matcher m = RECOVERED.matcher(line);
        // Lines start with HH:mm:ss.SSS: the latest start wins.
        if (m.find() && line.compareTo(when.getOrDefault(m.group(1), "")) > 0) {
          where.put(m.group(1), n);
          when.put(m.group(1), line);
        }
      }
    }
    return where;
  }

  private Node start(String name, int port, int seedPort, String journalUrl) throws Exception {
    String root = System.getProperty("fathom.root", ".");
    Path out = tmp.resolve(name + ".out");
    Path logback = Path.of(getClass().getResource("/session-nodes-logback.xml").toURI());
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + Path.of(root, "jvm.options"),
            "-Xmx768m",
            "-Dai.djl.offline=true",
            "-Dlogback.configurationFile=" + logback,
            "-Dfathom.kafka.bootstrap-servers=" + broker.bootstrapServers(),
            "-Dfathom.kafka.max-in-flight=4",
            "-Dfathom.kafka.partitions=6",
            // A dead member's partitions and its open transaction are released within seconds
            // (defaults: 45 s and 60 s).
            "-Dfathom.kafka.client-properties.session.timeout.ms=6000",
            "-Dfathom.kafka.client-properties.transaction.timeout.ms=10000",
            "-Dfathom.sessions.kafka-turns=true",
            "-Dfathom.sessions.port=" + port,
            "-Dfathom.sessions.seed-nodes.0=pekko://fathom-sessions@127.0.0.1:" + seedPort,
            "-Dfathom.sessions.journal-url=" + journalUrl,
            // A turn sent to the killed node is asked again after this (then the session moved).
            "-Dfathom.sessions.turn-timeout=15s",
            // Down an unreachable node after 4 s of stability (default 20 s).
            "-Dpekko.cluster.split-brain-resolver.stable-after=4s",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.fathom.ops.Fathom",
            "serve",
            "--data",
            tmp.resolve(name).toString(),
            "--http-port",
            "0");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    return new Node(name, p, out);
  }

  /** Waits for {@code n} to serve; returns its HTTP port. */
  private int awaitServing(Node n) throws Exception {
    Pattern port = Pattern.compile("HTTP: http://127\\.0\\.0\\.1:(\\d+)");
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      String s = Files.readString(n.out());
      Matcher m = port.matcher(s);
      if (s.contains("Serving from") && m.find()) return Integer.parseInt(m.group(1));
      if (!n.process().isAlive() || System.nanoTime() > deadline) {
        fail(n.name() + " did not start:\n" + s);
      }
      Thread.sleep(200);
    }
  }

  private static JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1" + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Answer records in the log, committed, aborted or open (the sum of the end offsets). */
  private int answersWritten() {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties(false))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(ANSWERS)) {
        parts.add(new TopicPartition(ANSWERS, i.partition()));
      }
      long n = 0;
      for (long end : c.endOffsets(parts).values()) n += end;
      return (int) n;
    }
  }

  /** Committed answers per request id, read to the end once there are {@code expected} ids. */
  private Map<String, Integer> committedAnswers(int expected) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties(true))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(ANSWERS)) {
        parts.add(new TopicPartition(ANSWERS, i.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          counts.merge(JSON.readTree(r.value()).get("requestId").asText(), 1, Integer::sum);
        }
        if (counts.size() >= expected) return counts;
      }
    }
    fail("committed answers: " + counts.size() + " of " + expected + "\n" + tails());
    return counts;
  }

  private Properties consumerProperties(boolean committed) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    if (committed) p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private String tails() throws Exception {
    StringBuilder b = new StringBuilder();
    for (Node n : nodes) {
      String s = Files.readString(n.out());
      b.append("--- ").append(n.name()).append('\n');
      b.append(s, Math.max(0, s.length() - 4000), s.length());
    }
    return b.toString();
  }
}
