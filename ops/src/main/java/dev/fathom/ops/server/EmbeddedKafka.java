package dev.fathom.ops.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, combined broker + controller) inside this JVM, from Kafka's own
 * server classes, for {@code fathom serve} on one machine. Its log lives under {@code
 * <data>/kafka}, formatted once; later starts reuse it, so topics, offsets and transactions survive
 * a restart.
 *
 * <p>The replication factors of the internal topics are 1: right for exactly one broker, and the
 * reason this class is only used when no {@code fathom.kafka.bootstrap-servers} is configured.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats {@code logDir} when it holds no Kafka log yet, then starts the broker.
   *
   * @param port the client port on localhost; 0 picks a free one
   */
  public static EmbeddedKafka start(Path logDir, int port) {
    return start(logDir, port, null);
  }

  /**
   * Like {@link #start(Path, int)}; with {@code credentials} non-null the broker is secured: SASL
   * on every listener (SCRAM-SHA-512 for clients, PLAIN with a password from the data directory for
   * the broker's own connections and the controller), the KRaft {@code StandardAuthorizer} with
   * Fathom's principal as the only super user and no access for anyone else unless an ACL grants it
   * (see {@link EmbeddedSecurity}). Fathom's clients of this broker log in as Fathom.
   */
  public static EmbeddedKafka start(Path logDir, int port, EmbeddedCredentials credentials) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("kafka port must be in 0..65535, got " + port);
    }
    try {
      Files.createDirectories(logDir);
      int clientPort = port == 0 ? freePort() : port;
      // The controller port is not recorded in the formatted log (static quorum), so a fresh free
      // port on every start is fine and avoids clashing with another broker on this machine.
      int controllerPort = freePort();
      Properties p = properties(logDir, clientPort, controllerPort);
      if (credentials != null) EmbeddedSecurity.secure(p, credentials);
      if (!Files.exists(logDir.resolve("meta.properties"))) format(logDir, p);
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
      server.startup();
      String bootstrap = "localhost:" + clientPort;
      if (credentials != null) {
        try {
          EmbeddedSecurity.provision(bootstrap, credentials);
        } catch (RuntimeException e) {
          server.shutdown();
          server.awaitShutdown();
          throw e;
        }
        ClientProperties.register(bootstrap, credentials.fathomClientProperties());
      }
      log.info(
          "embedded Kafka broker listening on {} (log {}){}",
          bootstrap,
          logDir,
          credentials == null ? "" : ", SASL/SCRAM and ACLs required");
      return new EmbeddedKafka(server, bootstrap);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka broker in " + logDir, e);
    }
  }

  /** {@code localhost:PORT}, for clients. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Stops the broker and waits for it (it flushes its log and closes its files). */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    ClientProperties.unregister(bootstrapServers);
  }

  private static Properties properties(Path logDir, int clientPort, int controllerPort) {
    Properties p = new Properties();
    // One process is both broker and controller: a single-node KRaft cluster.
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    // Loopback only: the embedded broker is for this machine; a shared cluster is configured
    // with fathom.kafka.bootstrap-servers instead.
    p.put(
        "listeners",
        "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // Replication factors and min ISR of 1: there is exactly one broker. With the defaults (3)
    // the group coordinator never becomes ready and consumers wait forever.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    // Fewer partitions for the internal topics: they cost startup time and files on one machine.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    // No waiting for more members: a single serve process should be assigned at once.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Fathom creates its topics itself, with the settings it needs.
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  private static void format(Path logDir, Properties p) throws IOException {
    Path cfg = Files.createTempFile("fathom-kafka", ".properties");
    try {
      try (OutputStream out = Files.newOutputStream(cfg)) {
        p.store(out, "fathom embedded broker");
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      int rc;
      try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
        rc =
            StorageTool.execute(
                new String[] {
                  "format",
                  "-t",
                  Uuid.randomUuid().toString(),
                  "-c",
                  cfg.toString(),
                  "--ignore-formatted"
                },
                ps);
      }
      if (rc != 0) {
        throw new IllegalStateException(
            "formatting the Kafka log in "
                + logDir
                + " failed ("
                + rc
                + "): "
                + buf.toString(StandardCharsets.UTF_8).strip());
      }
      log.info("formatted Kafka log in {}", logDir);
    } finally {
      Files.deleteIfExists(cfg);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
