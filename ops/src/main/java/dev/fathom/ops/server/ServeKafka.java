package dev.fathom.ops.server;

import dev.fathom.ops.config.FathomConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The Kafka side of {@code fathom serve} as it starts: the embedded KRaft broker (secured with
 * SASL/SCRAM when {@link KafkaSecurity#embeddedSecured} says so), or the external cluster's client
 * properties; then the topics, and on a secured embedded broker the clients' rights to them.
 *
 * @param broker the embedded broker, null when joining an external cluster
 * @param bootstrap the bootstrap address clients use
 * @param secured whether the embedded broker requires SASL/SCRAM credentials
 */
record ServeKafka(EmbeddedKafka broker, String bootstrap, boolean secured) {

  /**
   * Starts or joins the broker, ensures the topics and prints the bootstrap address (and, when
   * secured, where the client credentials are) on {@code out}; closes a broker it started when a
   * later step fails.
   */
  static ServeKafka start(
      FathomConfig config, KafkaSettings kafka, HttpSettings httpSettings, PrintStream out) {
    EmbeddedKafka broker = null;
    try {
      String bootstrap = kafka.bootstrapServers();
      boolean secured = false;
      if (kafka.embedded()) {
        secured = KafkaSecurity.embeddedSecured(config.raw(), httpSettings);
        broker =
            EmbeddedKafka.start(
                config.dataDir().resolve("kafka"),
                kafka.embeddedPort(),
                secured ? EmbeddedCredentials.loadOrCreate(config.dataDir()) : null);
        bootstrap = broker.bootstrapServers();
      } else {
        ClientProperties.register(bootstrap, KafkaSecurity.externalClientProperties(config.raw()));
      }
      out.println(
          "Kafka: "
              + bootstrap
              + (broker == null
                  ? ""
                  : " (embedded, log in " + config.dataDir().resolve("kafka") + ")"));
      TopicSetup.ensure(bootstrap, kafka);
      if (secured) {
        EmbeddedSecurity.grantTopics(bootstrap, kafka.topics());
        out.println(
            "Kafka clients need SASL/SCRAM credentials: "
                + config.dataDir().resolve(EmbeddedCredentials.CLIENT_FILE));
      }
      return new ServeKafka(broker, bootstrap, secured);
    } catch (RuntimeException e) {
      if (broker != null) broker.close();
      throw e;
    }
  }

  /**
   * This node's id: a random id kept in the data directory plus a secret suffix, so the
   * transactional ids and group names it makes cannot be derived from what a client can list.
   */
  static String nodeId(Path dataDir) {
    return randomId(dataDir) + "-" + KafkaSecurity.nodeSecret(dataDir);
  }

  /** A random id kept in the data directory: names this process's transactions and groups. */
  private static String randomId(Path dataDir) {
    Path f = dataDir.resolve("node-id");
    try {
      if (Files.exists(f)) return Files.readString(f, StandardCharsets.UTF_8).strip();
      Files.createDirectories(dataDir);
      String id = UUID.randomUUID().toString();
      Files.writeString(f, id + "\n", StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + f, e);
    }
  }
}
