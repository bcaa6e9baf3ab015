package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.ScoredPassage;
import dev.fathom.retrieval.ingest.IngestListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document stream of {@code fathom serve} under hostile input (issue 10, findings 1, 2, 6 and
 * 7), on the embedded KRaft broker, the real embedding model and a Lucene index on disk: path
 * documents that used to crash the server or hang it, paths that used to leak files, a deleted
 * index that used to lose every streamed document, and ids that used to overwrite ingested files.
 */
class DocumentStreamIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path tmp;

  /** Finding 1: a 3 GB sparse file and a FIFO; the stream goes on, and so does a restart. */
  @Test
  void aHugeFileAndAFifoAreDeadLettersAndServeKeepsRunningAcrossARestart() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Path huge = docs.resolve("huge.txt");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: no disk used, 3 GB to whoever reads it whole
    }
    Path fifo = docs.resolve("pipe.txt");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    Files.writeString(docs.resolve("ok.txt"), "Puffins dig burrows on cliff tops to nest.");
    FathomConfig config = config(docs);
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      send(server, kafka, "huge", Map.of("id", "huge", "path", huge.toString()));
      send(server, kafka, "fifo", Map.of("id", "fifo", "path", fifo.toString()));
      send(server, kafka, "ok", Map.of("id", "ok", "path", docs.resolve("ok.txt").toString()));
      awaitSearchable(config, "puffins burrows", "ok");
      Map<String, String> errors = deadLetters(server, kafka, Set.of("huge", "fifo"));
      assertTrue(errors.get("huge").contains("more than the limit"), errors.toString());
      assertTrue(errors.get("fifo").contains("not a regular file"), errors.toString());
      assertTrue(server.alive(), String.valueOf(server.failure()));
      assertFalse(server.documentsStalled());
    }
    // The poison records are still on the topic: a restart must not crash on them again.
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      awaitReady(server);
      assertTrue(server.alive(), String.valueOf(server.failure()));
    }
  }

  /** Finding 2: every way out of the roots gets the dead letter a missing file gets. */
  @Test
  void pathsOutsideTheRootsAreRefusedLikeAMissingFile() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Path secret = tmp.resolve("credentials.txt");
    Files.writeString(secret, "password=hunter2");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(docs.resolve("passwd-link.txt"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(docs.resolve("secret-link.txt"), secret);
    Map<String, String> paths = new HashMap<>();
    paths.put("missing", docs.resolve("no-such-file.txt").toString());
    paths.put("passwd-link", docs.resolve("passwd-link.txt").toString());
    paths.put("secret-link", docs.resolve("secret-link.txt").toString());
    paths.put("secret", secret.toString());
    paths.put("dotdot", docs + "/../../../../../../../etc/passwd");
    paths.put("etc", "/etc/passwd");
    FathomConfig config = config(docs);
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      for (var e : paths.entrySet()) {
        send(server, kafka, e.getKey(), Map.of("id", e.getKey(), "path", e.getValue()));
      }
      // Relative paths are refused on the string alone: an existing and a missing file alike.
      send(server, kafka, "relative", Map.of("id", "relative", "path", "../../etc/passwd"));
      send(server, kafka, "relative-missing", Map.of("id", "relative-missing", "path", "../x"));
      Set<String> ids = new java.util.HashSet<>(paths.keySet());
      ids.add("relative");
      ids.add("relative-missing");
      Map<String, String> errors = deadLetters(server, kafka, ids);
      String expected = errors.get("missing").replace(paths.get("missing"), "PATH");
      assertTrue(expected.contains("not found or not allowed"), expected);
      for (var e : paths.entrySet()) {
        assertEquals(expected, errors.get(e.getKey()).replace(e.getValue(), "PATH"), e.getKey());
      }
      assertTrue(errors.get("relative").contains("must be absolute"), errors.toString());
      assertEquals(
          errors.get("relative").replace("../../etc/passwd", "PATH"),
          errors.get("relative-missing").replace("../x", "PATH"));
      assertTrue(server.alive());
    }
    try (PassageIndex index = readIndex(config)) {
      for (String id : ids()) assertNull(index.fileRecord(id), id + " was indexed");
      assertTrue(index.bm25("root hunter2 password", 10).isEmpty());
    }
  }

  /** Path documents are off unless allowed roots are configured. */
  @Test
  void pathDocumentsAreOffByDefault() throws Exception {
    Path file = Files.writeString(tmp.resolve("a.txt"), "Gannets dive from thirty metres.");
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      send(server, kafka, "a", Map.of("id", "a", "path", file.toString()));
      String error = deadLetters(server, kafka, Set.of("a")).get("a");
      assertTrue(error.contains("path documents are disabled"), error);
    }
  }

  /**
   * Finding 6: deleting {@code index/} (the documented advice for a corrupt index) rebuilds it from
   * the compacted topic; and document JSON's {@code acl} reaches the index.
   */
  @Test
  void aDeletedIndexIsRebuiltFromTheTopicWithItsAccessLists() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      send(
          server,
          kafka,
          "walrus",
          Map.of("id", "walrus", "text", "Walruses use their tusks to haul out onto ice."));
      send(
          server,
          kafka,
          "salary",
          Map.of(
              "id",
              "salary",
              "text",
              "The salary band for engineers is confidential.",
              "acl",
              List.of("group:hr")));
      awaitSearchable(config, "walruses tusks", "walrus");
      awaitSearchable(config, "salary band", "salary");
    }
    deleteTree(config.indexDir());
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      awaitSearchable(config, "walruses tusks", "walrus");
      awaitSearchable(config, "salary band", "salary");
    }
    try (PassageIndex index = readIndex(config)) {
      assertEquals(AccessList.of(Set.of(), Set.of("hr")), index.fileRecord("salary").acl());
      assertTrue(index.bm25("salary band", 10, Principal.anonymous()).isEmpty());
      assertFalse(index.bm25("salary band", 10, Principal.user("bob", Set.of("hr"))).isEmpty());
      assertFalse(index.appliedOffsets().isEmpty());
    }
  }

  /** Finding 6: bytes flipped in the index are one clear error at start, not wrong answers. */
  @Test
  void aCorruptIndexIsOneClearErrorAtStart() throws Exception {
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      send(server, kafka, "walrus", Map.of("id", "walrus", "text", "Walruses haul out on ice."));
      awaitSearchable(config, "walruses ice", "walrus");
    }
    Path victim;
    try (var files = Files.list(config.indexDir())) {
      victim =
          files
              .filter(f -> !f.getFileName().toString().startsWith("segments"))
              .filter(f -> !f.getFileName().toString().equals("write.lock"))
              .max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
              .orElseThrow();
    }
    try (var ch =
        java.nio.channels.FileChannel.open(
            victim,
            java.nio.file.StandardOpenOption.READ,
            java.nio.file.StandardOpenOption.WRITE)) {
      long at = ch.size() / 2;
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
      ch.read(b, at);
      for (int i = 0; i < 8; i++) b.put(i, (byte) ~b.get(i));
      b.rewind();
      ch.write(b, at);
    }
    var e =
        assertThrows(
            dev.fathom.retrieval.index.IndexUnavailableException.class,
            () -> FathomServer.start(config, kafka, QUIET));
    assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
  }

  /** Finding 7: a stream document cannot replace or delete an ingested file, nor the reverse. */
  @Test
  void streamDocumentsAndIngestedFilesCannotOverwriteEachOther() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("corpus"));
    Path file = Files.writeString(dir.resolve("kiwi.txt"), "Kiwi birds lay very large eggs.");
    FathomConfig config = FathomConfig.load().withDataDir(tmp.resolve("data"));
    try (Workspace ws = new Workspace(config)) {
      ws.ingest(List.of(dir), IngestListener.NONE);
    }
    String fileId = file.toAbsolutePath().normalize().toString();
    KafkaSettings kafka = kafka();
    try (FathomServer server = FathomServer.start(config, kafka, QUIET)) {
      send(server, kafka, "x", Map.of("id", fileId, "text", "Kiwi birds are secretly robots."));
      send(server, kafka, "y", Map.of("id", fileId, "deleted", true));
      send(server, kafka, "z", Map.of("id", "stream-doc", "text", "Emus cannot walk backwards."));
      awaitSearchable(config, "emus backwards", "stream-doc");
      Map<String, String> errors = deadLetters(server, kafka, Set.of("x", "y"));
      assertTrue(errors.get("x").contains("ingested from files"), errors.toString());
      assertTrue(errors.get("y").contains("ingested from files"), errors.toString());
    }
    try (PassageIndex index = readIndex(config)) {
      FileRecord r = index.fileRecord(fileId);
      assertNotNull(r);
      assertFalse(r.fromStream());
      assertTrue(index.bm25("robots", 10).isEmpty(), "the file's passages were replaced");
    }
    // The other way: a file whose path is a stream document's id is not ingested over it.
    Path clash = Files.writeString(dir.resolve("clash.txt"), "Ostriches run fast.");
    try (PassageIndex index = PassageIndex.openForWriting(config.indexDir(), embeddingId(config))) {
      index.replaceSource(
          new FileRecord(clash.toString(), "kafka:fathom.documents", "-", 0), List.of(), List.of());
      index.commit();
    }
    List<String> warnings = new ArrayList<>();
    try (Workspace ws = new Workspace(config)) {
      ws.ingest(
          List.of(dir),
          new IngestListener() {
            @Override
            public void warning(Path f, String reason) {
              warnings.add(reason);
            }
          });
    }
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("came through the document stream")),
        warnings.toString());
    try (PassageIndex index = readIndex(config)) {
      assertTrue(index.fileRecord(clash.toString()).fromStream());
    }
  }

  // ------------------------------------------------------------------ helpers

  private static List<String> ids() {
    return List.of("missing", "passwd-link", "secret-link", "secret", "dotdot", "etc", "relative");
  }

  private FathomConfig config(Path allowedRoot) {
    return FathomConfig.from(
            ConfigFactory.parseMap(
                    Map.of("fathom.documents.path.allowed-roots", List.of(allowedRoot.toString())))
                .withFallback(ConfigFactory.load()))
        .withDataDir(tmp.resolve("data"));
  }

  private static KafkaSettings kafka() {
    KafkaSettings d = KafkaSettings.fromConfig(ConfigFactory.load());
    return new KafkaSettings("", 0, "fathom-doc-it", d.topics(), 2, 8, 64 * 1024);
  }

  private static void send(FathomServer s, KafkaSettings k, String key, Map<String, ?> value)
      throws Exception {
    TopicRecords.send(
        s.bootstrapServers(), k.topics().documents(), key, JSON.writeValueAsBytes(value));
  }

  /** The error header of the dead letter of each key, once every key has one. */
  static Map<String, String> deadLetters(FathomServer s, KafkaSettings k, Set<String> keys) {
    Map<String, String> errors = new HashMap<>();
    Predicate<Map<String, String>> done = m -> m.keySet().containsAll(keys);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      String topic = k.topics().deadLetters();
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, i.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!done.test(errors) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
          var h = r.headers().lastHeader(DeadLetters.ERROR);
          if (r.key() != null && h != null) {
            errors.put(
                new String(r.key(), StandardCharsets.UTF_8),
                new String(h.value(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    assertTrue(done.test(errors), "dead letters for " + keys + " within " + WAIT + ": " + errors);
    return errors;
  }

  static void awaitSearchable(FathomConfig config, String query, String source)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (PassageIndex.exists(config.indexDir())) {
        try (PassageIndex index = readIndex(config)) {
          for (ScoredPassage p : index.bm25(query, 10)) {
            if (p.passage().source().equals(source)) return;
          }
        }
      }
      Thread.sleep(200);
    }
    fail(source + " never became searchable within " + WAIT);
  }

  static void awaitReady(FathomServer server) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!server.ready()) {
      assertTrue(System.nanoTime() < deadline, "never ready: " + server.failure());
      Thread.sleep(200);
    }
  }

  private static PassageIndex readIndex(FathomConfig config) {
    return PassageIndex.openReadOnly(config.indexDir(), embeddingId(config));
  }

  private static String embeddingId(FathomConfig config) {
    return new Workspace(config).embeddingId();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
